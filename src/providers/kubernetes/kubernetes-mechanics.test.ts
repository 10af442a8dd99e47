/**
 * Mechanics of spec kubernetes.md 2, 9 and the edge cases of 10 over in-memory informers: secondary
 * triggers, level-triggered coalescing, emission of changes only, blocked start-up, namespaces, metrics.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { createKubernetesDiscoverer } from "./discoverer.js";
import { nextWithin, testConfig, testDeps } from "./fake-discovery.js";
import { FakeCluster } from "./fake-informers.js";
import type { KubernetesConfig } from "./config.js";
import { sanitize } from "./roles/labels.js";

type Batch = readonly TargetGroup[];

function start(cluster: FakeCluster, config: KubernetesConfig, registry = new Registry()) {
  const stop = new AbortController();
  const iterator = createKubernetesDiscoverer(config, testDeps(registry), { connect: async () => cluster }).discover(stop.signal)[Symbol.asyncIterator]();
  const pending: { next?: Promise<IteratorResult<Batch>> | undefined } = {};
  return {
    next: async (): Promise<Batch> => {
      const batch = await nextWithin(iterator, pending, 5000);
      assert.ok(batch !== undefined, "expected a batch");
      return batch;
    },
    /** Asserts that nothing is emitted for a while (the fake delivers events synchronously). */
    silent: async (): Promise<void> => assert.equal(await nextWithin(iterator, pending, 50), undefined),
    iterator,
    stop,
  };
}

const group = (batch: Batch, source: string): TargetGroup => {
  const found = batch.find((g) => g.source === source);
  assert.ok(found, `no group ${source} in ${batch.map((g) => g.source).join(", ")}`);
  return found;
};

function pod(name: string, options: { ip?: string; phase?: string; labels?: Record<string, string>; ports?: number[]; namespace?: string; node?: string } = {}) {
  return {
    kind: "Pod",
    metadata: { name, namespace: options.namespace ?? "shop", uid: `uid-${name}`, labels: options.labels ?? {} },
    spec: { nodeName: options.node ?? "worker-1", containers: [{ name: "app", image: "app:1", ports: (options.ports ?? [8080, 9090]).map((p) => ({ name: `p${p}`, containerPort: p, protocol: "TCP" })) }] },
    status: { phase: options.phase ?? "Running", podIP: options.ip ?? "10.0.0.1", hostIP: "192.168.0.1", conditions: [{ type: "Ready", status: "True" }] },
  };
}
function service(name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}) {
  return { kind: "Service", metadata: { name, namespace: "shop", labels }, spec: { type: "ClusterIP", clusterIP: "10.96.0.1", ports: [{ name: "http", port: 80, protocol: "TCP" }], ...spec } };
}
function endpoints(name: string, podNames: string[], options: { notReady?: string[]; port?: number; ips?: Record<string, string> } = {}) {
  const address = (p: string) => ({ ip: options.ips?.[p] ?? "10.0.0.1", nodeName: "worker-1", targetRef: { kind: "Pod", name: p, namespace: "shop" } });
  return { kind: "Endpoints", metadata: { name, namespace: "shop" }, subsets: [{ addresses: podNames.map(address), notReadyAddresses: (options.notReady ?? []).map(address), ports: [{ name: "http", port: options.port ?? 8080, protocol: "TCP" }] }] };
}
function slice(name: string, serviceName: string, podName: string) {
  return {
    kind: "EndpointSlice", metadata: { name, namespace: "shop", labels: { "kubernetes.io/service-name": serviceName } }, addressType: "IPv4",
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: [{ addresses: ["10.0.0.1"], conditions: { ready: true }, targetRef: { kind: "Pod", name: podName, namespace: "shop" } }],
  };
}

test("kubernetes endpoints: a Service change re-emits its Endpoints group; a Service deletion drops the service labels", async () => {
  const cluster = new FakeCluster([service("web", { v: "1" }), pod("web-0"), endpoints("web", ["web-0"])]);
  const d = start(cluster, testConfig("endpoints"));
  try {
    assert.equal(group(await d.next(), "endpoints/shop/web").labels["__meta_kubernetes_service_label_v"], "1");
    cluster.upsert(service("web", { v: "2" }));
    assert.equal(group(await d.next(), "endpoints/shop/web").labels["__meta_kubernetes_service_label_v"], "2");
    cluster.delete("Service", "shop", "web");
    const labels = group(await d.next(), "endpoints/shop/web").labels;
    assert.equal(labels["__meta_kubernetes_service_name"], undefined);
    assert.equal(labels["__meta_kubernetes_endpoints_name"], "web");
  } finally { d.stop.abort(); }
});

