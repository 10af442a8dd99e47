import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { ProviderStatus } from "../../manager/manager.js";
import { compileRelabelConfig } from "../../relabel/index.js";
import type { CompiledRule } from "../../relabel/types.js";
import { Secret } from "../../config/secret.js";
import { tempDir } from "../../testing/index.js";
import { activeTarget, droppedTarget, FakeTargetsView } from "../fake-targets-view.js";
import { HttpServer } from "../http/server.js";
import { Router, textResponse } from "../http/router.js";
import { addUiRoutes } from "./ui-routes.js";

const DROP_RULE: CompiledRule = compileRelabelConfig(
  { sourceLabels: ["__address__"], separator: ";", regex: "b:.*", modulus: 0n, targetLabel: "", replacement: "$1", action: "drop" },
  { profile: "v3", scheme: "utf8" },
);

const PROVIDER: ProviderStatus = {
  name: "http/0",
  mechanism: "http",
  jobs: ["node", "web"],
  config: { url: "http://sd.example/", password: new Secret("hunter2"), limit: 10n },
  state: "running",
  hasInitialSet: true,
  isWaiting: false,
  lastUpdateMs: 1_700_000_000_000,
  updatesReceived: 3,
  groupCount: 2,
  targetCount: 5,
  errorCount: 2,
  lastError: { message: "Error refreshing targets: connection refused", atMs: 1_700_000_001_000 },
};

async function setup(t: { after(fn: () => unknown): void }) {
  const dir = await tempDir(t);
  await mkdir(join(dir, "assets"));
  await writeFile(join(dir, "index.html"), "<!doctype html><title>promsd</title>");
  await writeFile(join(dir, "assets", "app-1234.js"), "console.log(1)");
  const view = new FakeTargetsView(["node", "empty"]);
  view.setJob("node", {
    active: [activeTarget({ __address__: "a:1", job: "node", note: "<img src=x onerror=alert(1)>" })],
    dropped: [droppedTarget({ __address__: "b:1" })],
  });
  const router = addUiRoutes(new Router(), {
    targets: view,
    relabelRules: (job) => (job === "node" ? [DROP_RULE] : job === "empty" ? [] : undefined),
    providerStatuses: () => [PROVIDER],
    uiDir: dir,
    fallbackPage: () => textResponse("placeholder", 200, "text/html"),
  });
  return { router, view, dir };
}

test("ui: serves index.html at / and hashed assets under /assets/, with a strict CSP", async (t) => {
  const { router } = await setup(t);
  const cases = [
    { path: "/", status: 200, type: /^text\/html/, body: /<title>promsd/ },
    { path: "/assets/app-1234.js", status: 200, type: /^text\/javascript/, body: /console\.log/ },
    { path: "/assets/missing.js", status: 404, type: /^text\/plain/, body: /not found/ },
    // URL parsing already resolves the dots; the request reaches no route.
    { path: "/assets/../../etc/passwd", status: 404, type: /^application\/json/, body: /no handler/ },
    { path: "/assets/..%2F..%2Fpackage.json", status: 404, type: /^text\/plain/, body: /not found/ },
  ];
  for (const c of cases) {
    const res = await router.inject({ path: c.path });
    assert.equal(res.status, c.status, c.path);
    assert.match(res.headers["content-type"] ?? "", c.type, c.path);
    assert.match(res.bytes?.toString() ?? res.body, c.body, c.path);
    if (c.status === 200) assert.match(res.headers["content-security-policy"] ?? "", /default-src 'self'/, c.path);
  }
});

test("ui: / falls back to the placeholder page when the UI was not built", async (t) => {
  const dir = await tempDir(t);
  const router = addUiRoutes(new Router(), {
    targets: new FakeTargetsView(),
    relabelRules: () => undefined,
    providerStatuses: () => [],
    uiDir: join(dir, "not-built"),
    fallbackPage: () => textResponse("placeholder", 200, "text/html"),
  });
  const res = await router.inject({ path: "/" });
  assert.equal(res.status, 200);
  assert.equal(res.body, "placeholder");
});

test("ui: Prometheus's /targets and /service-discovery redirect to the UI's pages", async (t) => {
  const { router } = await setup(t);
  for (const [path, location] of [["/targets", "/#/targets"], ["/service-discovery", "/#/sd"]] as const) {
    const res = await router.inject({ path });
    assert.equal(res.status, 302, path);
    assert.equal(res.headers["location"], location, path);
  }
});

