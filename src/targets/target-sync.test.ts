import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import type { ScrapeConfig } from "../config/types.js";
import type { TargetGroup } from "../model/target-group.js";
import { buildJobTargets } from "./build.js";
import { TargetSync, type SnapshotSource } from "./target-sync.js";
import { testJob, testRules } from "./fake-scrape-config.js";

type Snapshot = ReadonlyMap<string, readonly TargetGroup[]>;

/** A manager stand-in: the test pushes snapshots. */
class FakeSource implements SnapshotSource {
  readonly listeners: ((snapshot: Snapshot) => void)[] = [];
  subscribe(listener: (snapshot: Snapshot) => void, signal: AbortSignal): void {
    this.listeners.push(listener);
    signal.addEventListener("abort", () => this.listeners.splice(this.listeners.indexOf(listener), 1), { once: true });
  }
  push(snapshot: Record<string, readonly TargetGroup[]>): void {
    for (const listener of this.listeners) listener(new Map(Object.entries(snapshot)));
  }
}

/** Fake time: sleeps resolve only when the test calls `tick()`. */
class FakeTime {
  readonly waits: { ms: number; resolve: (isDue: boolean) => void }[] = [];
  readonly sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
    new Promise((resolve) => {
      this.waits.push({ ms, resolve });
      signal.addEventListener("abort", () => resolve(false), { once: true });
    });
  async tick(): Promise<void> {
    for (const wait of this.waits.splice(0)) wait.resolve(true);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function group(source: string, ...addresses: string[]): TargetGroup {
  return { source, labels: {}, targets: addresses.map((a) => ({ __address__: a })) };
}

function setup(t: { after(fn: () => void): void }, configs: readonly ScrapeConfig[], reloadIntervalMs = 5000) {
  const source = new FakeSource();
  const time = new FakeTime();
  const registry = new Registry();
  const stop = new AbortController();
  t.after(() => stop.abort());
  const sync = new TargetSync({ source, scrapeConfigs: configs, profile: "v3", reloadIntervalMs, registry, signal: stop.signal, sleep: time.sleep, now: () => 42 });
  const changes: (readonly string[])[] = [];
  sync.subscribe((jobs) => changes.push(jobs), stop.signal);
  return { source, time, registry, sync, changes, stop };
}

async function metric(registry: Registry, name: string, job?: string): Promise<number | undefined> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => job === undefined || v.labels["scrape_job"] === job)?.value;
}

test("TargetSync: a snapshot is processed at the next reload tick, not before", async (t) => {
  const { source, time, sync, changes } = setup(t, [testJob({ jobName: "a" })]);
  source.push({ a: [group("s", "h:1")] });
  assert.equal(sync.job("a"), undefined);
  assert.deepEqual(time.waits.map((w) => w.ms), [5000]);
  await time.tick();
  assert.deepEqual(sync.job("a")?.active.map((x) => x.labels["instance"]), ["h:1"]);
  assert.equal(sync.job("a")?.updatedAtMs, 42);
  assert.deepEqual(changes, [["a"]]);
});

test("TargetSync: only the latest of several snapshots within one interval is built", async (t) => {
  const { source, time, sync, changes } = setup(t, [testJob({ jobName: "a" })]);
  source.push({ a: [group("s", "h:1")] });
  source.push({ a: [group("s", "h:2")] });
  assert.equal(time.waits.length, 1, "one tick scheduled");
  await time.tick();
  assert.deepEqual(sync.job("a")?.active.map((x) => x.labels["instance"]), ["h:2"]);
  assert.deepEqual(changes, [["a"]]);
});

test("TargetSync: reloadIntervalMs 0 rebuilds at once; identical rebuilds notify nobody", (t) => {
  const { source, sync, changes } = setup(t, [testJob({ jobName: "a" }), testJob({ jobName: "b" })], 0);
  source.push({ a: [group("s", "h:1")], b: [group("s", "x:1")] });
  assert.deepEqual(changes, [["a", "b"]]);
  const before = sync.job("a");
  source.push({ a: [group("s", "h:1")], b: [group("s", "x:2")] });
  assert.deepEqual(changes, [["a", "b"], ["b"]]);
  assert.equal(sync.job("a"), before, "unchanged job keeps its result object");
  // Equal groups in new objects: nothing is rebuilt.
  source.push({ a: [group("s", "h:1")], b: [group("s", "x:2")] });
  assert.equal(changes.length, 2);
  // A changed config whose rule matches nothing: rebuilt, same targets, nobody is told.
  sync.applyConfig([testJob({ jobName: "a", relabelConfigs: testRules([{ source_labels: ["nope"], regex: "x", action: "drop" }]) }), testJob({ jobName: "b" })]);
  assert.equal(changes.length, 2);
  assert.equal(sync.job("a"), before);
});

