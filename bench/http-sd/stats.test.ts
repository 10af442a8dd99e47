import assert from "node:assert/strict";
import { test } from "node:test";
import { metricValue, nextMtimeSeconds, pairedRatios, percentile, spliceMeasured, summarizeLatencies } from "./stats.js";

test("percentile: nearest rank, so p50 of 1..100 is 50 and p99 is 99, not the maximum", () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 0.5), 50);
  assert.equal(percentile(values, 0.99), 99);
  assert.equal(percentile(values, 1), 100);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([], 0.5), 0);
});

test("percentile: a single sample is every percentile", () => {
  assert.equal(percentile([7], 0.01), 7);
  assert.equal(percentile([7], 0.99), 7);
});

test("summarizeLatencies sorts unsorted samples before ranking", () => {
  assert.deepEqual(summarizeLatencies([30, 10, 20, 40]), { count: 4, p50Ms: 20, p99Ms: 40, maxMs: 40 });
  assert.deepEqual(summarizeLatencies([]), { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
});

test("pairedRatios divides repetition by repetition and reports median and range", () => {
  assert.deepEqual(pairedRatios([10, 30, 20], [20, 30, 10]), { median: 1, min: 0.5, max: 2 });
});

test("pairedRatios skips pairs with a zero divisor and is undefined when none is left", () => {
  assert.deepEqual(pairedRatios([4, 9], [0, 3]), { median: 3, min: 3, max: 3 });
  assert.equal(pairedRatios([1], [0]), undefined);
  assert.throws(() => pairedRatios([1, 2], [1]), /unpaired/);
});

test("nextMtimeSeconds follows the clock but never repeats a second", () => {
  assert.equal(nextMtimeSeconds(undefined, 5_300), 5);
  assert.equal(nextMtimeSeconds(5, 9_000), 9);
  assert.equal(nextMtimeSeconds(9, 9_700), 10); // a second rewrite within second 9
  assert.equal(nextMtimeSeconds(10, 9_900), 11); // ahead of the clock, still increasing
});

test("spliceMeasured replaces only the block between the markers", () => {
  const doc = "# Title\n\n<!-- measured:begin -->\nold table\n<!-- measured:end -->\n\nreading by hand\n";
  assert.equal(spliceMeasured(doc, "new table\n"), "# Title\n\n<!-- measured:begin -->\nnew table\n<!-- measured:end -->\n\nreading by hand\n");
});

test("spliceMeasured puts the block on top of a document without markers", () => {
  assert.equal(spliceMeasured("notes\n", "table"), "<!-- measured:begin -->\ntable\n<!-- measured:end -->\n\nnotes\n");
});

test("metricValue reads an unlabelled sample, not one whose name only starts the same", () => {
  const text = "# HELP nodejs_eventloop_lag_max_seconds x\nnodejs_eventloop_lag_max_seconds_total 9\nnodejs_eventloop_lag_max_seconds 0.25 1700000000\n";
  assert.equal(metricValue(text, "nodejs_eventloop_lag_max_seconds"), 0.25);
  assert.ok(Number.isNaN(metricValue(text, "nodejs_eventloop_lag_p99_seconds")));
});
