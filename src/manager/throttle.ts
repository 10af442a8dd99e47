/**
 * Coalesces "something changed" signals into snapshot sends (core.md 2.6, common.md 7.3). A change only sets a
 * flag of capacity one; a check that finds the flag set clears it and calls `send` once.
 *
 * - `backoff` (3.12+, v3): checks are spaced by an exponential backoff (100 ms, ×1.5, ±50 % jitter, capped at
 *   `intervalMs`), reset once more than `intervalMs` has passed since the last successful send. Prometheus
 *   polls every ~100 ms while idle; we keep no timer while idle and, on the first change, schedule the check
 *   the idle poll would have made, so the process can exit and tests see no stray timer.
 * - `ticker` (2.42, 3.0-3.11): a fixed-period check every `intervalMs`, started by `start()`.
 * - `intervalMs` = 0: every change is sent on the next microtask; synchronous bursts still coalesce.
 */

/** Time and timers, injectable so tests control them (no real sleeps in unit tests). */
export interface Clock {
  /** Milliseconds; only differences are used by the throttle, the manager also uses it as wall time. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Uniform in [0, 1), for jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>), // `as`: our own handle
  random: () => Math.random(),
};

export type ThrottleMode = "backoff" | "ticker";

export interface ThrottleOptions {
  /** Upper bound of the backoff, or the ticker period; 0 sends on the next microtask. */
  readonly intervalMs: number;
  readonly mode: ThrottleMode;
  /** Sends one snapshot. Returns false when the consumer was busy: the flag is set again and retried. */
  readonly send: () => boolean;
  readonly clock?: Clock;
}

export const INITIAL_BACKOFF_MS = 100;
export const BACKOFF_MULTIPLIER = 1.5;
export const BACKOFF_RANDOMIZATION = 0.5;

export class Throttle {
  readonly #intervalMs: number;
  readonly #mode: ThrottleMode;
  readonly #send: () => boolean;
  readonly #clock: Clock;
  #pending = false;
  #closed = false;
  #started = false;
  #timer: unknown;
  #hasTimer = false;
  #microtaskQueued = false;
  #backoffMs: number;
  #lastSentAt = Number.NEGATIVE_INFINITY;
  #nextTickAt = 0;

  constructor(options: ThrottleOptions) {
    if (!(options.intervalMs >= 0)) throw new RangeError(`updateIntervalMs must be >= 0, got ${options.intervalMs}`);
    this.#intervalMs = options.intervalMs;
    this.#mode = options.mode;
    this.#send = options.send;
    this.#clock = options.clock ?? systemClock;
    this.#backoffMs = this.#initialBackoffMs();
  }

  /** Starts the ticker (ticker mode only; the backoff mode needs no start). Idempotent. */
  start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    if (this.#mode === "ticker" && this.#intervalMs > 0) {
      this.#nextTickAt = this.#clock.now() + this.#intervalMs;
      this.#schedule(this.#intervalMs, () => this.#tick());
    }
  }

  /** Records a change; it goes out at the next check. */
  notify(): void {
    if (this.#closed) return;
    this.#pending = true;
    if (this.#intervalMs === 0) {
      if (this.#microtaskQueued) return;
      this.#microtaskQueued = true;
      queueMicrotask(() => {
        this.#microtaskQueued = false;
        if (!this.#closed) this.#check();
      });
      return;
    }
    if (this.#mode === "backoff" && !this.#hasTimer) this.#scheduleBackoffCheck();
  }

  /** True while a change waits for a check. */
  get isPending(): boolean {
    return this.#pending;
  }

  /** Stops for good and clears every timer. Idempotent. */
  close(): void {
    this.#closed = true;
    this.#pending = false;
    if (this.#hasTimer) this.#clock.clearTimeout(this.#timer);
    this.#hasTimer = false;
  }

  #check(): void {
    if (!this.#pending) return;
    this.#pending = false;
    if (this.#send()) this.#lastSentAt = this.#clock.now();
    else if (!this.#closed) this.#pending = true;
  }

  #tick(): void {
    this.#check();
    if (this.#closed) return;
    // A ticker does not drift: the next tick is due a whole period after the previous due time.
    this.#nextTickAt += this.#intervalMs;
    this.#schedule(Math.max(0, this.#nextTickAt - this.#clock.now()), () => this.#tick());
  }

  #backoffCheck(): void {
    this.#check();
    if (this.#closed) return;
    const sinceSend = this.#clock.now() - this.#lastSentAt;
    if (sinceSend > this.#intervalMs) this.#backoffMs = this.#initialBackoffMs();
    // Keep checking while something waits or while Prometheus's loop would still be backing off; otherwise
    // go idle (Prometheus would poll every ~100 ms with nothing to send).
    if (this.#pending || sinceSend <= this.#intervalMs) this.#scheduleBackoffCheck();
  }

  #scheduleBackoffCheck(): void {
    this.#schedule(this.#nextBackoffMs(), () => this.#backoffCheck());
  }

  /** As cenkalti/backoff's ExponentialBackOff: randomise the current interval, then grow it (capped). */
  #nextBackoffMs(): number {
    const current = this.#backoffMs;
    const delta = BACKOFF_RANDOMIZATION * current;
    this.#backoffMs = Math.min(current * BACKOFF_MULTIPLIER, this.#intervalMs);
    return current - delta + this.#clock.random() * 2 * delta;
  }

  #initialBackoffMs(): number {
    return Math.min(INITIAL_BACKOFF_MS, this.#intervalMs);
  }

  #schedule(ms: number, run: () => void): void {
    this.#hasTimer = true;
    this.#timer = this.#clock.setTimeout(() => {
      this.#hasTimer = false;
      if (!this.#closed) run();
    }, ms);
  }
}
