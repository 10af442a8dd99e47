import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { Secret } from "../config/secret.js";
import { silentLogger } from "../logging.js";
import { counter } from "../metrics/registry.js";
import { FakeClock } from "./fake-clock.js";
import { FakeMechanism, group } from "./fake-provider.js";
import { settle, startHarness, summarise } from "./manager-harness.js";
import { DiscoveryManager } from "./manager.js";

const X = { files: ["/t/x.json"] };

const sharingCases = [
  { name: "equal secrets share one discoverer", a: new Secret("pw"), b: new Secret("pw"), want: 1 },
  { name: "configs differing only in a secret get two discoverers", a: new Secret("pw1"), b: new Secret("pw2"), want: 2 },
];
for (const c of sharingCases) {
  test(`manager: ${c.name}`, async (t) => {
    const h = startHarness();
    t.after(() => h.manager.close());
    h.apply({ a: [{ files: ["/t/x.json"], secret: c.a }], b: [{ files: ["/t/x.json"], secret: c.b }] });
    await settle();
    assert.equal(h.file.created.length, c.want);
    assert.equal(h.file.running().length, c.want);
  });
}

test("manager: the same config listed twice in one job is one provider", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.apply({ a: [X, { files: ["/t/x.json"] }] });
  await settle();
  assert.equal(h.file.created.length, 1);
});

test("manager: different mechanisms with equal configs are different providers", async (t) => {
  const file = new FakeMechanism("file");
  const http = new FakeMechanism("http");
  const h = startHarness({ mechanisms: [file, http] });
  t.after(() => h.manager.close());
  h.manager.applyConfig([{ jobName: "a", sdConfigs: [file.sd(X), http.sd(X)] }]);
  await settle();
  assert.deepEqual(h.manager.providerStatuses().map((p) => p.name), ["file/0", "http/1"]);
});

test("manager: reloads without change create no discoverer (v3), re-create all (v2.42)", async (t) => {
  for (const [profile, want] of [["v3", 2], ["v2.42", 6]] as const) {
    const h = startHarness({ profile });
    t.after(() => h.manager.close());
    for (let i = 0; i < 3; i++) h.apply({ a: [X], b: [X, { files: ["/t/z.json"] }] });
    await settle();
    assert.equal(h.file.created.length, want, profile);
    assert.equal(h.file.running().length, 2, profile);
  }
});

test("manager: provider names count over the lifetime in v3 and index the current list in v2.42", async (t) => {
  for (const [profile, want] of [["v3", ["file/0", "file/2"]], ["v2.42", ["file/0", "file/1"]]] as const) {
    const h = startHarness({ profile });
    t.after(() => h.manager.close());
    h.apply({ a: [X], b: [{ files: ["/t/old.json"] }] });
    h.apply({ a: [X], b: [{ files: ["/t/new.json"] }] });
    assert.deepEqual(h.manager.providerStatuses().map((p) => p.name), want, profile);
  }
});

test("manager: discoverers get a scoped logger and the first job's name", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.apply({ first: [X], second: [X] });
  const deps = h.file.created[0]?.deps;
  assert.deepEqual(deps?.jobNames, ["first"]);
  assert.equal(deps?.registry, h.registry);
  deps?.logger.info({}, "hello");
  assert.deepEqual(h.logs.find((l) => l.message === "hello")?.fields, { provider: "file/0" });
});

test("manager: a discoverer that cannot be created is logged, counted and skipped", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.manager.applyConfig([
    { jobName: "a", sdConfigs: [h.file.sd({ files: ["/bad"], failCreate: true }), h.file.sd(X)] },
    { jobName: "b", sdConfigs: [h.file.sd({ files: ["/bad"], failCreate: true })] },
    { jobName: "c", sdConfigs: [{ provider: "nosuch", config: {}, at: h.file.sd(X).at }] },
  ]);
  await settle();
  assert.equal(await h.metric("prometheus_sd_failed_configs"), 3);
  const errors = h.logs.filter((l) => l.level === "error" && l.message === "Cannot create service discovery");
  assert.deepEqual(errors.map((l) => [l.fields["type"], l.fields["config"]]), [["file", "a"], ["file", "b"], ["nosuch", "c"]]);
  // b and c fall back to the implicit static config, so they are still in every snapshot.
  assert.deepEqual(h.manager.providerStatuses().map((p) => [p.name, p.jobs]), [["file/0", ["a"]], ["static/1", ["b", "c"]]]);
  assert.deepEqual(h.last(), { a: [], b: [], c: [] });
  h.apply({ a: [X] });
  assert.equal(await h.metric("prometheus_sd_failed_configs"), 0, "reset at the next apply");
});

