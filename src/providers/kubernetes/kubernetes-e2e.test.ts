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
import { loadFixtures, nextWithin, playFixture, testConfig, testDeps, type Fixture } from "./fake-discovery.js";
import { pluralOf } from "./fake-informers.js";

function asObject(raw: unknown): Record<string, unknown> {
  // Fixture objects are JSON manifests.
  return raw as Record<string, unknown>;
}

/** Runs one fixture through the fake API server and the real transport. */
async function runFixtureE2e(fixture: Fixture, server: FakeApiServer): Promise<void> {
  for (const raw of fixture.objects) server.apply(pluralOf(raw), asObject(raw));
  const config = testConfig(fixture.role, { attach: fixture.attach, apiServer: server.url, ...(fixture.selectors ? { selectors: fixture.selectors } : {}) });
  const discoverer = createKubernetesDiscoverer(config, testDeps(), { connect: connectKubernetes });
  const world = {
    upsert: (raw: unknown) => void server.apply(pluralOf(raw), asObject(raw)),
    delete: (kind: string, namespace: string, name: string) => void server.delete(pluralOf({ kind }), namespace, name),
  };
  await playFixture(discoverer, fixture, world, { silenceMs: 300, batchMs: 10_000 });
}

for (const fixture of loadFixtures()) {
  test(`kubernetes e2e ${fixture.id}: ${fixture.name}`, async (t) => {
    const server = await FakeApiServer.start();
    t.after(() => server.close());
    await runFixtureE2e(fixture, server);
  });
}

function podManifest(name: string, phase: string): Record<string, unknown> {
  return {
    metadata: { name, namespace: "shop", uid: `uid-${name}` },
    spec: { nodeName: "n1", containers: [{ name: "app", image: "app:1", ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }] }] },
    status: { phase, podIP: "10.0.0.9", hostIP: "10.1.0.1" },
  };
}

test("kubernetes e2e: a relist after 410 Gone and a server outage emit only real changes, with no blink", async (t) => {
  const server = await FakeApiServer.start();
  t.after(() => server.close());
  server.apply("pods", podManifest("a", "Running"));
  server.apply("pods", podManifest("b", "Running"));
  const stop = new AbortController();
  t.after(() => stop.abort());
  const sleepFast = (ms: number, signal: AbortSignal) => testDeps().sleep(Math.min(ms, 50), signal);
  const deps = { ...testDeps(), sleep: sleepFast };
  const iterator = createKubernetesDiscoverer(testConfig("pod", { apiServer: server.url }), deps, { connect: connectKubernetes }).discover(stop.signal)[Symbol.asyncIterator]();
  const first = await iterator.next();
  assert.deepEqual((first.value as readonly TargetGroup[]).map((g) => g.source).sort(), ["pod/shop/a", "pod/shop/b"]);
  const pending: { next?: Promise<IteratorResult<readonly TargetGroup[]>> | undefined } = {};
  // Expire the watch and forget history: the relist finds a unchanged, b gone, c new.
  server.delete("pods", "shop", "b");
  server.apply("pods", podManifest("c", "Pending"));
  server.compact();
  server.expireWatches();
  const seen = new Map<string, TargetGroup>();
  while (!seen.has("pod/shop/b") || !seen.has("pod/shop/c")) {
    const batch = await nextWithin(iterator, pending, 10_000);
    assert.ok(batch, "expected the changes after the relist");
    for (const g of batch) seen.set(g.source, g);
  }
  assert.equal(seen.has("pod/shop/a"), false, "an unchanged pod must not be re-emitted (no delete-then-add)");
  assert.equal(seen.get("pod/shop/b")?.targets.length, 0);
  // Down and back up: a change made while reconnecting still arrives.
  await server.down();
  await server.up();
  server.apply("pods", podManifest("a", "Failed"));
  for (;;) {
    const batch = await nextWithin(iterator, pending, 10_000);
    assert.ok(batch, "expected pod a's change after the outage");
    const a = batch.find((g) => g.source === "pod/shop/a");
    assert.ok(batch.every((g) => g.source === "pod/shop/a"), "only the changed pod is emitted");
    if (a !== undefined) {
      assert.equal(a.labels["__meta_kubernetes_pod_phase"], "Failed");
      break;
    }
  }
});

