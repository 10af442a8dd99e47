import assert from "node:assert/strict";
import { test } from "node:test";
import { findSmallestTimeout, goDurationFromMs } from "./timeout-search.js";

const options = { startMs: 1000, maxMs: 64_000, relativePrecision: 0.1, minGapMs: 250 };

const cases: { name: string; thresholdMs: number; wantMs: number | undefined; wantProbes: number[] }[] = [
  { name: "bisects below the start when the start already passes", thresholdMs: 500, wantMs: 500,
    wantProbes: [1000, 500, 250] },
  { name: "doubles, then bisects to within 10%", thresholdMs: 10_000, wantMs: 10_000,
    wantProbes: [1000, 2000, 4000, 8000, 16_000, 12_000, 10_000, 9000] },
  { name: "gives up after the maximum fails", thresholdMs: 100_000, wantMs: undefined,
    wantProbes: [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000] },
];
for (const c of cases) {
  test(`findSmallestTimeout: ${c.name}`, async () => {
    const result = await findSmallestTimeout(async (ms) => ms >= c.thresholdMs, options);
    assert.equal(result.smallestPassingMs, c.wantMs);
    assert.deepEqual(result.probes.map((p) => p.timeoutMs), c.wantProbes);
  });
}

test("findSmallestTimeout: the answer always passed and the gap below it failed when probes are monotone", async () => {
  const result = await findSmallestTimeout(async (ms) => ms >= 23_456, options);
  const answer = result.smallestPassingMs ?? -1;
  assert.ok(answer >= 23_456 && answer <= 23_456 * 1.1, `answer ${answer}`);
  assert.ok(result.probes.every((p) => p.passed === p.timeoutMs >= 23_456));
});

test("goDurationFromMs: whole seconds print as s, the rest as ms", () => {
  assert.deepEqual([goDurationFromMs(12_000), goDurationFromMs(1500), goDurationFromMs(250.4)], ["12s", "1500ms", "250ms"]);
});