test("kubernetes endpoints: a pod phase change re-emits, a label-only pod change does not (stale pod labels, spec 6.1)", async () => {
  const registry = new Registry();
  const cluster = new FakeCluster([pod("web-0"), endpoints("web", ["web-0"])]);
  const d = start(cluster, testConfig("endpoints"), registry);
  try {
    await d.next();
    cluster.upsert(pod("web-0", { labels: { new: "label" } }));
    await d.silent();
    cluster.upsert(pod("web-0", { phase: "Failed", labels: { new: "label" } }));
    const target = group(await d.next(), "endpoints/shop/web").targets[0];
    assert.equal(target?.["__meta_kubernetes_pod_phase"], "Failed");
    assert.equal(target?.["__meta_kubernetes_pod_label_new"], "label");
    const updates = (await registry.getSingleMetric("prometheus_sd_kubernetes_events_total")?.get())?.values.find((v) => v.labels["role"] === "pod" && v.labels["event"] === "update");
    assert.equal(updates?.value, 2);
  } finally { d.stop.abort(); }
});

test("kubernetes endpoints: a pod listed only under notReadyAddresses does not trigger on phase changes", async () => {
  const cluster = new FakeCluster([pod("web-0"), endpoints("web", [], { notReady: ["web-0"] })]);
  const d = start(cluster, testConfig("endpoints"));
  try {
    await d.next();
    cluster.upsert(pod("web-0", { phase: "Failed" }));
    await d.silent();
  } finally { d.stop.abort(); }
});

test("kubernetes endpointslice: pod changes never trigger; a Service change re-emits the slices naming it", async () => {
  const cluster = new FakeCluster([service("web"), pod("web-0"), slice("web-a", "web", "web-0"), slice("web-b", "web", "web-0"), slice("other", "api", "web-0")]);
  const d = start(cluster, testConfig("endpointslice"));
  try {
    assert.equal((await d.next()).length, 3);
    cluster.upsert(pod("web-0", { phase: "Failed" }));
    await d.silent();
    cluster.upsert(service("web", { team: "a" }));
    const batch = await d.next();
    assert.deepEqual(batch.map((g) => g.source).sort(), ["endpointslice/shop/web-a", "endpointslice/shop/web-b"]);
    assert.equal(group(batch, "endpointslice/shop/web-a").labels["__meta_kubernetes_service_label_team"], "a");
  } finally { d.stop.abort(); }
});

test("kubernetes pod: a burst of updates before the pull costs one group with the latest state", async () => {
  const cluster = new FakeCluster([pod("p")]);
  const d = start(cluster, testConfig("pod"));
  try {
    await d.next();
    for (const phase of ["Pending", "Running", "Succeeded"]) cluster.upsert(pod("p", { phase }));
    const batch = await d.next();
    assert.equal(batch.length, 1);
    assert.equal(batch[0]?.labels["__meta_kubernetes_pod_phase"], "Succeeded");
  } finally { d.stop.abort(); }
});

test("kubernetes pod: an object added and deleted before the pull only ever gives a clearing group", async () => {
  const cluster = new FakeCluster([]);
  const d = start(cluster, testConfig("pod"));
  try {
    assert.deepEqual(await d.next(), []);
    cluster.upsert(pod("short-lived"));
    cluster.delete("Pod", "shop", "short-lived");
    // Never emitted, so nothing needs clearing: the source is simply never seen.
    await d.silent();
    cluster.upsert(pod("p2"));
    cluster.upsert(pod("p2", { phase: "Failed" }));
    cluster.delete("Pod", "shop", "p2");
    await d.silent();
  } finally { d.stop.abort(); }
});

test("kubernetes pod: an update that changes no label emits nothing (only changed groups go out)", async () => {
  const cluster = new FakeCluster([pod("p")]);
  const d = start(cluster, testConfig("pod"));
  try {
    await d.next();
    cluster.upsert({ ...pod("p"), metadata: { ...pod("p").metadata, resourceVersion: "999" } });
    await d.silent();
    cluster.delete("Pod", "shop", "p");
    assert.deepEqual(await d.next(), [{ source: "pod/shop/p", labels: {}, targets: [] }]);
  } finally { d.stop.abort(); }
});

test("kubernetes: a cache that never syncs blocks the whole discoverer (spec 2.5)", async () => {
  const cluster = new FakeCluster([pod("p"), { kind: "Node", metadata: { name: "worker-1" } }]);
  cluster.unsyncable.add("nodes");
  const d = start(cluster, testConfig("pod", { attach: { node: true } }));
  try {
    await d.silent();
  } finally { d.stop.abort(); }
  assert.equal((await d.iterator.next()).done, true);
});