test("TargetSync: a change seen only in discovered labels notifies; an empty label that changes nothing does not", (t) => {
  const { source, sync, changes } = setup(t, [testJob({ jobName: "a" })], 0);
  const meta = (value: string, extra: Record<string, string> = {}): TargetGroup => ({ source: "s", labels: { __meta_x: value, ...extra }, targets: [{ __address__: "h:1" }] });
  source.push({ a: [meta("1")] });
  source.push({ a: [meta("2")] });
  assert.deepEqual(changes, [["a"], ["a"]], "__meta_x is dropped from labels but shown in discoveredLabels");
  assert.equal(sync.job("a")?.active[0]?.discoveredLabels["__meta_x"], "2");
  source.push({ a: [meta("2", { empty: "" })] });
  assert.equal(changes.length, 2, "an empty value is no label");
});

test("TargetSync: a job absent from a snapshot keeps its targets", (t) => {
  const { source, sync } = setup(t, [testJob({ jobName: "a" }), testJob({ jobName: "b" })], 0);
  source.push({ a: [group("s", "h:1")], b: [group("s", "x:1")] });
  source.push({ b: [] });
  assert.equal(sync.job("a")?.active.length, 1);
  assert.equal(sync.job("b")?.active.length, 0);
  assert.deepEqual(sync.jobNames(), ["a", "b"]);
});

test("TargetSync: applyConfig removes vanished jobs and rebuilds changed ones from the last snapshot", async (t) => {
  const { source, sync, changes, registry } = setup(t, [testJob({ jobName: "a" }), testJob({ jobName: "b" })], 0);
  source.push({ a: [group("s", "h:1")], b: [group("s", "x:1")] });
  changes.length = 0;
  sync.applyConfig([testJob({ jobName: "a", relabelConfigs: testRules([{ target_label: "env", replacement: "prod" }]) })]);
  assert.deepEqual(changes, [["b", "a"]]);
  assert.equal(sync.job("b"), undefined);
  assert.deepEqual(sync.jobNames(), ["a"]);
  assert.equal(sync.job("a")?.active[0]?.labels["env"], "prod");
  assert.equal(await metric(registry, "prometheus_target_scrape_pool_targets", "b"), undefined, "series of b deleted");
  // The same config again (new objects, equal content): nothing is rebuilt or announced.
  sync.applyConfig([testJob({ jobName: "a", relabelConfigs: testRules([{ target_label: "env", replacement: "prod" }]) })]);
  assert.equal(changes.length, 1);
});

test("TargetSync: metrics count pools, targets, failures and syncs per job", async (t) => {
  const { source, registry } = setup(t, [testJob({ jobName: "a" })], 0);
  source.push({ a: [group("s", "h:1", "h:2", "", "bad/x")] });
  source.push({ a: [group("s", "h:1", "")] });
  assert.equal(await metric(registry, "prometheus_target_scrape_pools_total"), 1);
  assert.equal(await metric(registry, "prometheus_target_scrape_pool_targets", "a"), 1);
  assert.equal(await metric(registry, "prometheus_target_sync_failed_total", "a"), 3);
  assert.equal(await metric(registry, "prometheus_target_scrape_pool_sync_total", "a"), 2);
  const exposition = await registry.metrics();
  assert.match(exposition, /^prometheus_target_sync_length_seconds_count\{scrape_job="a"\} 2$/m);
});

test("TargetSync: aborting stops the ticker and subscriptions", async (t) => {
  const { source, time, sync, stop, changes } = setup(t, [testJob({ jobName: "a" })]);
  source.push({ a: [group("s", "h:1")] });
  stop.abort();
  await new Promise((resolve) => setImmediate(resolve));
  await time.tick();
  assert.equal(sync.job("a"), undefined);
  assert.deepEqual(changes, []);
  assert.equal(source.listeners.length, 0);
});