test("kubernetes e2e: aborting the discoverer leaves no socket or timer behind", async (t) => {
  const server = await FakeApiServer.start();
  t.after(() => server.close());
  server.apply("pods", podManifest("a", "Running"));
  const count = () => process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap").length;
  const baseline = count();
  const stop = new AbortController();
  const config = testConfig("endpoints", { apiServer: server.url, attach: { node: true, namespace: true, deployment: true } });
  const iterator = createKubernetesDiscoverer(config, testDeps(), { connect: connectKubernetes }).discover(stop.signal)[Symbol.asyncIterator]();
  await iterator.next();
  assert.ok(server.openWatches > 0);
  stop.abort();
  assert.equal((await iterator.next()).done, true);
  const deadline = Date.now() + 10_000;
  while ((count() > baseline || server.openWatches > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.openWatches, 0, "watches still open");
  assert.ok(count() <= baseline, `active resources ${process.getActiveResourcesInfo().join(",")} above baseline ${baseline}`);
});

test("kubernetes e2e: the registered provider works through the config parser and the discovery manager", async (t) => {
  const { DiscoveryManager } = await import("../../manager/manager.js");
  const { parseConfigText } = await import("../../config/index.js");
  const { builtinProviders } = await import("../index.js");
  const { Registry } = await import("prom-client");
  const { silentLogger } = await import("../../logging.js");
  const server = await FakeApiServer.start();
  t.after(() => server.close());
  server.apply("services", { metadata: { name: "web", namespace: "shop" }, spec: { type: "ClusterIP", clusterIP: "10.96.0.1", ports: [{ name: "http", port: 80, protocol: "TCP" }] } });
  const text = `scrape_configs:\n  - job_name: k8s\n    kubernetes_sd_configs:\n      - role: service\n        api_server: ${server.url}\n`;
  const config = parseConfigText(text, "prometheus.yml", { profile: "v3" });
  const manager = new DiscoveryManager({ providers: builtinProviders, logger: silentLogger, registry: new Registry(), updateIntervalMs: 0 });
  t.after(() => manager.close());
  manager.applyConfig(config.scrapeConfigs.map((job) => ({ jobName: job.jobName, sdConfigs: job.sdConfigs })));
  await manager.ready;
  const deadline = Date.now() + 10_000;
  let groups = manager.currentSnapshot().get("k8s") ?? [];
  while (groups.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    groups = manager.currentSnapshot().get("k8s") ?? [];
  }
  assert.deepEqual(groups.map((g) => [g.source, g.targets.map((x) => x["__address__"])]), [["svc/shop/web", ["web.shop.svc:80"]]]);
});

test("kubernetes e2e: two roles over one API server share the pod list-watch; it closes with the last user", async (t) => {
  const server = await FakeApiServer.start();
  t.after(() => server.close());
  server.apply("pods", podManifest("a", "Running"));
  const deps = testDeps();
  const podStop = new AbortController();
  const epsStop = new AbortController();
  t.after(() => { podStop.abort(); epsStop.abort(); });
  const pods = createKubernetesDiscoverer(testConfig("pod", { apiServer: server.url }), deps, { connect: connectKubernetes }).discover(podStop.signal)[Symbol.asyncIterator]();
  const eps = createKubernetesDiscoverer(testConfig("endpoints", { apiServer: server.url }), deps, { connect: connectKubernetes }).discover(epsStop.signal)[Symbol.asyncIterator]();
  await Promise.all([pods.next(), eps.next()]);
  const podLists = server.requestsTo("/api/v1/pods").filter((r) => r.query.get("watch") !== "true");
  assert.equal(podLists.length, 1, "one pod LIST for both roles");
  podStop.abort();
  assert.equal((await pods.next()).done, true);
  const deadline = Date.now() + 10_000;
  while (server.openWatches !== 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.openWatches, 3, "the endpoints role keeps its three watches (pods still shared)");
  epsStop.abort();
  assert.equal((await eps.next()).done, true);
  while (server.openWatches > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.openWatches, 0);
});
