import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { silentLogger } from "../logging.js";
import { activeTarget, FakeTargetsView } from "./fake-targets-view.js";
import { HttpServer } from "./http/server.js";
import { createDaemonMetrics } from "./metrics/daemon-metrics.js";
import { createWebRouter, type WebOptions } from "./web.js";

function setup(overrides: Partial<WebOptions> = {}) {
  const view = new FakeTargetsView(["node", "<script>alert(1)</script>"]);
  view.setJob("node", { active: [activeTarget({ __address__: "a:1", instance: "a:1", job: "node" })] });
  const registry = new Registry();
  const metrics = createDaemonMetrics(registry);
  const calls = { reload: 0, quit: 0 };
  let ready = false;
  const router = createWebRouter({
    targets: view,
    profile: "v3",
    discoveredGroups: () => undefined,
    relabelRules: () => undefined,
    renderConfig: () => "global:\n  scrape_interval: 1m\nx: <secret>\n",
    isReady: () => ready,
    globalUrl: () => ({ externalUrl: new URL("http://h:9800/"), listenPort: 9800 }),
    registry,
    metrics,
    lifecycle: {
      isEnabled: true,
      reload: async () => {
        calls.reload++;
        if (calls.reload > 1) throw new Error("prometheus.yml:3: scrape_configs[0]: bad");
      },
      quit: () => void calls.quit++,
    },
    logger: silentLogger,
    ...overrides,
  });
  return { router, calls, setReady: () => (ready = true), metrics };
}

test("web: /-/healthy is 200 and /-/ready turns 200 once discovery is ready", async () => {
  const { router, setReady } = setup();
  assert.equal((await router.inject({ path: "/-/healthy" })).status, 200);
  assert.equal((await router.inject({ path: "/-/ready" })).status, 503);
  setReady();
  assert.equal((await router.inject({ path: "/-/ready" })).status, 200);
});

test("web: status/config wraps the rendered YAML in the API envelope", async () => {
  const res = await setup().router.inject({ path: "/api/v1/status/config" });
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.body), { status: "success", data: { yaml: "global:\n  scrape_interval: 1m\nx: <secret>\n" } });
  assert.ok(res.body.includes("\\u003csecret\\u003e"), "Go escapes < and > in the YAML string");
});

test("web: /metrics serves the registry in Prometheus text format, with http_sd request counts", async () => {
  const { router } = setup();
  await router.inject({ path: "/api/v1/sd/node" });
  await router.inject({ path: "/api/v1/sd/nope" });
  const res = await router.inject({ path: "/metrics" });
  assert.equal(res.status, 200);
  assert.match(res.headers["content-type"] ?? "", /^text\/plain; version=0\.0\.4/);
  assert.match(res.body, /promsd_http_sd_requests_total\{job="node",view="final",code="200"\} 1/);
  assert.match(res.body, /promsd_http_sd_requests_total\{job="",view="final",code="404"\} 1/);
});

test("web: the home page lists jobs with links, every value HTML-escaped", async () => {
  const res = await setup().router.inject({ path: "/" });
  assert.equal(res.status, 200);
  assert.match(res.headers["content-type"] ?? "", /^text\/html/);
  assert.ok(!res.body.includes("<script>"));
  assert.ok(res.body.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(res.body.includes('href="/api/v1/sd/node"'));
  assert.ok(res.body.includes('href="/api/v1/sd/%3Cscript%3Ealert(1)%3C%2Fscript%3E"'));
});

test("web: POST /-/reload answers 200, then 500 with the error when the config is broken", async () => {
  const { router, calls } = setup();
  assert.equal((await router.inject({ method: "POST", path: "/-/reload" })).status, 200);
  const failed = await router.inject({ method: "POST", path: "/-/reload" });
  assert.equal(failed.status, 500);
  assert.match(failed.body, /failed to reload config: prometheus.yml:3/);
  assert.equal(calls.reload, 2);
  assert.equal((await router.inject({ method: "GET", path: "/-/reload" })).status, 405);
});

test("web: lifecycle endpoints answer 403 without --web.enable-lifecycle", async () => {
  let reloads = 0;
  const { router } = setup({ lifecycle: { isEnabled: false, reload: async () => void reloads++, quit: () => {} } });
  for (const path of ["/-/reload", "/-/quit"]) {
    const res = await router.inject({ method: "POST", path });
    assert.equal(res.status, 403, path);
  }
  assert.equal(reloads, 0);
});

test("web: unknown paths are 404 and wrong methods 405, both with the JSON error envelope", async () => {
  const { router } = setup();
  const missing = await router.inject({ path: "/api/v1/nope" });
  assert.equal(missing.status, 404);
  assert.equal((JSON.parse(missing.body) as { errorType: string }).errorType, "not_found");
  const wrong = await router.inject({ method: "DELETE", path: "/api/v1/targets" });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers["allow"], "GET");
});

test("web: every endpoint answers the same through a real socket", async (t) => {
  const { router, setReady } = setup();
  setReady();
  const server = await HttpServer.listen(router, { host: "127.0.0.1", port: 0 });
  t.after(() => server.close());
  const cases: { method?: string; path: string; status: number; type: RegExp }[] = [
    { path: "/", status: 200, type: /^text\/html/ },
    { path: "/api/v1/sd/node", status: 200, type: /^application\/json$/ },
    { path: "/api/v1/sd/node?view=discovered", status: 200, type: /^application\/json$/ },
    { path: "/api/v1/sd/nope", status: 404, type: /^application\/json$/ },
    { path: "/api/v1/sd/node?shard=3&shards=2", status: 400, type: /^application\/json$/ },
    { path: "/api/v1/targets", status: 200, type: /^application\/json$/ },
    { path: "/api/v1/targets/failed", status: 200, type: /^application\/json$/ },
    { path: "/api/v1/targets/relabel_steps?scrapePool=x&labels={}", status: 400, type: /^application\/json$/ },
    { path: "/api/v1/scrape_pools", status: 200, type: /^application\/json$/ },
    { path: "/api/v1/status/config", status: 200, type: /^application\/json$/ },
    { path: "/-/healthy", status: 200, type: /^text\/plain/ },
    { path: "/-/ready", status: 200, type: /^text\/plain/ },
    { path: "/metrics", status: 200, type: /^text\/plain/ },
    { method: "POST", path: "/-/reload", status: 200, type: /^text\/plain/ },
    { method: "HEAD", path: "/api/v1/sd/node", status: 200, type: /^application\/json$/ },
  ];
  for (const c of cases) {
    const res = await fetch(`${server.url}${c.path}`, { method: c.method ?? "GET" });
    const body = await res.text();
    assert.equal(res.status, c.status, c.path);
    assert.match(res.headers.get("content-type") ?? "", c.type, c.path);
    if (c.method !== "HEAD" && c.path !== "/metrics" && c.method !== "POST") {
      const inProcess = await router.inject({ path: c.path });
      assert.equal(body, inProcess.body, c.path);
    }
  }
  const first = await fetch(`${server.url}/api/v1/sd/node`);
  await first.text();
  const cached = await fetch(`${server.url}/api/v1/sd/node`, { headers: { "if-none-match": first.headers.get("etag") ?? "" } });
  assert.equal(cached.status, 304);
});

test("web: server close is idempotent and ends keep-alive connections", async () => {
  const { router } = setup();
  const server = await HttpServer.listen(router, { host: "127.0.0.1", port: 0 });
  const res = await fetch(`${server.url}/-/healthy`);
  await res.text();
  await Promise.all([server.close(), server.close()]);
  await assert.rejects(fetch(`${server.url}/-/healthy`));
});