test("TargetSync: a rebuild reuses the targets of unchanged group objects and equals a build from scratch", (t) => {
  const job = testJob({ jobName: "a", relabelConfigs: testRules([{ action: "replace", source_labels: ["__address__"], target_label: "host", regex: "(.*):.*" }]) });
  const { source, sync } = setup(t, [job], 0);
  const kept = group("kept", "k:1", "k:2");
  source.push({ a: [kept, group("changing", "c:1")] });
  const first = sync.job("a");
  const groups = [kept, group("changing", "c:2")];
  source.push({ a: groups });
  const second = sync.job("a");
  assert.equal(second?.active[0], first?.active[0], "the unchanged group's targets were not rebuilt");
  assert.notEqual(second?.active[2], first?.active[2]);
  assert.deepEqual({ ...second, updatedAtMs: 0 }, { ...buildJobTargets(job, groups, "v3"), updatedAtMs: 0 });
  assert.deepEqual(second?.active.map((x) => x.labels["host"]), ["k", "k", "c"]);
});

test("TargetSync: a changed job config rebuilds every group", (t) => {
  const { source, sync } = setup(t, [testJob({ jobName: "a" })], 0);
  const kept = group("kept", "k:1");
  source.push({ a: [kept] });
  const before = sync.job("a")?.active[0];
  sync.applyConfig([testJob({ jobName: "a", metricsPath: "/other" })]);
  assert.notEqual(sync.job("a")?.active[0], before);
  assert.equal(sync.job("a")?.active[0]?.scrapeUrl, "http://k:1/other");
});

/** A snapshot that says, as the manager's does, which providers of each job had not delivered yet. */
function withDelivery(groups: Record<string, readonly TargetGroup[]>, waiting: Record<string, readonly string[]>): Snapshot & { waitingProviders(job: string): readonly string[] | undefined } {
  return Object.assign(new Map(Object.entries(groups)), { waitingProviders: (job: string) => waiting[job] });
}

test("TargetSync: a job is complete only once built from a snapshot in which each of its providers delivered", async (t) => {
  const { source, sync, changes } = setup(t, [testJob({ jobName: "a" }), testJob({ jobName: "b" })], 0);
  assert.deepEqual(sync.delivery("a"), { isComplete: false, waitingFor: [] }, "nothing seen yet");
  for (const listener of source.listeners) listener(withDelivery({ a: [group("s", "x:1")], b: [] }, { a: [], b: ["consul/1"] }));
  assert.deepEqual(sync.delivery("a"), { isComplete: true, waitingFor: [] });
  assert.deepEqual(sync.delivery("b"), { isComplete: false, waitingFor: ["consul/1"] }, "built (empty) but consul never delivered");
  assert.ok(sync.job("b") !== undefined);
  changes.length = 0;
  // The provider delivers an empty set: the groups do not change, the delivery does, and is announced.
  for (const listener of source.listeners) listener(withDelivery({ a: [group("s", "x:1")], b: [] }, { a: [], b: [] }));
  assert.deepEqual(sync.delivery("b"), { isComplete: true, waitingFor: [] });
  assert.deepEqual(changes, [["b"]]);
  // A reload adds a provider that has not delivered: incomplete again until it does.
  for (const listener of source.listeners) listener(withDelivery({ a: [group("s", "x:1")], b: [] }, { a: ["dns/2"], b: [] }));
  assert.deepEqual(sync.delivery("a"), { isComplete: false, waitingFor: ["dns/2"] });
});

test("TargetSync: v2.42 snapshots leave out delivered jobs without groups; they are built empty and complete", async (t) => {
  const { source, sync } = setup(t, [testJob({ jobName: "a" }), testJob({ jobName: "late" })], 0);
  for (const listener of source.listeners) listener(withDelivery({}, { a: [] }));
  assert.equal(sync.job("a")?.active.length, 0);
  assert.equal(sync.delivery("a").isComplete, true);
  assert.equal(sync.job("late"), undefined, "a job the snapshot does not know stays unbuilt");
  assert.equal(sync.delivery("late").isComplete, false);
});

test("TargetSync: a source without delivery information (a plain Map) makes every built job complete", async (t) => {
  const { source, sync } = setup(t, [testJob({ jobName: "a" })], 0);
  source.push({ a: [] });
  assert.equal(sync.delivery("a").isComplete, true);
});