test("ui: /api/v1/promsd/targets gives a job's targets with the rule that dropped each", async (t) => {
  const { router } = await setup(t);
  const res = await router.inject({ path: "/api/v1/promsd/targets?job=node" });
  assert.equal(res.status, 200);
  const data = (JSON.parse(res.body) as { data: { active: { labels: Record<string, string> }[]; dropped: unknown[]; droppedCount: number } }).data;
  assert.equal(data.active[0]?.labels["note"], "<img src=x onerror=alert(1)>");
  assert.deepEqual(data.dropped, [
    { discoveredLabels: { __address__: "b:1" }, source: "fake:0", index: 0, droppedByRule: 0, rule: { source_labels: ["__address__"], separator: ";", regex: "b:.*", replacement: "$1", action: "drop" } },
  ]);
  assert.equal(data.droppedCount, 1);
  const cases = [
    { path: "/api/v1/promsd/targets", status: 400 },
    { path: "/api/v1/promsd/targets?job=nope", status: 404 },
    { path: "/api/v1/promsd/targets?job=empty", status: 200 },
  ];
  for (const c of cases) assert.equal((await router.inject({ path: c.path })).status, c.status, c.path);
});

test("ui: /api/v1/promsd/providers shows state and config with secrets masked", async (t) => {
  const { router } = await setup(t);
  const res = await router.inject({ path: "/api/v1/promsd/providers" });
  assert.equal(res.status, 200);
  assert.ok(!res.body.includes("hunter2"));
  const [provider] = (JSON.parse(res.body) as { data: { providers: Record<string, unknown>[] } }).data.providers;
  assert.deepEqual(provider, {
    name: "http/0",
    mechanism: "http",
    jobs: ["node", "web"],
    config: { url: "http://sd.example/", password: "<secret>", limit: "10" },
    configYaml: null,
    state: "running",
    hasInitialSet: true,
    isWaiting: false,
    lastUpdateMs: 1_700_000_000_000,
    updatesReceived: 3,
    groupCount: 2,
    targetCount: 5,
    errorCount: 2,
    lastError: { message: "Error refreshing targets: connection refused", atMs: 1_700_000_001_000 },
  });
});

interface SseEvent {
  readonly event: string;
  readonly data: { changed: string[]; jobs: { name: string; active: number; dropped: number; failed: number }[] };
}

function parseEvents(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const frame of text.split("\n\n")) {
    const event = /^event: (.*)$/m.exec(frame)?.[1];
    const data = /^data: (.*)$/m.exec(frame)?.[1];
    if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) as SseEvent["data"] });
  }
  return events;
}

test("ui: the targets stream sends every job's counts on connect, then the changed jobs, until aborted", async (t) => {
  const { router, view } = await setup(t);
  const res = await router.inject({ path: "/api/v1/targets/stream" });
  assert.equal(res.status, 200);
  assert.match(res.headers["content-type"] ?? "", /^text\/event-stream/);
  assert.ok(res.stream);
  let text = "";
  const closed = new AbortController();
  t.after(() => closed.abort());
  res.stream.start((chunk) => void (text += chunk), closed.signal);
  assert.match(text, /^retry: \d+\n\n/);
  const empty = view.setJob("empty", { active: [activeTarget({ __address__: "c:1" })] });
  closed.abort();
  view.setJob("empty", {});
  assert.deepEqual(parseEvents(text), [
    { event: "targets", data: { changed: ["node", "empty"], jobs: [
      { name: "node", active: 1, dropped: 1, failed: 0, updatedAtMs: view.job("node")?.updatedAtMs, isComplete: true, waitingFor: [] },
      { name: "empty", active: 0, dropped: 0, failed: 0, isComplete: false, waitingFor: [] },
    ] } },
    { event: "targets", data: { changed: ["empty"], jobs: [
      { name: "node", active: 1, dropped: 1, failed: 0, updatedAtMs: view.job("node")?.updatedAtMs, isComplete: true, waitingFor: [] },
      { name: "empty", active: 1, dropped: 0, failed: 0, updatedAtMs: empty.updatedAtMs, isComplete: true, waitingFor: [] },
    ] } },
  ]);
});

test("ui: the targets stream works through a real socket and ends when the server closes", async (t) => {
  const { router, view } = await setup(t);
  const server = await HttpServer.listen(router, { host: "127.0.0.1", port: 0 });
  t.after(() => server.close());
  const res = await fetch(`${server.url}/api/v1/targets/stream`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.ok(res.body);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const readUntil = async (predicate: () => boolean): Promise<void> => {
    while (!predicate()) {
      const { value, done } = await reader.read();
      if (done) return;
      text += value;
    }
  };
  await readUntil(() => parseEvents(text).length >= 1);
  view.setJob("node", {});
  await readUntil(() => parseEvents(text).length >= 2);
  assert.deepEqual(parseEvents(text)[1]?.data.changed, ["node"]);
  assert.equal(parseEvents(text)[1]?.data.jobs[0]?.active, 0);
  // Closing the server ends the stream (a keep-alive SSE connection must not hold the daemon open).
  await server.close();
  await assert.rejects(readUntil(() => false), /terminated/);
});
