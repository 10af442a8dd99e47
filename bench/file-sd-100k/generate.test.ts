import assert from "node:assert/strict";
import { test } from "node:test";
import { generateGroups, seededRandom } from "./generate.js";

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

test("seededRandom: repeats the same sequence for the same seed and differs for another", () => {
  const take = (seed: number): number[] => { const r = seededRandom(seed); return [r(), r(), r()]; };
  assert.deepEqual(take(7), take(7));
  assert.notDeepEqual(take(7), take(8));
  assert.ok(take(7).every((x) => x >= 0 && x < 1));
});

test("generateGroups: writes the same groups for the same seed", () => {
  const a = [...generateGroups({ seed: 1, targets: 500 })];
  const b = [...generateGroups({ seed: 1, targets: 500 })];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, [...generateGroups({ seed: 2, targets: 500 })]);
});

test("generateGroups: yields exactly the requested number of unique targets with valid label names", () => {
  const groups = [...generateGroups({ seed: 42, targets: 5000 })];
  const targets = groups.flatMap((g) => g.targets);
  assert.equal(targets.length, 5000);
  assert.equal(new Set(targets).size, 5000);
  const names = new Set(groups.flatMap((g) => Object.keys(g.labels)));
  assert.deepEqual([...names].filter((n) => !LABEL_NAME.test(n)), []);
});

test("generateGroups: carries the kubernetes labels the relabel rules read, in realistic proportions", () => {
  const groups = [...generateGroups({ seed: 42, targets: 5000 })];
  const share = (predicate: (l: Readonly<Record<string, string>>) => boolean): number =>
    groups.filter((g) => predicate(g.labels)).length / groups.length;
  const scrape = share((l) => l["__meta_kubernetes_pod_annotation_prometheus_io_scrape"] === "true");
  assert.ok(scrape > 0.6 && scrape < 0.95, `scrape share ${scrape}`);
  assert.ok(share((l) => "__meta_kubernetes_pod_annotation_prometheus_io_port" in l) > 0.2);
  assert.ok(share((l) => l["__meta_kubernetes_pod_phase"] !== "Running") > 0);
  for (const name of ["__meta_kubernetes_namespace", "__meta_kubernetes_pod_name", "__meta_kubernetes_pod_label_app",
    "__meta_kubernetes_pod_container_port_name", "__meta_kubernetes_pod_label_app_kubernetes_io_name"]) {
    assert.equal(share((l) => name in l), 1, name);
  }
});
