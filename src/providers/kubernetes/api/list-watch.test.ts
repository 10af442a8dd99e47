import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { Registry } from "prom-client";
import { silentLogger } from "../../../logging.js";
import { waitFor } from "../../../testing/wait-for.js";
import { Backoff } from "./backoff.js";
import { createKubeClient, plainHttpClientConfig, type KubeClient } from "./client.js";
import { FakeApiServer } from "./fake-api-server.js";
import { InformerRegistry } from "./informer-registry.js";
import { decodeObjectMeta, type Informer, type InformerEvent, type KubeObject } from "./types.js";

interface Pod extends KubeObject {
  readonly phase: string;
}

function decodePod(raw: unknown): Pod {
  const record = raw as { metadata?: unknown; status?: { phase?: unknown } }; // test decoder
  return { metadata: decodeObjectMeta(record.metadata), phase: typeof record.status?.phase === "string" ? record.status.phase : "" };
}

function pod(name: string, phase = "Running", labels: Record<string, string> = {}, namespace = "default"): Record<string, unknown> {
  return { metadata: { name, namespace, labels }, spec: { nodeName: "node-1" }, status: { phase } };
}

interface Harness {
  readonly server: FakeApiServer;
  readonly client: KubeClient;
  readonly registry: Registry;
  readonly informers: InformerRegistry;
  /** Every delay asked of `sleep`, in order. */
  readonly sleeps: number[];
  readonly stop: AbortController;
}

/** A fake server, a client and a registry whose sleeps are recorded and last only 5 ms (fake time). */
async function harness(t: TestContext, setup: (server: FakeApiServer) => void = () => {}): Promise<Harness> {
  const server = await FakeApiServer.start();
  setup(server);
  const registry = new Registry();
  const client = await createKubeClient({ apiServer: server.url, kubeconfigFile: undefined, httpClientConfig: plainHttpClientConfig() }, { logger: silentLogger, registry });
  const sleeps: number[] = [];
  const informers = new InformerRegistry(client, {
    logger: silentLogger,
    registry,
    random: () => 0,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal.aborted) return false;
      await delay(5);
      return !signal.aborted;
    },
  });
  const stop = new AbortController();
  t.after(async () => {
    stop.abort();
    await informers.close();
    client.close();
    await server.close();
  });
  return { server, client, registry, informers, sleeps, stop };
}

function podInformer(h: Harness, extra: { labelSelector?: string; fieldSelector?: string; namespace?: string } = {}): { informer: Informer<Pod>; events: InformerEvent<Pod>[] } {
  const { namespace, ...selectors } = extra;
  const informer = h.informers.informer({ resource: { group: "", version: "v1", plural: "pods", ...(namespace !== undefined && { namespace }) }, decode: decodePod, decoderId: "test-pod", ...selectors }, h.stop.signal);
  const events: InformerEvent<Pod>[] = [];
  informer.subscribe((e) => events.push(e));
  return { informer, events };
}

async function metric(registry: Registry, name: string): Promise<number> {
  const found = await registry.getSingleMetric(name)?.get();
  return found?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}

const listRequests = (server: FakeApiServer, path = "/api/v1/pods"): URLSearchParams[] =>
  server.requestsTo(path).filter((r) => r.query.get("watch") !== "true").map((r) => r.query);
const watchRequests = (server: FakeApiServer, path = "/api/v1/pods"): URLSearchParams[] =>
  server.requestsTo(path).filter((r) => r.query.get("watch") === "true").map((r) => r.query);

function phases(informer: Informer<Pod>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of informer.list()) out[`${p.metadata.namespace}/${p.metadata.name}`] = p.phase;
  return out;
}

const deadline = { timeoutMs: 10_000 };

