import assert from "node:assert/strict";
import { test } from "node:test";
import type { TargetGroup } from "../model/target-group.js";
import { formatExplain, formatPromtool, promtoolEntries } from "./promtool-format.js";
import { testJob, testRules } from "./fake-scrape-config.js";

const nodeJob = testJob({ jobName: "node", scrapeIntervalMs: 15_000 });

// The 2.42 example of core.md 6.5, byte for byte.
const SPEC_EXAMPLE = `[
  {
    "discoveredLabels": {
      "__address__": "host-b",
      "__metrics_path__": "/metrics",
      "__scheme__": "http",
      "__scrape_interval__": "15s",
      "__scrape_timeout__": "10s",
      "env": "prod",
      "job": "node"
    },
    "labels": {
      "__address__": "host-b:80",
      "__metrics_path__": "/metrics",
      "__scheme__": "http",
      "__scrape_interval__": "15s",
      "__scrape_timeout__": "10s",
      "env": "prod",
      "instance": "host-b:80",
      "job": "node"
    }
  },
  {
    "discoveredLabels": {},
    "labels": {},
    "error": {}
  }
]`;

test("formatPromtool: the 2.42 example of core.md 6.5, no trailing newline", () => {
  const recorded = new Map<string, TargetGroup[]>([
    ["0", [{ source: "0", labels: { env: "prod" }, targets: [{ __address__: "host-b" }, { __address__: "" }] }]],
  ]);
  assert.equal(formatPromtool(promtoolEntries(recorded, nodeJob, "v2.42"), "v2.42"), SPEC_EXAMPLE);
});

test("formatPromtool: v3 fills discoveredLabels of failed targets and adds histogram labels", () => {
  const recorded = new Map([["0", [{ source: "0", labels: { env: "prod" }, targets: [{ __address__: "" }] }]]]);
  const out = formatPromtool(promtoolEntries(recorded, nodeJob, "v3"), "v3");
  const parsed = JSON.parse(out) as { discoveredLabels: Record<string, string>; labels: object; error: object }[];
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0]?.discoveredLabels["__scrape_native_histograms__"], "false");
  assert.deepEqual(parsed[0]?.labels, {});
  assert.deepEqual(parsed[0]?.error, {});
});

test("formatPromtool: empty result is []", () => {
  assert.equal(formatPromtool(promtoolEntries(new Map(), nodeJob, "v3"), "v3"), "[]");
});

test("formatPromtool: HTML characters escaped like Go (\\u003c \\u003e \\u0026)", () => {
  const recorded = new Map([["0", [{ source: "0", labels: { q: "<a&b>" }, targets: [{ __address__: "h:1" }] }]]]);
  const out = formatPromtool(promtoolEntries(recorded, nodeJob, "v2.42"), "v2.42");
  assert.match(out, /"q": "\\u003ca\\u0026b\\u003e"/);
  assert.ok(!out.endsWith("\n"));
});

test("promtoolEntries: every version of a source counts, identical results once per source only", () => {
  const v1: TargetGroup = { source: "f:0", labels: {}, targets: [{ __address__: "a:1" }, { __address__: "a:1" }] };
  const v2: TargetGroup = { source: "f:0", labels: {}, targets: [{ __address__: "a:1" }, { __address__: "b:1" }] };
  const other: TargetGroup = { source: "f:1", labels: {}, targets: [{ __address__: "a:1" }] };
  const recorded = new Map([["f:0", [v1, v2]], ["f:1", [other]]]);
  const entries = promtoolEntries(recorded, nodeJob, "v3");
  assert.deepEqual(entries.map((e) => e.kind === "active" && e.target.labels["instance"]), ["a:1", "b:1", "a:1"]);
});

test("promtoolEntries: failed targets with different errors are distinct, printed alike in 2.42", () => {
  const group: TargetGroup = { source: "0", labels: {}, targets: [{ __address__: "" }, { __address__: "x/y" }, { __address__: "" }] };
  const entries = promtoolEntries(new Map([["0", [group]]]), nodeJob, "v2.42");
  assert.equal(entries.length, 2);
  const out = formatPromtool(entries, "v2.42");
  assert.equal(out.split('"error": {}').length - 1, 2);
});

test("promtoolEntries: dropped targets print their discovered labels and empty labels", () => {
  const job = testJob({ relabelConfigs: testRules([{ action: "drop", source_labels: ["__address__"], regex: "a:1" }], "v2.42") });
  const entries = promtoolEntries(new Map([["0", [{ source: "0", labels: {}, targets: [{ __address__: "a:1" }] }]]]), job, "v2.42");
  const parsed = JSON.parse(formatPromtool(entries, "v2.42")) as { discoveredLabels: Record<string, string>; labels: object }[];
  assert.equal(parsed[0]?.discoveredLabels["__address__"], "a:1");
  assert.deepEqual(parsed[0]?.labels, {});
});

test("formatExplain: says which rule dropped a target and why a target failed", () => {
  const job = testJob({ relabelConfigs: testRules([{ target_label: "x", replacement: "1" }, { action: "drop", source_labels: ["__address__"], regex: "a:1" }]) });
  const group: TargetGroup = { source: "s", labels: {}, targets: [{ __address__: "a:1" }, { __address__: "" }, { __address__: "ok:1" }] };
  const parsed = JSON.parse(formatExplain(promtoolEntries(new Map([["s", [group]]]), job, "v3"), job, "v3")) as Record<string, unknown>[];
  assert.deepEqual(parsed.map((e) => e["status"]), ["dropped", "failed", "active"]);
  assert.deepEqual(parsed[0]?.["droppedBy"], { index: 1, action: "drop", source_labels: ["__address__"], regex: "a:1" });
  assert.equal(parsed[1]?.["error"], "instance 1 in group s: no address");
  assert.equal(parsed[2]?.["scrapeUrl"], "http://ok:1/metrics");
});