test("kubernetes endpoints: workload caches are not awaited (spec 2.2)", async () => {
  const cluster = new FakeCluster([pod("web-0"), endpoints("web", ["web-0"])]);
  cluster.unsyncable.add("replicasets");
  const d = start(cluster, testConfig("endpoints", { attach: { deployment: true } }));
  try {
    assert.equal((await d.next()).length, 1);
  } finally { d.stop.abort(); }
});

test("kubernetes: namespace entries each get their own watches, duplicates included (spec 1.4)", async () => {
  const cluster = new FakeCluster([pod("a-0", { namespace: "a" }), pod("b-0", { namespace: "b" }), pod("c-0", { namespace: "c" })]);
  const d = start(cluster, testConfig("pod", { namespaces: ["a", "b", "a"] }));
  try {
    const sources = (await d.next()).map((g) => g.source).sort();
    assert.deepEqual(sources, ["pod/a/a-0", "pod/a/a-0", "pod/b/b-0"]);
    assert.deepEqual(cluster.requests.map((r) => r.resource.namespace), ["a", "b", "a"]);
  } finally { d.stop.abort(); }
});

test("kubernetes: selectors go to the informer of the resource they name", async () => {
  const cluster = new FakeCluster([]);
  const d = start(cluster, testConfig("endpoints", { selectors: [{ role: "pod", label: "app=x" }, { role: "endpoints", field: "metadata.name=web" }] }));
  try {
    await d.next();
    const byPlural = new Map(cluster.requests.map((r) => [r.resource.plural, r]));
    assert.equal(byPlural.get("pods")?.labelSelector, "app=x");
    assert.equal(byPlural.get("endpoints")?.fieldSelector, "metadata.name=web");
    assert.equal(byPlural.get("services")?.labelSelector, undefined);
  } finally { d.stop.abort(); }
});

test("kubernetes metrics: all 18 event series exist from start; the initial list counts one add per object", async () => {
  const registry = new Registry();
  const cluster = new FakeCluster([service("web"), pod("web-0"), endpoints("web", ["web-0"])]);
  const d = start(cluster, testConfig("endpoints"), registry);
  try {
    await d.next();
    const values = (await registry.getSingleMetric("prometheus_sd_kubernetes_events_total")?.get())?.values ?? [];
    assert.equal(values.length, 18);
    const count = (role: string, event: string) => values.find((v) => v.labels["role"] === role && v.labels["event"] === event)?.value;
    assert.equal(count("endpoints", "add"), 1);
    assert.equal(count("service", "add"), 1);
    assert.equal(count("pod", "add"), 0);
    assert.ok(registry.getSingleMetric("prometheus_sd_kubernetes_failures_total"));
  } finally { d.stop.abort(); }
});

test("kubernetes endpoints: a pod without IP labels its direct target but gives no extras (edge 1)", async () => {
  const cluster = new FakeCluster([pod("web-0", { ip: "" }), endpoints("web", ["web-0"])]);
  const d = start(cluster, testConfig("endpoints"));
  try {
    const targets = group(await d.next(), "endpoints/shop/web").targets;
    assert.equal(targets.length, 1);
    assert.equal(targets[0]?.["__meta_kubernetes_pod_ip"], "");
  } finally { d.stop.abort(); }
});

test("kubernetes endpoints: a pod backing two Services gives its extras in both groups (edge 8)", async () => {
  const cluster = new FakeCluster([pod("web-0"), endpoints("web", ["web-0"]), endpoints("web-admin", ["web-0"], { port: 9090 })]);
  const d = start(cluster, testConfig("endpoints"));
  try {
    const batch = await d.next();
    const addresses = (source: string) => group(batch, source).targets.map((t: LabelSet) => t["__address__"]);
    assert.deepEqual(addresses("endpoints/shop/web"), ["10.0.0.1:8080", "10.0.0.1:9090"]);
    assert.deepEqual(addresses("endpoints/shop/web-admin"), ["10.0.0.1:9090", "10.0.0.1:8080"]);
  } finally { d.stop.abort(); }
});

