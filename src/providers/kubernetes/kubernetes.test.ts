import assert from "node:assert/strict";
import { test } from "node:test";
import type { TargetGroup } from "../../model/target-group.js";
import { createKubernetesDiscoverer } from "./discoverer.js";
import { FakeCluster } from "./fake-informers.js";
import { assertGroups, loadFixtures, nextWithin, testConfig, testDeps, type Fixture } from "./fake-discovery.js";

/** Runs one fixture: initial set, then each step's changes and the groups they must produce. */
async function runFixture(fixture: Fixture): Promise<void> {
  const cluster = new FakeCluster(fixture.objects);
  const config = testConfig(fixture.role, { attach: fixture.attach, ...(fixture.selectors ? { selectors: fixture.selectors } : {}), ...(fixture.namespaces ? { namespaces: fixture.namespaces } : {}) });
  const stop = new AbortController();
  try {
    const iterator = createKubernetesDiscoverer(config, testDeps(), { connect: async () => cluster }).discover(stop.signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assertGroups(first.value as readonly TargetGroup[], fixture.want, "initial set");
    const pending: { next?: Promise<IteratorResult<readonly TargetGroup[]>> | undefined } = {};
    const steps = fixture.steps ?? [];
    for (const [i, step] of steps.entries()) {
      for (const raw of step.upsert ?? []) cluster.upsert(raw);
      for (const [kind, namespace, name] of step.delete ?? []) cluster.delete(kind, namespace, name);
      // A step that must emit nothing is proven by the next step's batch being exactly its own (or by silence at the end).
      if (step.want.length === 0 && i < steps.length - 1) continue;
      const batch = await nextWithin(iterator, pending, step.want.length === 0 ? 50 : 5000);
      if (step.want.length === 0) assert.equal(batch, undefined, `step ${i}: expected no emission`);
      else assertGroups(batch ?? [], step.want, `step ${i}`);
    }
  } finally {
    stop.abort();
  }
}

for (const fixture of loadFixtures()) {
  test(`kubernetes ${fixture.id}: ${fixture.name}`, () => runFixture(fixture));
}
