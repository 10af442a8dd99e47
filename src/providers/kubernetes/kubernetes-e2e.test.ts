/**
 * The spec examples again, end to end: objects go into the fake API server, promsd lists and watches them
 * over HTTP through the real transport, and the groups must be the same as with in-memory informers.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { TargetGroup } from "../../model/target-group.js";
import { FakeApiServer } from "./api/fake-api-server.js";
import { connectKubernetes } from "./connect.js";
import { createKubernetesDiscoverer } from "./discoverer.js";
import { assertGroups, loadFixtures, nextWithin, testConfig, testDeps, type Fixture } from "./fake-discovery.js";
import { pluralOf } from "./fake-informers.js";

function asObject(raw: unknown): Record<string, unknown> {
  // Fixture objects are JSON manifests.
  return raw as Record<string, unknown>;
}

async function runFixtureE2e(fixture: Fixture, server: FakeApiServer): Promise<void> {
  for (const raw of fixture.objects) server.apply(pluralOf(raw), asObject(raw));
  const config = testConfig(fixture.role, { attach: fixture.attach, apiServer: server.url, ...(fixture.selectors ? { selectors: fixture.selectors } : {}) });
  const stop = new AbortController();
  try {
    const iterator = createKubernetesDiscoverer(config, testDeps(), { connect: connectKubernetes }).discover(stop.signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assertGroups(first.value as readonly TargetGroup[], fixture.want, "initial set");
    const pending: { next?: Promise<IteratorResult<readonly TargetGroup[]>> | undefined } = {};
    const steps = fixture.steps ?? [];
    for (const [i, step] of steps.entries()) {
      for (const raw of step.upsert ?? []) server.apply(pluralOf(raw), asObject(raw));
      for (const [kind, namespace, name] of step.delete ?? []) server.delete(pluralOf({ kind }), namespace, name);
      if (step.want.length === 0 && i < steps.length - 1) continue;
      const batch = await nextWithin(iterator, pending, step.want.length === 0 ? 300 : 10_000);
      if (step.want.length === 0) assert.equal(batch, undefined, `step ${i}: expected no emission`);
      else assertGroups(batch ?? [], step.want, `step ${i}`);
    }
  } finally {
    stop.abort();
  }
}

for (const fixture of loadFixtures()) {
  test(`kubernetes e2e ${fixture.id}: ${fixture.name}`, async (t) => {
    const server = await FakeApiServer.start();
    t.after(() => server.close());
    await runFixtureE2e(fixture, server);
  });
}