test("kubernetes endpoints: a targetRef without namespace never resolves its pod (edge 7)", async () => {
  const eps = endpoints("web", ["web-0"]);
  const address = eps.subsets[0]?.addresses[0];
  if (address) address.targetRef = { kind: "Pod", name: "web-0", namespace: "" };
  const d = start(new FakeCluster([pod("web-0"), eps]), testConfig("endpoints"));
  try {
    const targets = group(await d.next(), "endpoints/shop/web").targets;
    assert.equal(targets.length, 1);
    assert.equal(targets[0]?.["__meta_kubernetes_pod_name"], undefined);
  } finally { d.stop.abort(); }
});

test("kubernetes: deletions of every role's objects clear their groups", async () => {
  const cases: { role: KubernetesConfig["role"]; object: { kind: string; metadata: { name: string; namespace?: string } }; source: string }[] = [
    { role: "service", object: service("web"), source: "svc/shop/web" },
    { role: "endpoints", object: endpoints("web", []), source: "endpoints/shop/web" },
    { role: "endpointslice", object: slice("web-a", "web", "x"), source: "endpointslice/shop/web-a" },
    { role: "ingress", object: { kind: "Ingress", metadata: { name: "ing", namespace: "shop" } }, source: "ingress/shop/ing" },
  ];
  for (const c of cases) {
    const cluster = new FakeCluster([c.object]);
    const d = start(cluster, testConfig(c.role));
    try {
      assert.equal((await d.next()).length, 1);
      cluster.delete(c.object.kind, c.object.metadata.namespace ?? "", c.object.metadata.name);
      assert.deepEqual(await d.next(), [{ source: c.source, labels: {}, targets: [] }], c.role);
    } finally { d.stop.abort(); }
  }
});

test("kubernetes labels: sanitising turns each code point, astral ones included, into one underscore", () => {
  assert.equal(sanitize("app.kubernetes.io/name"), "app_kubernetes_io_name");
  assert.equal(sanitize("a😀b"), "a_b");
  assert.equal(sanitize("Unschedulable"), "Unschedulable");
});

test("kubernetes: the iterator ends once the signal aborts", async () => {
  const d = start(new FakeCluster([pod("p")]), testConfig("pod"));
  await d.next();
  d.stop.abort();
  assert.equal((await d.iterator.next()).done, true);
});

test("kubernetes: own_namespace adds the service-account namespace verbatim after names (spec 1.3, 1.4)", async (t) => {
  const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { namespacesToWatch } = await import("./discoverer.js");
  const dir = await mkdtemp(join(tmpdir(), "promsd-sa-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = { ...testConfig("pod", { namespaces: ["a"] }), namespaces: { names: ["a"], ownNamespace: true } };
  await assert.rejects(namespacesToWatch(config, dir), /could not determine the pod's namespace/);
  await writeFile(join(dir, "namespace"), "");
  await assert.rejects(namespacesToWatch(config, dir), /could not read own namespace name \(empty file\)/);
  await writeFile(join(dir, "namespace"), "monitoring\n");
  assert.deepEqual(await namespacesToWatch(config, dir), ["a", "monitoring\n"]);
  assert.deepEqual(await namespacesToWatch(testConfig("pod"), dir), [undefined]);
});

test("kubernetes metrics: the work queue counts de-duplicated keys, observes each processed key and drains to depth 0", async () => {
  const registry = new Registry();
  const cluster = new FakeCluster([pod("a"), pod("b")]);
  const d = start(cluster, testConfig("pod"), registry);
  try {
    await d.next();
    cluster.upsert(pod("a", { phase: "Failed" }));
    cluster.upsert(pod("a", { phase: "Succeeded" }));
    await d.next();
    const value = async (name: string, suffix = "") => (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels["queue_name"] === "pod" && (suffix === "" || (v as { metricName?: string }).metricName === name + suffix))?.value;
    assert.equal(await value("prometheus_sd_kubernetes_workqueue_items_total"), 3);
    assert.equal(await value("prometheus_sd_kubernetes_workqueue_depth"), 0);
    assert.equal(await value("prometheus_sd_kubernetes_workqueue_latency_seconds", "_count"), 3);
    assert.equal(await value("prometheus_sd_kubernetes_workqueue_work_duration_seconds", "_count"), 3);
  } finally { d.stop.abort(); }
});

test("kubernetes provider: in-cluster mode without the service environment fails creation (spec 1.3)", { skip: process.env["KUBERNETES_SERVICE_HOST"] !== undefined }, async () => {
  const { kubernetesProvider } = await import("./provider.js");
  assert.throws(() => kubernetesProvider.createDiscoverer(testConfig("pod"), testDeps()), /unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
  assert.doesNotThrow(() => kubernetesProvider.createDiscoverer(testConfig("pod", { apiServer: "http://127.0.0.1:1" }), testDeps()));
});
