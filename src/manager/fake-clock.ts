/**
 * A manual clock for tests of the throttle and the manager: time moves only when the test calls `advance`,
 * and due timers run in order of their due time (STYLE 2.11: clocks you control, no real sleeps).
 */
import type { Clock } from "./throttle.js";

interface FakeTimer {
  readonly at: number;
  readonly id: number;
  readonly callback: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();
  /** What `random()` returns; 0.5 makes the throttle's jitter zero. */
  randomValue = 0.5;

  constructor(startMs = 1_000_000) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), id, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === "number") this.#timers.delete(handle);
  }

  random(): number {
    return this.randomValue;
  }

  /** Number of timers that have not fired or been cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Milliseconds until the next timer fires, or undefined when none is pending. */
  nextTimerInMs(): number | undefined {
    const next = this.#earliest();
    return next === undefined ? undefined : next.at - this.#now;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way (including ones they set). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let next = this.#earliest(); next !== undefined && next.at <= end; next = this.#earliest()) {
      this.#timers.delete(next.id);
      this.#now = next.at;
      next.callback();
    }
    this.#now = end;
  }

  #earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.id < best.id)) best = timer;
    }
    return best;
  }
}