test("manager: a config that cannot be keyed (cyclic) counts as a failed creation instead of throwing", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  const cyclic: { files: string[]; self?: unknown } = { files: ["/t/x.json"] };
  cyclic.self = cyclic;
  h.manager.applyConfig([{ jobName: "a", sdConfigs: [h.file.sd(cyclic)] }]);
  assert.equal(await h.metric("prometheus_sd_failed_configs"), 1);
  assert.deepEqual(h.manager.providerStatuses().map((p) => p.name), ["static/0"]);
});

test("manager: a discoverer that throws is logged at error level, marked failed, and its groups are kept", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  h.file.created[0]?.fail(new Error("boom"));
  await settle();
  await h.manager.ready;
  const error = h.logs.find((l) => l.level === "error" && l.fields["provider"] === "file/0");
  assert.ok(error !== undefined, "an error was logged");
  assert.equal((error.fields["err"] as Error).message, "boom");
  assert.equal(h.manager.providerStatuses()[0]?.state, "failed");
  assert.deepEqual(summarise(h.manager.currentSnapshot()), { a: ["s1: h1:1"] });
});

test("manager: a discoverer that ends keeps its groups and its close counts as a received update", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  h.file.created[0]?.end();
  await settle();
  assert.equal(h.manager.providerStatuses()[0]?.state, "ended");
  assert.equal(await h.metric("prometheus_sd_received_updates_total"), 2);
  assert.deepEqual(h.last(), { a: ["s1: h1:1"] });
});

test("manager: metrics after updates and sends, read from the registry", async (t) => {
  const clock = new FakeClock(1_700_000_000_000);
  const h = startHarness({ clock, updateIntervalMs: 5000 });
  t.after(() => h.manager.close());
  h.apply({ a: [X], b: [{ files: ["/t/b.json"] }] });
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "a" }), 0, "set to 0 on subscribe");
  h.file.created[0]?.push([group("s1", ["h1:1", "h2:1"]), group("s2", ["h3:1"])]);
  h.file.created[0]?.push([group("s3", ["h4:1"])]);
  await settle();
  clock.advance(100);
  assert.equal(await h.metric("prometheus_sd_received_updates_total"), 2);
  assert.equal(await h.metric("prometheus_sd_updates_total"), 1, "the apply's trigger and two updates coalesce");
  assert.equal(await h.metric("prometheus_sd_updates_delayed_total"), 0);
  assert.equal(await h.metric("prometheus_sd_failed_configs"), 0);
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "a" }), 4);
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "b" }), 0);
  assert.equal(await h.metric("prometheus_sd_last_update_timestamp_seconds", { config: "a" }), 1_700_000_000.1);
});

test("manager: the 2.42 profile has no last-update metric and sets counts only for jobs with groups", async (t) => {
  const h = startHarness({ profile: "v2.42" });
  t.after(() => h.manager.close());
  h.apply({ a: [X], b: [{ files: ["/t/b.json"] }], c: [{ files: ["/t/c.json"] }] });
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  h.file.created[1]?.push([]);
  await settle();
  assert.equal(h.registry.getSingleMetric("prometheus_sd_last_update_timestamp_seconds"), undefined);
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "a" }), 1);
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "b" }), 0);
  h.apply({ a: [X] });
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "a" }), 0, "reset by the reload");
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "b" }), undefined, "b had reported: deleted");
  // 2.42 only deletes series of removed jobs that have stored state; c never reported, so its 0 lingers.
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "c" }), 0);
});

test("manager: stopping a provider (v3) deletes its refresh-metric series unless a new provider shares them", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  const failures = counter(h.registry, { name: "prometheus_sd_refresh_failures_total", help: "h", labelNames: ["mechanism", "config"] });
  const series = async () => (await failures.get()).values.map((v) => `${v.labels["mechanism"]}/${v.labels["config"]}`).sort();
  failures.inc({ mechanism: "file", config: "a" }, 0);
  failures.inc({ mechanism: "file", config: "b" }, 0);
  h.apply({ a: [X], b: [{ files: ["/t/b.json"] }] });
  h.apply({ a: [{ files: ["/t/a2.json"] }], b: [{ files: ["/t/b.json"] }] }); // a's new provider shares a's series
  assert.deepEqual(await series(), ["file/a", "file/b"]);
  h.apply({ b: [{ files: ["/t/b.json"] }] });
  assert.deepEqual(await series(), ["file/b"]);
});

