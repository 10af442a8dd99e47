/**
 * The bench compares the daemon with and without TargetSync's per-group cache; this checks that the switch
 * it sets (PROMSD_TARGET_SYNC_FULL_REBUILD=1) really turns the cache off and changes nothing else.
 * Run: node --import tsx --test bench/kubernetes-daemon/*.test.ts
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import type { TargetGroup } from "../../src/model/target-group.js";
import { testJob } from "../../src/targets/fake-scrape-config.js";
import { FULL_REBUILD_ENV, TargetSync } from "../../src/targets/target-sync.js";

type Snapshot = ReadonlyMap<string, readonly TargetGroup[]>;

function group(source: string, address: string): TargetGroup {
  return { source, labels: {}, targets: [{ __address__: address }] };
}

/** Builds job "a" from two snapshots where only the "changing" group differs; returns both results. */
function twoRebuilds(t: { after(fn: () => void): void }) {
  let push: (snapshot: Snapshot) => void = () => undefined;
  const stop = new AbortController();
  t.after(() => stop.abort());
  const sync = new TargetSync({
    source: { subscribe: (listener) => (push = listener) }, scrapeConfigs: [testJob({ jobName: "a" })],
    profile: "v3", reloadIntervalMs: 0, registry: new Registry(), signal: stop.signal,
  });
  const kept = group("kept", "k:1");
  push(new Map([["a", [kept, group("changing", "c:1")]]]));
  const first = sync.job("a");
  push(new Map([["a", [kept, group("changing", "c:2")]]]));
  return { first, second: sync.job("a") };
}

test("full-rebuild switch: by default an unchanged group keeps its built targets", (t) => {
  const { first, second } = twoRebuilds(t);
  assert.equal(second?.active[0], first?.active[0]);
});

test("full-rebuild switch: with the variable set an unchanged group is relabeled again, with equal targets", (t) => {
  process.env[FULL_REBUILD_ENV] = "1";
  t.after(() => delete process.env[FULL_REBUILD_ENV]);
  const { first, second } = twoRebuilds(t);
  assert.notEqual(second?.active[0], first?.active[0]);
  assert.deepEqual(second?.active[0], first?.active[0]);
  assert.equal(second?.active[1]?.labels["__address__"], "c:2");
});
