import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Registry } from "prom-client";
import { Secret } from "../../../config/secret.js";
import { SourceError } from "../../../errors.js";
import { silentLogger } from "../../../logging.js";
import { createKubeClient, endpointTemplate, plainHttpClientConfig, serverVersion } from "./client.js";
import { FakeApiServer } from "./fake-api-server.js";
import { collectionPath, decodeObjectMeta, objectKey } from "./types.js";

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), "promsd-kube-client-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function fake(t: TestContext): Promise<FakeApiServer> {
  const server = await FakeApiServer.start();
  t.after(() => server.close());
  return server;
}

test("kube client: endpoint templates replace namespace and object names, drop the query", () => {
  const cases: [string, string][] = [
    ["/api/v1/pods?limit=500", "/api/v1/pods"],
    ["/api/v1/namespaces/kube-system/endpoints?watch=true", "/api/v1/namespaces/{namespace}/endpoints"],
    ["/apis/discovery.k8s.io/v1/namespaces/default/endpointslices", "/apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices"],
    ["/api/v1/namespaces/default/pods/web-1", "/api/v1/namespaces/{namespace}/pods/{name}"],
    ["/api/v1/nodes/node-1", "/api/v1/nodes/{name}"],
    ["/api/v1/namespaces/default", "/api/v1/namespaces/{name}"],
    ["/version", "/version"],
  ];
  for (const [path, want] of cases) assert.equal(endpointTemplate(path), want, path);
});

test("kube types: tolerant metadata decoding, keys and collection paths", () => {
  assert.deepEqual(decodeObjectMeta(undefined), { name: "", namespace: "", uid: "", resourceVersion: "", labels: {}, annotations: {}, ownerReferences: [] });
  const meta = decodeObjectMeta({ name: "p", namespace: "ns", uid: "u", resourceVersion: "7", labels: { a: "1", bad: 2 }, ownerReferences: [{ kind: "ReplicaSet", name: "rs", controller: true }, { kind: "X" }], managedFields: [{}] });
  assert.deepEqual(meta, { name: "p", namespace: "ns", uid: "u", resourceVersion: "7", labels: { a: "1" }, annotations: {}, ownerReferences: [{ kind: "ReplicaSet", name: "rs", controller: true }, { kind: "X", name: "", controller: false }] });
  assert.equal(objectKey(meta), "ns/p");
  assert.equal(objectKey({ name: "node-1", namespace: "" }), "node-1");
  assert.equal(collectionPath({ group: "", version: "v1", plural: "nodes" }), "/api/v1/nodes");
  assert.equal(collectionPath({ group: "networking.k8s.io", version: "v1", plural: "ingresses", namespace: "a b" }), "/apis/networking.k8s.io/v1/namespaces/a%20b/ingresses");
});

test("kube client: api_server mode uses the HTTP client block, asks for JSON and counts requests by status and endpoint", async (t) => {
  const server = await fake(t);
  const registry = new Registry();
  const client = await createKubeClient({
    apiServer: `${server.url}/`,
    kubeconfigFile: undefined,
    httpClientConfig: plainHttpClientConfig({ authorization: { type: "Bearer", credentials: new Secret("s3cret"), credentialsFile: "" } }),
  }, { logger: silentLogger, registry });
  t.after(() => client.close());
  assert.equal(client.baseUrl, server.url);
  assert.deepEqual(await serverVersion(client, AbortSignal.timeout(5000)), { major: 1, minor: 28 });
  const missing = await client.get("/api/v1/namespaces/x/pods/y", { signal: AbortSignal.timeout(5000), maxBodyBytes: 1 << 20 });
  assert.equal(missing.status, 404);
  const request = server.requestsTo("/version")[0]!;
  assert.equal(request.headers.authorization, "Bearer s3cret");
  assert.equal(request.headers.accept, "application/json");
  const totals = (await registry.getSingleMetric("prometheus_sd_kubernetes_http_request_total")?.get())?.values.map((v) => `${v.labels["status_code"]}=${v.value}`).sort();
  assert.deepEqual(totals, ["200=1", "404=1"]);
  const durations = (await registry.getSingleMetric("prometheus_sd_kubernetes_http_request_duration_seconds")?.get())?.values
    .filter((v) => (v as { metricName?: string }).metricName?.endsWith("_count")).map((v) => `${v.labels["endpoint"]}=${v.value}`).sort();
  assert.deepEqual(durations, ["/api/v1/namespaces/{namespace}/pods/{name}=1", "/version=1"]);
});

