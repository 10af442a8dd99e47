import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeClock } from "./fake-clock.js";
import { Throttle, type ThrottleMode } from "./throttle.js";

/** A throttle on a fake clock that records the clock time of every send. */
function setUp(intervalMs: number, mode: ThrottleMode = "backoff", accept: () => boolean = () => true) {
  const clock = new FakeClock(0);
  const sends: number[] = [];
  const throttle = new Throttle({ intervalMs, mode, clock, send: () => (sends.push(clock.now()), accept()) });
  return { clock, sends, throttle };
}

/** Notifies every `stepMs` for `durationMs`, i.e. a sustained burst of changes. */
function burst(clock: FakeClock, throttle: Throttle, durationMs: number, stepMs = 1): void {
  for (let t = 0; t < durationMs; t += stepMs) {
    throttle.notify();
    clock.advance(stepMs);
  }
}

test("throttle: the first change after a quiet period goes out after the 100 ms initial backoff", () => {
  const { clock, sends, throttle } = setUp(5000);
  throttle.notify();
  clock.advance(99);
  assert.deepEqual(sends, []);
  clock.advance(1);
  assert.deepEqual(sends, [100]);
});

const jitterCases = [
  { random: 0, wantMs: 50 },
  { random: 0.5, wantMs: 100 },
  { random: 0.999, wantMs: 149.9 },
];
for (const c of jitterCases) {
  test(`throttle: the first check is jittered ±50 % (random ${c.random} → ${c.wantMs} ms)`, () => {
    const { clock, throttle } = setUp(5000);
    clock.randomValue = c.random;
    throttle.notify();
    const next = clock.nextTimerInMs();
    assert.ok(next !== undefined && Math.abs(next - c.wantMs) < 1e-9, `next check in ${next} ms`);
  });
}

test("throttle: during a burst the gaps grow ×1.5 from 100 ms and are capped at the interval", () => {
  const { clock, sends, throttle } = setUp(1000);
  burst(clock, throttle, 6000);
  const gaps = sends.slice(1).map((t, i) => t - (sends[i] ?? 0));
  assert.equal(sends[0], 100);
  assert.deepEqual(gaps.slice(0, 6), [150, 225, 337.5, 506.25, 759.375, 1000]);
  assert.ok(gaps.slice(6).every((g) => g === 1000), `gaps ${gaps.join(",")}`);
});

test("throttle: a burst of changes between two checks is coalesced into one send", () => {
  const { clock, sends, throttle } = setUp(5000);
  for (let i = 0; i < 50; i++) throttle.notify();
  clock.advance(10_000);
  assert.equal(sends.length, 1);
});

test("throttle: after more than the interval without a send the backoff resets and the timer stops", () => {
  const { clock, sends, throttle } = setUp(1000);
  burst(clock, throttle, 3000);
  clock.advance(10_000);
  assert.equal(clock.pendingTimers, 0, "idle throttle keeps no timer");
  const before = sends.length;
  throttle.notify();
  clock.advance(100);
  assert.equal(sends.length, before + 1);
  assert.equal(sends.at(-1), 13_100);
});

test("throttle: a change shortly after a send waits for the grown backoff, not 100 ms", () => {
  const { clock, sends, throttle } = setUp(5000);
  throttle.notify();
  clock.advance(100); // sent at 100, next check at 100 + 150
  throttle.notify();
  clock.advance(149);
  assert.deepEqual(sends, [100]);
  clock.advance(1);
  assert.deepEqual(sends, [100, 250]);
});

test("throttle: a busy consumer makes the send retry at the next check", () => {
  let busy = true;
  const { clock, sends, throttle } = setUp(5000, "backoff", () => !busy);
  throttle.notify();
  clock.advance(100);
  assert.deepEqual(sends, [100]);
  assert.equal(throttle.isPending, true);
  busy = false;
  clock.advance(100); // last send failed, so the backoff was reset to 100 ms
  assert.deepEqual(sends, [100, 200]);
  assert.equal(throttle.isPending, false);
});

test("throttle: interval 0 sends on the next microtask and coalesces a synchronous burst", async () => {
  const { clock, sends, throttle } = setUp(0);
  throttle.notify();
  throttle.notify();
  throttle.notify();
  assert.deepEqual(sends, []);
  await Promise.resolve();
  assert.deepEqual(sends, [0]);
  throttle.notify();
  await Promise.resolve();
  assert.equal(sends.length, 2);
  assert.equal(clock.pendingTimers, 0);
});

test("throttle: ticker mode sends at most once per period, on the period's boundary", () => {
  const { clock, sends, throttle } = setUp(5000, "ticker");
  throttle.start();
  throttle.notify();
  clock.advance(4999);
  assert.deepEqual(sends, []);
  clock.advance(1);
  assert.deepEqual(sends, [5000]);
  burst(clock, throttle, 12_000, 10);
  assert.deepEqual(sends, [5000, 10_000, 15_000]);
});

test("throttle: ticker mode without a change sends nothing", () => {
  const { clock, sends, throttle } = setUp(5000, "ticker");
  throttle.start();
  clock.advance(60_000);
  assert.deepEqual(sends, []);
});

test("throttle: close clears every timer and ignores later changes", () => {
  for (const mode of ["backoff", "ticker"] as const) {
    const { clock, sends, throttle } = setUp(5000, mode);
    throttle.start();
    throttle.notify();
    throttle.close();
    throttle.close();
    throttle.notify();
    assert.equal(clock.pendingTimers, 0, mode);
    clock.advance(60_000);
    assert.deepEqual(sends, [], mode);
  }
});

test("throttle: rejects a negative interval", () => {
  assert.throws(() => new Throttle({ intervalMs: -1, mode: "backoff", send: () => true }), RangeError);
});
