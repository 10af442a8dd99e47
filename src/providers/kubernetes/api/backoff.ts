/**
 * client-go's exponential back-off manager as Prometheus's informers use it (kubernetes.md 2.5): 800 ms,
 * doubling, capped at 30 s, plus up to another 100 % of the current step as jitter; the sequence starts over
 * once 2 minutes passed since the previous back-off started.
 */

export interface BackoffOptions {
  readonly initialMs?: number;
  readonly maxMs?: number;
  readonly resetAfterMs?: number;
  /** Milliseconds on a monotonic clock; tests pass a fake. */
  readonly now?: () => number;
  /** In [0, 1); tests pass a fixed value. */
  readonly random?: () => number;
}

export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #resetAfterMs: number;
  readonly #now: () => number;
  readonly #random: () => number;
  #stepMs: number;
  #lastStartMs = Number.NEGATIVE_INFINITY;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 800;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#resetAfterMs = options.resetAfterMs ?? 120_000;
    this.#now = options.now ?? (() => performance.now());
    this.#random = options.random ?? Math.random;
    this.#stepMs = this.#initialMs;
  }

  /** The next delay in milliseconds (the step plus jitter); advances the step. */
  next(): number {
    const now = this.#now();
    if (now - this.#lastStartMs > this.#resetAfterMs) this.#stepMs = this.#initialMs;
    this.#lastStartMs = now;
    const step = this.#stepMs;
    this.#stepMs = Math.min(step * 2, this.#maxMs);
    return step + this.#random() * step;
  }
}