test("kube client: in-cluster mode needs the service env, re-reads a rotated token, tolerates a missing CA", async (t) => {
  const dir = tempDir(t);
  await assert.rejects(
    createKubeClient({ apiServer: undefined, kubeconfigFile: undefined, httpClientConfig: plainHttpClientConfig() }, { logger: silentLogger, registry: new Registry(), env: {} }),
    (error: unknown) => error instanceof SourceError && error.message === "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined",
  );
  writeFileSync(join(dir, "token"), "token-1\n");
  const client = await createKubeClient(
    { apiServer: undefined, kubeconfigFile: undefined, httpClientConfig: plainHttpClientConfig() },
    { logger: silentLogger, registry: new Registry(), env: { KUBERNETES_SERVICE_HOST: "::1", KUBERNETES_SERVICE_PORT: "6443" }, serviceAccountDir: dir },
  );
  t.after(() => client.close());
  assert.equal(client.baseUrl, "https://[::1]:6443");
});

test("kube client: in-cluster token file is read on every request (rotation)", async (t) => {
  // Exercised through the api_server path with the same authorization shape in-cluster mode builds.
  const server = await fake(t);
  const dir = tempDir(t);
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, "token-1\n");
  const client = await createKubeClient({
    apiServer: server.url,
    kubeconfigFile: undefined,
    httpClientConfig: plainHttpClientConfig({ authorization: { type: "Bearer", credentials: new Secret(""), credentialsFile: tokenFile } }),
  }, { logger: silentLogger, registry: new Registry() });
  t.after(() => client.close());
  await serverVersion(client, AbortSignal.timeout(5000));
  writeFileSync(tokenFile, "token-2\n");
  await serverVersion(client, AbortSignal.timeout(5000));
  assert.deepEqual(server.requestsTo("/version").map((r) => r.headers.authorization), ["Bearer token-1", "Bearer token-2"]);
});

test("kube client: kubeconfig mode takes server and credentials from the file; a broken file fails creation", async (t) => {
  const server = await fake(t);
  const dir = tempDir(t);
  const file = join(dir, "kubeconfig");
  writeFileSync(file, [
    "apiVersion: v1", "kind: Config",
    `clusters: [{name: c, cluster: {server: "${server.url}"}}]`,
    "users: [{name: u, user: {token: from-kubeconfig}}]",
    "contexts: [{name: x, context: {cluster: c, user: u}}]",
    "current-context: x", "",
  ].join("\n"));
  const client = await createKubeClient({ apiServer: undefined, kubeconfigFile: file, httpClientConfig: plainHttpClientConfig() }, { logger: silentLogger, registry: new Registry() });
  t.after(() => client.close());
  await serverVersion(client, AbortSignal.timeout(5000));
  assert.equal(server.requestsTo("/version")[0]!.headers.authorization, "Bearer from-kubeconfig");
  writeFileSync(join(dir, "broken"), "clusters: [");
  await assert.rejects(
    createKubeClient({ apiServer: undefined, kubeconfigFile: join(dir, "broken"), httpClientConfig: plainHttpClientConfig() }, { logger: silentLogger, registry: new Registry() }),
    (error: unknown) => error instanceof SourceError && error.code === "PROMSD_SOURCE_KUBERNETES_CONFIG",
  );
});
