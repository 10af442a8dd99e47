/**
 * rate_limit as exporter-toolkit builds it: golang.org/x/time/rate's token bucket with `burst` tokens, one
 * new token per `interval`, starting full. `Allow()` takes a token or refuses; burst 0 refuses everything,
 * as Go's limiter does for a finite rate.
 */
export class RateLimiter {
  readonly #intervalMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(options: { intervalMs: number; burst: number; now?: () => number }) {
    this.#intervalMs = options.intervalMs;
    this.#burst = options.burst;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = options.burst;
    this.#last = this.#now();
  }

  allow(): boolean {
    // rate.Every of a negative interval is rate.Inf: everything passes.
    if (this.#intervalMs < 0) return true;
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) / this.#intervalMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
