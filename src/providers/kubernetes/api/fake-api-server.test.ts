/**
 * The fake API server, proven with clients written elsewhere: @kubernetes/client-node's informer
 * (list, watch, 410 recovery) and kubectl (`get -o json`, `get --watch -o json`), plus the protocol details
 * promsd relies on (pagination, selectors, expired versions).
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { promisify } from "node:util";
import { CoreV1Api, KubeConfig, makeInformer, type V1Pod } from "@kubernetes/client-node";
import { waitFor } from "../../../testing/wait-for.js";
import { FakeApiServer } from "./fake-api-server.js";
import { compileSelector } from "./selectors.js";

const run = promisify(execFile);
const KUBECTL = "/usr/bin/kubectl";
const deadline = { timeoutMs: 15_000 };

function pod(name: string, labels: Record<string, string> = {}, phase = "Running", namespace = "default"): Record<string, unknown> {
  return { metadata: { name, namespace, labels }, spec: { nodeName: "node-1", containers: [{ name: "c", image: "busybox" }] }, status: { phase, podIP: "10.0.0.1" } };
}

async function start(t: TestContext): Promise<FakeApiServer> {
  const server = await FakeApiServer.start();
  t.after(() => server.close());
  return server;
}

async function getJson(server: FakeApiServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(server.url + path);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }; // test-only
}

function kubeconfigText(server: FakeApiServer): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    // client-node refuses plain http unless TLS verification is off (there is no TLS to verify).
    `clusters: [{name: fake, cluster: {server: "${server.url}", insecure-skip-tls-verify: true}}]`,
    "users: [{name: tester, user: {token: test-token}}]",
    "contexts: [{name: fake, context: {cluster: fake, user: tester, namespace: default}}]",
    "current-context: fake",
    "",
  ].join("\n");
}

test("selectors: label and field requirements as the API server reads them", () => {
  const labels = { app: "web", tier: "front" };
  const cases: [string, boolean][] = [
    ["", true], ["app=web", true], ["app==web", true], ["app!=web", false], ["app=db", false],
    ["app in (db, web)", true], ["app notin (db,web)", false], ["tier", true], ["!tier", false], ["missing", false],
    ["!missing", true], ["app=web,tier=back", false], ["app in (web),tier notin (back)", true], ["missing!=x", true],
  ];
  for (const [selector, want] of cases) {
    assert.equal(compileSelector(selector, "label")((k) => labels[k as keyof typeof labels]), want, selector);
  }
  assert.throws(() => compileSelector("app in (x)", "field"));
});

test("fake API server: pages with continue tokens, filters by selectors, answers 410 for expired versions", async (t) => {
  const server = await start(t);
  for (let i = 0; i < 7; i++) server.apply("pods", pod(`p${i}`, { app: i % 2 === 0 ? "even" : "odd" }, i < 3 ? "Running" : "Pending"));
  server.apply("pods", pod("elsewhere", { app: "even" }, "Running", "other"));
  const first = await getJson(server, "/api/v1/pods?limit=3");
  const items = (first.body["items"] as { metadata: { name: string } }[]).map((i) => i.metadata.name);
  assert.deepEqual(items, ["p0", "p1", "p2"]);
  const meta = first.body["metadata"] as { continue: string; resourceVersion: string };
  const second = await getJson(server, `/api/v1/pods?limit=3&continue=${meta.continue}`);
  assert.deepEqual((second.body["items"] as { metadata: { name: string } }[]).map((i) => i.metadata.name), ["p3", "p4", "p5"]);
  const filtered = await getJson(server, "/api/v1/namespaces/default/pods?labelSelector=app%3Deven&fieldSelector=status.phase%3DRunning");
  assert.deepEqual((filtered.body["items"] as { metadata: { name: string } }[]).map((i) => i.metadata.name), ["p0", "p2"]);
  assert.equal((await getJson(server, "/api/v1/pods?fieldSelector=spec.unknown%3Dx")).status, 400);
  assert.equal((await getJson(server, "/api/v1/namespaces/default/pods/p1")).body["kind"], "Pod");
  assert.equal((await getJson(server, "/api/v1/namespaces/default/pods/nope")).status, 404);
  assert.equal((await getJson(server, "/version")).body["minor"], "28");
  server.apply("pods", pod("later"));
  server.compact();
  assert.equal((await getJson(server, `/api/v1/pods?limit=3&continue=${meta.continue}`)).status, 410);
  assert.equal((await getJson(server, `/api/v1/pods?limit=3&resourceVersion=${Number(meta.resourceVersion) - 1}`)).status, 410);
  assert.equal((await getJson(server, `/api/v1/pods?resourceVersion=${Number(meta.resourceVersion) - 1}`)).status, 200);
  const watch = await fetch(`${server.url}/api/v1/pods?watch=true&resourceVersion=${Number(meta.resourceVersion) - 1}`);
  const line = JSON.parse((await watch.text()).trim()) as { type: string; object: { code: number } };
  assert.deepEqual([line.type, line.object.code], ["ERROR", 410]);
});

test("fidelity: @kubernetes/client-node's informer lists, watches create/update/delete and recovers from 410", async (t) => {
  const server = await start(t);
  server.apply("pods", pod("a"));
  server.apply("pods", pod("b"));
  const config = new KubeConfig();
  config.loadFromString(kubeconfigText(server));
  const api = config.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1Pod>(config, "/api/v1/namespaces/default/pods", () => api.listNamespacedPod({ namespace: "default" }));
  const seen: string[] = [];
  informer.on("add", (p) => seen.push(`add ${p.metadata?.name}`));
  informer.on("update", (p) => seen.push(`update ${p.metadata?.name} ${p.status?.phase}`));
  informer.on("delete", (p) => seen.push(`delete ${p.metadata?.name}`));
  informer.on("error", () => seen.push("error"));
  await informer.start();
  t.after(() => informer.stop());
  await waitFor(() => seen.length === 2 && server.openWatches === 1, deadline);
  server.apply("pods", pod("c"));
  server.apply("pods", pod("a", {}, "Succeeded"));
  server.delete("pods", "default", "b");
  await waitFor(() => seen.length === 5, deadline);
  assert.deepEqual(seen, ["add a", "add b", "add c", "update a Succeeded", "delete b"]);
  // 410: the informer drops its version on the ERROR event and relists when the stream ends.
  server.compact();
  server.expireWatches();
  server.apply("pods", pod("d"));
  await waitFor(() => informer.list().some((p) => p.metadata?.name === "d") && server.openWatches === 1, deadline);
  const lists = server.requestsTo("/api/v1/namespaces/default/pods").filter((r) => r.query.get("watch") !== "true");
  assert.equal(lists.length, 2);
  assert.deepEqual(informer.list().map((p) => p.metadata?.name).sort(), ["a", "c", "d"]);
  const watches = server.requestsTo("/api/v1/namespaces/default/pods").filter((r) => r.query.get("watch") === "true");
  assert.equal(watches[0]!.headers.authorization, "Bearer test-token");
});

const hasKubectl = existsSync(KUBECTL);

test("fidelity: kubectl get -o json and get --watch -o json against the fake", async (t) => {
  // A missing kubectl fails loudly: scripts/ensure-system-packages.sh installs it before `npm test`.
  assert.ok(hasKubectl, `${KUBECTL} is missing: install Debian's kubernetes-client package (npm test does it via scripts/ensure-system-packages.sh)`);
  const server = await start(t);
  server.apply("pods", pod("web-1", { app: "web" }));
  server.apply("pods", pod("db-1", { app: "db" }));
  const dir = mkdtempSync(join(tmpdir(), "promsd-kubectl-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = join(dir, "kubeconfig");
  writeFileSync(kubeconfig, kubeconfigText(server));
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir };
  const listed = await run(KUBECTL, ["get", "pods", "-o", "json"], { env });
  const list = JSON.parse(listed.stdout) as { items: { metadata: { name: string } }[] };
  assert.deepEqual(list.items.map((i) => i.metadata.name), ["db-1", "web-1"]);
  const selected = await run(KUBECTL, ["get", "pods", "-l", "app=web", "-o", "name"], { env });
  assert.equal(selected.stdout.trim(), "pod/web-1");
  assert.equal(server.requestsTo("/api/v1/namespaces/default/pods").at(-1)?.query.get("labelSelector"), "app=web");

  const child = spawn(KUBECTL, ["get", "pods", "--watch", "-o", "json"], { env, stdio: ["ignore", "pipe", "pipe"] });
  t.after(() => {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid);
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  await waitFor(() => server.openWatches === 1, deadline);
  server.apply("pods", pod("web-2", { app: "web" }));
  server.apply("pods", pod("web-1", { app: "web" }, "Failed"));
  await waitFor(() => output.includes('"web-2"') && output.includes('"Failed"'), deadline);
  assert.ok(output.includes('"db-1"'));
});