test("list-watch: pages the initial list (limit=500, continue) and watches from the list's version, as Prometheus asks", async (t) => {
  const h = await harness(t, (s) => {
    for (let i = 0; i < 1234; i++) s.apply("pods", pod(`p${String(i).padStart(4, "0")}`));
  });
  const { informer, events } = podInformer(h);
  assert.equal(await informer.waitForSync(h.stop.signal), true);
  assert.equal([...informer.list()].length, 1234);
  assert.equal(events.length, 1234);
  assert.ok(events.every((e) => e.type === "add"));
  const lists = listRequests(h.server);
  assert.equal(lists.length, 3);
  assert.equal(lists[0]!.toString(), "limit=500&resourceVersion=0");
  assert.match(lists[1]!.toString(), /^continue=[^&]+&limit=500$/);
  await waitFor(() => watchRequests(h.server).length === 1, deadline);
  const watch = watchRequests(h.server)[0]!;
  assert.equal(watch.get("resourceVersion"), h.server.resourceVersion);
  assert.match(watch.toString(), /^allowWatchBookmarks=true&resourceVersion=\d+&timeoutSeconds=300&watch=true$/);
  const request = h.server.requestsTo("/api/v1/pods")[0]!;
  assert.equal(request.headers.accept, "application/json");
  assert.match(request.headers["user-agent"] ?? "", /^promsd\//);
  // Three list pages; the still idle watch is counted once it yields its first chunk or ends.
  assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_http_request_total"), 3);
});

test("list-watch: create, update and delete arrive as add, update (with old) and delete", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const { informer, events } = podInformer(h);
  await informer.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 1, deadline);
  h.server.apply("pods", pod("b", "Pending"));
  h.server.apply("pods", pod("a", "Succeeded"));
  h.server.delete("pods", "default", "b");
  await waitFor(() => events.length === 4, deadline);
  assert.deepEqual(events.map((e) => [e.type, e.key, e.object.phase, e.old?.phase]), [
    ["add", "default/a", "Running", undefined],
    ["add", "default/b", "Pending", undefined],
    ["update", "default/a", "Succeeded", "Running"],
    ["delete", "default/b", "Pending", undefined],
  ]);
  assert.deepEqual(phases(informer), { "default/a": "Succeeded" });
});

test("list-watch: a cut watch resumes from the last version seen, without a relist, losing and repeating nothing", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const { informer, events } = podInformer(h);
  await informer.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 1, deadline);
  h.server.apply("pods", pod("b"));
  await waitFor(() => events.length === 2, deadline);
  const seen = h.server.resourceVersion;
  h.server.cutWatches();
  h.server.apply("pods", pod("c")); // while no watch is open
  await waitFor(() => events.length === 3, deadline);
  h.server.apply("pods", pod("d"));
  await waitFor(() => events.length === 4, deadline);
  assert.deepEqual(events.map((e) => `${e.type} ${e.key}`), ["add default/a", "add default/b", "add default/c", "add default/d"]);
  assert.equal(listRequests(h.server).length, 1);
  assert.equal(watchRequests(h.server)[1]!.get("resourceVersion"), seen);
  assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_failures_total"), 0);
});

test("list-watch: a BOOKMARK moves the resume version forward", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const { informer } = podInformer(h);
  await informer.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 1, deadline);
  h.server.apply("services", { metadata: { name: "s", namespace: "default" } }); // advances the version only
  h.server.bookmark();
  const bookmarked = h.server.resourceVersion;
  await delay(50);
  h.server.cutWatches();
  await waitFor(() => watchRequests(h.server).length === 2, deadline);
  assert.equal(watchRequests(h.server)[1]!.get("resourceVersion"), bookmarked);
});

for (const asHttpStatus of [false, true]) {
  test(`list-watch: 410 Gone (${asHttpStatus ? "HTTP status" : "ERROR event"}) relists and emits only real differences`, async (t) => {
    const h = await harness(t, (s) => {
      s.apply("pods", pod("same"));
      s.apply("pods", pod("changed", "Pending"));
      s.apply("pods", pod("gone"));
    });
    h.server.expiredAsHttpStatus = asHttpStatus;
    const { informer, events } = podInformer(h);
    await informer.waitForSync(h.stop.signal);
    await waitFor(() => h.server.openWatches === 1, deadline);
    const lastSeen = h.server.resourceVersion;
    await h.server.down();
    h.server.apply("pods", pod("changed", "Running"));
    h.server.delete("pods", "default", "gone");
    h.server.apply("pods", pod("new"));
    h.server.compact();
    events.length = 0;
    await h.server.up();
    await waitFor(() => events.length === 4, deadline);
    const byKey = new Map(events.map((e) => [e.key, e]));
    assert.equal(byKey.get("default/same")?.type, "update");
    assert.equal(byKey.get("default/changed")?.type, "update");
    assert.equal(byKey.get("default/changed")?.object.phase, "Running");
    assert.equal(byKey.get("default/changed")?.old?.phase, "Pending");
    assert.equal(byKey.get("default/gone")?.type, "delete");
    assert.equal(byKey.get("default/new")?.type, "add");
    assert.deepEqual(phases(informer), { "default/same": "Running", "default/changed": "Running", "default/new": "Running" });
    const lists = listRequests(h.server);
    assert.equal(lists.length, 2);
    assert.equal(lists[1]!.toString(), `resourceVersion=${lastSeen}`);
    assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_failures_total"), 0);
    // Backed off before the relist, from 800 ms (random() = 0 in this harness).
    assert.ok(h.sleeps.includes(800));
  });
}