test("manager: with the default interval a change goes out after ~100 ms in v3 and on the 5 s ticker in v2.42", async (t) => {
  for (const [profile, firstSendMs] of [["v3", 100], ["v2.42", 5000]] as const) {
    const clock = new FakeClock(0);
    const h = startHarness({ profile, clock, updateIntervalMs: 5000 });
    t.after(() => h.manager.close());
    h.apply({ a: [X] });
    h.file.created[0]?.push([group("s1", ["h1:1"])]);
    await settle();
    clock.advance(firstSendMs - 1);
    assert.equal(h.snapshots.length, 0, profile);
    clock.advance(1);
    assert.deepEqual(h.snapshots, [{ a: ["s1: h1:1"] }], profile);
  }
});

test("manager: ready waits for every provider's initial set", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  let isReady = false;
  void h.manager.ready.then(() => (isReady = true));
  h.apply({ a: [X], b: [{ files: ["/t/b.json"] }] });
  h.file.created[0]?.push([]);
  await settle();
  assert.equal(isReady, false);
  h.file.created[1]?.push([group("s", ["h:1"])]);
  await settle();
  assert.equal(isReady, true);
});

test("manager: ready resolves after the initial timeout when a provider stays silent", async (t) => {
  const clock = new FakeClock(0);
  const h = startHarness({ clock, initialTimeoutMs: 30_000 });
  t.after(() => h.manager.close());
  let isReady = false;
  void h.manager.ready.then(() => (isReady = true));
  h.apply({ a: [X] });
  clock.advance(29_999);
  await settle();
  assert.equal(isReady, false);
  clock.advance(1);
  await settle();
  assert.equal(isReady, true);
  assert.ok(h.logs.some((l) => l.level === "warn"));
});

test("manager: ready counts failed creations as done", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.apply({ a: [{ files: ["/bad"], failCreate: true }] });
  await h.manager.ready; // only the implicit static provider is left, and it reports at once
});

test("manager: provider statuses describe each running provider", async (t) => {
  const clock = new FakeClock(5000);
  const h = startHarness({ clock });
  t.after(() => h.manager.close());
  const config = { files: ["/t/x.json"], secret: new Secret("pw") };
  h.apply({ a: [config], b: [config] });
  assert.deepEqual(h.manager.providerStatuses(), [
    { name: "file/0", mechanism: "file", jobs: ["a", "b"], config, state: "running", hasInitialSet: false, isWaiting: true, updatesReceived: 0, groupCount: 0, targetCount: 0, errorCount: 0 },
  ]);
  h.file.created[0]?.push([group("s1", ["h1:1", "h2:1"]), group("s2", ["h3:1"])]);
  await settle();
  const [status] = h.manager.providerStatuses();
  assert.deepEqual({ ...status, config: undefined }, {
    name: "file/0", mechanism: "file", jobs: ["a", "b"], config: undefined, state: "running", hasInitialSet: true,
    isWaiting: false, lastUpdateMs: 5000, updatesReceived: 1, groupCount: 2, targetCount: 3, errorCount: 0,
  });
  assert.equal(JSON.stringify(status?.config), '{"files":["/t/x.json"],"secret":"<secret>"}');
});

test("manager: an aborted subscription gets nothing more; a late subscriber gets the undelivered snapshot", async (t) => {
  const manager = new DiscoveryManager({ providers: [new FakeMechanism("file").definition], logger: silentLogger, registry: new Registry(), updateIntervalMs: 0 });
  t.after(() => manager.close());
  manager.applyConfig([{ jobName: "a", sdConfigs: [] }]);
  await settle();
  const late: unknown[] = [];
  const stop = new AbortController();
  manager.subscribe((s) => late.push(summarise(s)), stop.signal);
  await settle();
  assert.deepEqual(late, [{ a: [] }]);
  stop.abort();
  manager.applyConfig([{ jobName: "a", sdConfigs: [] }]);
  await settle();
  assert.equal(late.length, 1);
});

test("manager: a throwing listener is logged and does not stop delivery to others", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.manager.subscribe(() => {
    throw new Error("listener bug");
  }, new AbortController().signal);
  h.apply({ a: [X] });
  await settle();
  assert.equal(h.snapshots.length, 1);
  assert.ok(h.logs.some((l) => l.level === "error" && (l.fields["err"] as Error).message === "listener bug"));
});

test("manager: close is idempotent, stops every discoverer and leaves no timer behind", async () => {
  const baseline = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
  const h = startHarness({ updateIntervalMs: 5000 }); // real clock: backoff and ready timers are live
  h.apply({ a: [X], b: [{ files: ["/t/b.json"] }] });
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  await settle();
  assert.ok(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length > baseline, "timers were running");
  const closing = h.manager.close();
  assert.equal(h.manager.close(), closing);
  await closing;
  assert.ok(h.file.created.every((d) => d.isStopped));
  assert.equal(process.getActiveResourcesInfo().filter((r) => r === "Timeout").length, baseline);
  await h.manager.ready;
  assert.throws(() => h.apply({ a: [X] }), /closed/);
});

