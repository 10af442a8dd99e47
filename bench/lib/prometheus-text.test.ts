import assert from "node:assert/strict";
import { test } from "node:test";
import { sampleValue } from "./prometheus-text.js";

const exposition = `# HELP prometheus_target_sync_length_seconds Actual interval to sync the scrape pool.
# TYPE prometheus_target_sync_length_seconds summary
prometheus_target_sync_length_seconds{quantile="0.5",scrape_job="a"} 0.25
prometheus_target_sync_length_seconds_sum{scrape_job="a"} 3.5
prometheus_target_sync_length_seconds_sum{scrape_job="b"} 7
prometheus_target_sync_length_seconds_count{scrape_job="a"} 14
process_cpu_seconds_total 12.5
`;

test("sampleValue: picks the sample whose labels match, not a longer name", () => {
  assert.equal(sampleValue(exposition, "prometheus_target_sync_length_seconds_sum", { scrape_job: "b" }), 7);
  assert.equal(sampleValue(exposition, "prometheus_target_sync_length_seconds_count", { scrape_job: "a" }), 14);
  assert.equal(sampleValue(exposition, "prometheus_target_sync_length_seconds", { quantile: "0.5" }), 0.25);
  assert.equal(sampleValue(exposition, "process_cpu_seconds_total"), 12.5);
});

test("sampleValue: undefined when no sample matches", () => {
  assert.equal(sampleValue(exposition, "prometheus_target_sync_length_seconds_sum", { scrape_job: "c" }), undefined);
  assert.equal(sampleValue(exposition, "process_cpu"), undefined);
});