test("list-watch: a relist whose version is gone falls back to a consistent paged list", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const { informer } = podInformer(h);
  await informer.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 1, deadline);
  h.server.failNext("/api/v1/pods", 410, 2); // the re-opened watch and the relist
  h.server.cutWatches();
  await waitFor(() => listRequests(h.server).length === 3, deadline);
  const lists = listRequests(h.server).map(String);
  assert.match(lists[1]!, /^resourceVersion=\d+$/);
  assert.equal(lists[2], "limit=500");
  assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_failures_total"), 1); // the failed list
  assert.deepEqual(phases(informer), { "default/a": "Running" });
});

test("list-watch: API server down and back: nothing lost or duplicated, no restart, refused connections not counted", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const { informer, events } = podInformer(h);
  await informer.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 1, deadline);
  await h.server.down();
  h.server.apply("pods", pod("b"));
  h.server.apply("pods", pod("a", "Failed"));
  await waitFor(() => h.sleeps.length >= 3, deadline); // retried with back-off while down
  await h.server.up();
  await waitFor(() => events.length === 3, deadline);
  assert.deepEqual(events.map((e) => `${e.type} ${e.key} ${e.object.phase}`), ["add default/a Running", "add default/b Running", "update default/a Failed"]);
  assert.equal(listRequests(h.server).length, 1);
  assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_failures_total"), 0);
  assert.deepEqual(h.sleeps.slice(0, 3), [800, 1600, 3200]);
});

test("list-watch: a malformed watch line is counted and the watch re-opened from the last good version", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const { informer, events } = podInformer(h);
  await informer.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 1, deadline);
  const before = h.server.resourceVersion;
  h.server.writeMalformedLine();
  await waitFor(() => watchRequests(h.server).length === 2 && h.server.openWatches === 1, deadline);
  assert.equal(watchRequests(h.server)[1]!.get("resourceVersion"), before);
  h.server.apply("pods", pod("b"));
  await waitFor(() => events.length === 2, deadline);
  assert.equal(await metric(h.registry, "promsd_sd_kubernetes_watch_malformed_lines_total"), 1);
  assert.equal(listRequests(h.server).length, 1);
});

test("list-watch: a failed list is counted and retried with back-off", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  h.server.failNext("/api/v1/pods", 500, 2);
  const { informer } = podInformer(h);
  assert.equal(await informer.waitForSync(h.stop.signal), true);
  assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_failures_total"), 2);
  assert.deepEqual(h.sleeps.slice(0, 2), [800, 1600]);
  const statuses = (await h.registry.getSingleMetric("prometheus_sd_kubernetes_http_request_total")?.get())?.values.map((v) => [v.labels["status_code"], v.value]);
  assert.deepEqual(statuses?.sort(), [["200", 1], ["500", 2]]);
});

test("list-watch: label and field selectors reach list and watch, and objects that stop matching are deleted", async (t) => {
  const h = await harness(t, (s) => {
    s.apply("pods", pod("a", "Running", { app: "web" }));
    s.apply("pods", pod("b", "Running", { app: "db" }));
    s.apply("pods", pod("c", "Pending", { app: "web" }));
    s.apply("pods", pod("d", "Running", { app: "web" }, "other"));
  });
  const { informer, events } = podInformer(h, { labelSelector: "app in (web)", fieldSelector: "status.phase=Running", namespace: "default" });
  await informer.waitForSync(h.stop.signal);
  assert.deepEqual(phases(informer), { "default/a": "Running" });
  await waitFor(() => h.server.openWatches === 1, deadline);
  assert.equal(listRequests(h.server, "/api/v1/namespaces/default/pods")[0]!.toString(), "fieldSelector=status.phase%3DRunning&labelSelector=app+in+%28web%29&limit=500&resourceVersion=0");
  h.server.apply("pods", pod("c", "Running", { app: "web" }));
  h.server.apply("pods", pod("a", "Running", { app: "db" }));
  await waitFor(() => events.length === 3, deadline);
  assert.deepEqual(events.slice(1).map((e) => `${e.type} ${e.key}`), ["add default/c", "delete default/a"]);
});

