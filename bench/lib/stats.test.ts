import assert from "node:assert/strict";
import { test } from "node:test";
import type { Measurement } from "./measure.js";
import { median, summarize } from "./stats.js";

const medianCases: { name: string; values: number[]; want: number }[] = [
  { name: "one value is its own median", values: [4], want: 4 },
  { name: "odd count takes the middle after sorting", values: [9, 1, 5], want: 5 },
  { name: "even count averages the middle two", values: [4, 1, 3, 2], want: 2.5 },
  { name: "one outlier does not move it", values: [1, 1, 1000], want: 1 },
];
for (const c of medianCases) {
  test(`median: ${c.name}`, () => assert.equal(median(c.values), c.want));
}

test("median: throws when the list is empty", () => assert.throws(() => median([]), /empty/));

function run(wallSeconds: number, cpuSeconds: number, peakRssBytes: number): Measurement {
  return {
    wallSeconds, cpuSeconds, cpuUserSeconds: cpuSeconds, cpuSystemSeconds: 0, peakRssBytes,
    exitCode: 0, stderr: "", method: "gnu-time", killed: false,
  };
}

test("summarize: takes the median of each figure independently", () => {
  const s = summarize([run(3, 10, 100), run(1, 30, 300), run(2, 20, 200)]);
  assert.deepEqual(
    [s.wallSeconds, s.cpuSeconds, s.peakRssBytes, s.runs.length],
    [2, 20, 200, 3],
  );
});
