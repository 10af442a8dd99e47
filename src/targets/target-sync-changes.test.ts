/**
 * TargetSync following the DiscoveryManager's `snapshot.changes` (issue 16): over randomized churn from two
 * providers (updates, new and emptied sources, equal re-sends, duplicates across groups, drops, failures)
 * every sync's result equals a whole build of the manager's current groups, every change is notified, and
 * the notifications say which groups changed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { silentLogger } from "../logging.js";
import { DiscoveryManager } from "../manager/manager.js";
import { FakeMechanism } from "../manager/fake-provider.js";
import { settle } from "../manager/manager-harness.js";
import type { TargetGroup } from "../model/target-group.js";
import { buildJobTargets } from "./build.js";
import { testJob, testRules } from "./fake-scrape-config.js";
import { TargetSync } from "./target-sync.js";
import type { JobTargets, JobTargetsChange } from "./types.js";

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGroup(next: () => number, source: string): TargetGroup {
  const count = Math.floor(next() * 4); // 0: the group empties
  const targets = Array.from({ length: count }, () => {
    const target: Record<string, string> = { __address__: `h${Math.floor(next() * 12)}:${next() < 0.1 ? "bad/x" : "80"}` };
    if (next() < 0.3) target["__meta_drop"] = "yes";
    if (next() < 0.3) target["team"] = `t${Math.floor(next() * 3)}`;
    return target;
  });
  return { source, labels: { __meta_zone: `z${Math.floor(next() * 2)}` }, targets };
}

/** What outputs read of a job, as plain data. */
function view(job: JobTargets | undefined): unknown {
  if (job === undefined) return undefined;
  return {
    active: job.active.map((t) => ({ labels: t.labels, url: t.scrapeUrl, source: t.source, index: t.index, discovered: t.discoveredLabels })),
    dropped: job.dropped.map((t) => ({ source: t.source, index: t.index, rule: t.droppedByRule, discovered: t.discoveredLabels })),
    droppedCount: job.droppedCount,
    failed: job.failed.map((t) => ({ source: t.source, index: t.index, reason: t.reason })),
  };
}

test("TargetSync: following snapshot.changes gives the same targets as whole builds, over randomized churn", async (t) => {
  for (const reloadIntervalMs of [0, 1]) {
    const file = new FakeMechanism("file");
    const http = new FakeMechanism("http");
    const manager = new DiscoveryManager({ providers: [file.definition, http.definition], logger: silentLogger, registry: new Registry(), updateIntervalMs: 0 });
    const stop = new AbortController();
    t.after(async () => {
      stop.abort();
      await manager.close();
    });
    const config = testJob({ jobName: "a", relabelConfigs: testRules([{ source_labels: ["__meta_drop"], regex: "yes", action: "drop" }]) });
    // One sleep per reload interval, resolved by the test: several snapshots pile up between syncs.
    const waits: ((isDue: boolean) => void)[] = [];
    const sleep = (_ms: number, signal: AbortSignal): Promise<boolean> => new Promise((resolve) => {
      const onAbort = (): void => resolve(false);
      signal.addEventListener("abort", onAbort, { once: true });
      waits.push((isDue) => {
        signal.removeEventListener("abort", onAbort);
        resolve(isDue);
      });
    });
    const sync = new TargetSync({ source: manager, scrapeConfigs: [config], profile: "v3", reloadIntervalMs, registry: new Registry(), signal: stop.signal, sleep });
    const notified: ReadonlyMap<string, JobTargetsChange>[] = [];
    sync.subscribe((_jobs, changes) => notified.push(changes), stop.signal);
    manager.applyConfig([{ jobName: "a", sdConfigs: [file.sd({ files: ["x"] }), http.sd({ files: ["y"] })] }]);
    await settle();
    const discoverers = [file.created[0], http.created[0]];
    const next = random(16 + reloadIntervalMs);
    let lastView: unknown;
    let patches = 0;
    for (let step = 0; step < 120; step++) {
      const pushes = reloadIntervalMs === 0 ? 1 : 1 + Math.floor(next() * 3);
      for (let p = 0; p < pushes; p++) {
        const discoverer = discoverers[Math.floor(next() * 2)];
        const updates = Array.from({ length: 1 + Math.floor(next() * 3) }, () => randomGroup(next, `s${Math.floor(next() * 8)}`));
        discoverer?.push(updates);
        await settle();
      }
      for (const wake of waits.splice(0)) wake(true);
      await settle();
      const groups = manager.currentSnapshot().get("a") ?? [];
      const expected = view(buildJobTargets(config, groups, "v3"));
      assert.deepEqual(view(sync.job("a")), expected, `step ${step} (reload interval ${reloadIntervalMs})`);
      const change = notified.splice(0).map((c) => c.get("a")).at(-1);
      if (lastView !== undefined && !isDeepEqual(lastView, expected)) assert.ok(change !== undefined, `step ${step}: a change was notified`);
      if (change !== undefined && !change.isReset) {
        patches++;
        for (const g of change.groups) assert.ok(["file/0", "http/1"].includes(g.provider), g.provider);
      }
      lastView = expected;
    }
    assert.ok(patches > 50, `most syncs followed the changes (${patches})`);
  }
});

function isDeepEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}

test("TargetSync: a source emptied and re-sent between two syncs moves last, as in a whole build", async (t) => {
  const file = new FakeMechanism("file");
  const manager = new DiscoveryManager({ providers: [file.definition], logger: silentLogger, registry: new Registry(), updateIntervalMs: 0 });
  const stop = new AbortController();
  t.after(async () => {
    stop.abort();
    await manager.close();
  });
  const waits: ((isDue: boolean) => void)[] = [];
  const sleep = (): Promise<boolean> => new Promise((resolve) => waits.push(resolve));
  const sync = new TargetSync({ source: manager, scrapeConfigs: [testJob({ jobName: "a" })], profile: "v3", reloadIntervalMs: 1, registry: new Registry(), signal: stop.signal, sleep });
  const notified: ReadonlyMap<string, JobTargetsChange>[] = [];
  sync.subscribe((_jobs, changes) => notified.push(changes), stop.signal);
  manager.applyConfig([{ jobName: "a", sdConfigs: [file.sd({ files: ["x"] })] }]);
  await settle();
  const tick = async (): Promise<void> => {
    for (const wake of waits.splice(0)) wake(true);
    await settle();
  };
  const one = (source: string, address: string): TargetGroup => ({ source, labels: {}, targets: [{ __address__: address }] });
  file.created[0]?.push([one("s1", "a:1"), one("s2", "b:1")]);
  await settle();
  await tick();
  file.created[0]?.push([one("s2", "b:2")]); // the first sync after this follows the changes
  await settle();
  await tick();
  assert.deepEqual(sync.job("a")?.active.map((x) => x.labels["instance"]), ["a:1", "b:2"]);
  assert.equal(notified.at(-1)?.get("a")?.isReset, false, "followed the changes");
  file.created[0]?.push([{ source: "s1", labels: {}, targets: [] }]);
  await settle();
  file.created[0]?.push([one("s1", "a:1")]);
  await settle();
  await tick();
  assert.deepEqual(sync.job("a")?.active.map((x) => x.labels["instance"]), ["b:2", "a:1"]);
  const change = notified.at(-1)?.get("a");
  assert.deepEqual(change?.groups.map((g) => [g.provider, g.source, g.before.length, g.after.length]), [["file/0", "s1", 1, 1]]);
});