test("informer registry: one list-watch per key, shared, stopped when the last user's signal aborts", async (t) => {
  const h = await harness(t, (s) => s.apply("pods", pod("a")));
  const first = new AbortController();
  const second = new AbortController();
  const options = { resource: { group: "", version: "v1", plural: "pods" }, decode: decodePod, decoderId: "test-pod" };
  const a = h.informers.informer(options, first.signal);
  const b = h.informers.informer(options, second.signal);
  const other = h.informers.informer({ ...options, labelSelector: "app=x" }, second.signal);
  assert.equal(a, b);
  assert.notEqual(a, other);
  assert.equal(h.informers.activeCount, 2);
  await a.waitForSync(h.stop.signal);
  await other.waitForSync(h.stop.signal);
  await waitFor(() => h.server.openWatches === 2, deadline);
  assert.equal(listRequests(h.server).length, 2);
  first.abort();
  await delay(20);
  assert.equal(h.informers.activeCount, 2);
  second.abort();
  assert.equal(h.informers.activeCount, 0);
  await waitFor(() => h.server.openWatches === 0, deadline);
});

test("informer: waitForSync resolves false when its signal aborts first", async (t) => {
  const h = await harness(t);
  h.server.failNext("/api/v1/pods", 500, 1000);
  const { informer } = podInformer(h);
  const give = new AbortController();
  const waiting = informer.waitForSync(give.signal);
  give.abort();
  assert.equal(await waiting, false);
  assert.equal(informer.hasSynced, false);
});

test("backoff: 800 ms doubling to a 30 s cap, jitter up to one step, reset after 2 minutes without back-off", () => {
  let now = 0;
  let random = 0;
  const backoff = new Backoff({ now: () => now, random: () => random });
  const steps: number[] = [];
  for (let i = 0; i < 8; i++) {
    steps.push(backoff.next());
    now += 1000;
  }
  assert.deepEqual(steps, [800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
  random = 0.5;
  assert.equal(backoff.next(), 45_000);
  now += 120_001;
  assert.equal(backoff.next(), 1200);
});

test("informer registry: nothing left running after close (sockets, timers)", async () => {
  const server = await FakeApiServer.start();
  server.apply("pods", pod("a"));
  const baseline = process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap");
  const registry = new Registry();
  const client = await createKubeClient({ apiServer: server.url, kubeconfigFile: undefined, httpClientConfig: plainHttpClientConfig() }, { logger: silentLogger, registry });
  const informers = new InformerRegistry(client, { logger: silentLogger, registry });
  const stop = new AbortController();
  const informer = informers.informer({ resource: { group: "", version: "v1", plural: "pods" }, decode: decodePod, decoderId: "test-pod" }, stop.signal);
  await informer.waitForSync(stop.signal);
  await waitFor(() => server.openWatches === 1, deadline);
  stop.abort();
  await informers.close();
  client.close();
  await waitFor(() => server.openWatches === 0, deadline);
  // Checked while the server still runs (closing it would close our sockets for us). Earlier tests' sockets
  // may still be closing, so compare counts: none may exceed its baseline.
  const counts = (names: readonly string[]): Map<string, number> => {
    const out = new Map<string, number>();
    for (const name of names) out.set(name, (out.get(name) ?? 0) + 1);
    return out;
  };
  const allowed = counts(baseline);
  await waitFor(() => {
    const now = counts(process.getActiveResourcesInfo().filter((r) => r !== "TTYWrap"));
    return [...now].every(([name, n]) => n <= (allowed.get(name) ?? 0)) || undefined;
  }, { ...deadline, description: "active resources back to the baseline" });
  await server.close();
});

for (const c of [
  { status: 500, wantFailures: 1, wantLists: 2, why: "counted, then a relist from the last version" },
  { status: 403, wantFailures: 1, wantLists: 2, why: "counted, then a relist from the last version" },
  { status: 429, wantFailures: 0, wantLists: 1, why: "not counted, the watch is retried after a back-off" },
]) {
  test(`list-watch: a watch refused with HTTP ${c.status} is ${c.why}`, async (t) => {
    const h = await harness(t, (s) => s.apply("pods", pod("a")));
    const { informer, events } = podInformer(h);
    await informer.waitForSync(h.stop.signal);
    await waitFor(() => h.server.openWatches === 1, deadline);
    h.server.failNext("/api/v1/pods", c.status, 1);
    h.server.cutWatches();
    await waitFor(() => watchRequests(h.server).length === 3 && h.server.openWatches === 1, deadline);
    h.server.apply("pods", pod("b"));
    await waitFor(() => events.length >= 2 && events.at(-1)?.key === "default/b", deadline);
    assert.equal(await metric(h.registry, "prometheus_sd_kubernetes_failures_total"), c.wantFailures);
    assert.equal(listRequests(h.server).length, c.wantLists);
    assert.deepEqual(phases(informer), { "default/a": "Running", "default/b": "Running" });
  });
}
