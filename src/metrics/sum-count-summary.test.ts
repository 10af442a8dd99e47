import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, Summary } from "prom-client";
import { sumCountSummary } from "./sum-count-summary.js";

test("sum-count-summary: renders exactly like a prom-client Summary without percentiles", async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const config = { name: "x_seconds", help: "How long.", labelNames: ["queue_name"] as const };
  const a = sumCountSummary(ours, config);
  const b = new Summary({ ...config, percentiles: [], registers: [theirs] });
  for (const [queue, value] of [["pod", 0.5], ["pod", 0.25], ["node", 2]] as const) {
    a.labels(queue).observe(value);
    b.labels(queue).observe(value);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
  assert.equal(sumCountSummary(ours, config), a, "one instance per registry and name");
  a.remove("pod");
  assert.doesNotMatch(await ours.metrics(), /queue_name="pod"/);
  assert.throws(() => a.labels("pod").observe(Number.NaN), /not a valid number/);
});