test("manager: a subscriber that follows snapshot.changes stays equal to the full snapshots (random churn, reloads)", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  const x = { files: ["/t/x.json"] };
  const y = { files: ["/t/y.json"] };
  /** job → provider → source → group, maintained from `changes` only (and full reads on reset). */
  const followed = new Map<string, Map<string, Map<string, TargetGroupLike>>>();
  let seen = 0;
  let incremental = 0;
  const failures: unknown[] = [];
  // The manager logs and swallows a listener's throw, so failed assertions are collected and checked at the end.
  h.manager.subscribe((snapshot) => {
    try {
      follow(snapshot);
    } catch (error) {
      failures.push(error);
    }
  }, new AbortController().signal);
  function follow(snapshot: Parameters<Parameters<typeof h.manager.subscribe>[0]>[0]): void {
    const isContinuous = snapshot.previousSequence === seen;
    for (const job of new Set([...snapshot.keys(), ...followed.keys()])) {
      const change = snapshot.changes.get(job);
      if (isContinuous && change === undefined) continue;
      if (!isContinuous || change?.isReset === true) {
        const entry = snapshot.job(job);
        if (entry === undefined) followed.delete(job);
        else followed.set(job, new Map(entry.byProvider().map(([p, groups]) => [p, new Map(groups.map((g) => [g.source, g]))])));
        continue;
      }
      incremental++;
      const providers = followed.get(job)!;
      for (const [provider, sources] of change?.groups ?? []) {
        const stored = providers.get(provider) ?? new Map<string, TargetGroupLike>();
        providers.set(provider, stored);
        for (const [source, group] of sources) group === undefined ? stored.delete(source) : stored.set(source, group);
      }
    }
    seen = snapshot.sequence;
    // The followed state must equal the snapshot's own listing, group object for group object.
    for (const job of snapshot.keys()) {
      const want = snapshot.job(job)!.byProvider().map(([p, groups]) => [p, groups.map((g) => g.source).sort()]);
      const got = snapshot.job(job)!.providers.map((p) => [p, [...(followed.get(job)?.get(p)?.keys() ?? [])].sort()]);
      assert.deepEqual(got, want, `job ${job} after snapshot ${snapshot.sequence}`);
      for (const [p, groups] of snapshot.job(job)!.byProvider()) for (const g of groups) assert.equal(followed.get(job)?.get(p)?.get(g.source), g);
    }
    assert.deepEqual([...followed.keys()].sort(), [...snapshot.keys()].sort());
  }

  h.apply({ a: [x, y], b: [x] });
  let seed = 11;
  const random = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let round = 0; round < 60; round++) {
    if (round === 30) h.apply({ a: [x], b: [x, y] }); // y moves from job a to job b: both are reset
    for (const discoverer of h.file.running()) {
      const groups = Array.from({ length: 1 + random(4) }, () => group(`s${random(12)}`, Array.from({ length: random(3) }, (_, i) => `h${i}:${round}`)));
      discoverer.push(groups);
    }
    await settle();
  }
  assert.deepEqual(failures, []);
  assert.ok(incremental > 50, `most snapshots were followed through changes (${incremental})`);
});

type TargetGroupLike = ReturnType<typeof group>;

for (const profile of ["v3", "v2.42"] as const) {
  test(`manager: snapshots and waitingProviders name the providers of a job that have not delivered, past the timeout (${profile})`, async (t) => {
    const clock = new FakeClock(0);
    const h = startHarness({ clock, profile, initialTimeoutMs: 100 });
    t.after(() => h.manager.close());
    const seen: (readonly string[] | undefined)[] = [];
    h.manager.subscribe((snapshot) => seen.push(snapshot.waitingProviders("a")), new AbortController().signal);
    h.apply({ a: [{ files: ["x"] }, { files: ["y"] }], b: [{ files: ["y"] }] });
    assert.deepEqual(h.manager.waitingProviders("a"), ["file/0", "file/1"]);
    assert.equal(h.manager.waitingProviders("nope"), undefined);
    clock.advance(100); // the initial-set timeout: `ready` gives up waiting, the jobs do not
    await h.manager.ready;
    assert.deepEqual(h.manager.waitingProviders("a"), ["file/0", "file/1"]);
    h.file.created[1]?.push([]);
    await settle();
    assert.deepEqual(h.manager.waitingProviders("a"), ["file/0"]);
    assert.deepEqual(h.manager.waitingProviders("b"), []);
    assert.deepEqual(seen.at(-1), ["file/0"], "the snapshot sent after the delivery says the same");
    assert.deepEqual(h.manager.providerStatuses().map((p) => p.isWaiting), [true, false]);
  });
}
