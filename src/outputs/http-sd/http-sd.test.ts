import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import type { TargetGroup } from "../../model/target-group.js";
import { activeTarget, FakeTargetsView } from "../fake-targets-view.js";
import { Router } from "../http/router.js";
import { HttpServer } from "../http/server.js";
import { HTTP_SD_PATH_PREFIX, HttpSdOutput } from "./http-sd.js";

function node(address: string, extra: Record<string, string> = {}) {
  return activeTarget({
    __address__: address, __metrics_path__: "/metrics", __scheme__: "http", __scrape_interval__: "15s",
    __scrape_timeout__: "10s", __tmp_x: "hidden", instance: address, job: "node", ...extra,
  });
}

function setup(discovered: Record<string, readonly TargetGroup[]> = {}) {
  const view = new FakeTargetsView(["node", "empty", "a/b"]);
  view.setJob("node", { active: [node("10.0.0.3:9100"), node("10.0.0.1:9100", { __param_module: "m", env: "prod" }), node("10.0.0.2:9100")] });
  view.setJob("empty", {});
  view.setJob("a/b", {});
  const output = new HttpSdOutput({ targets: view, discoveredGroups: (job) => discovered[job] });
  const router = new Router().get(HTTP_SD_PATH_PREFIX, (r) => output.handle(r), { isPrefix: true });
  return { view, router };
}

test("http-sd: final view serves one group per target with job, instance, scheme, path and params", async () => {
  const { router } = setup();
  const res = await router.inject({ path: "/api/v1/sd/node" });
  assert.equal(res.status, 200);
  assert.equal(res.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(res.body), [
    { targets: ["10.0.0.1:9100"], labels: { __metrics_path__: "/metrics", __param_module: "m", __scheme__: "http", env: "prod", instance: "10.0.0.1:9100", job: "node" } },
    { targets: ["10.0.0.2:9100"], labels: { __metrics_path__: "/metrics", __scheme__: "http", instance: "10.0.0.2:9100", job: "node" } },
    { targets: ["10.0.0.3:9100"], labels: { __metrics_path__: "/metrics", __scheme__: "http", instance: "10.0.0.3:9100", job: "node" } },
  ]);
});

test("http-sd: answers [] for a configured job without targets", async () => {
  const { router } = setup();
  for (const path of ["/api/v1/sd/empty", "/api/v1/sd/empty?view=discovered", "/api/v1/sd/a%2Fb"]) {
    const res = await router.inject({ path });
    assert.equal(res.status, 200, path);
    assert.equal(res.body, "[]", path);
  }
});

test("http-sd: discovered view keeps meta labels and splits targets with labels of their own", async () => {
  const groups: TargetGroup[] = [
    { source: "f:0", labels: { __meta_filepath: "t.json", env: "a" }, targets: [{ __address__: "x:1" }, { __address__: "x:2" }, { __address__: "x:3", env: "b" }] },
    { source: "f:1", labels: {}, targets: [{ __address__: "y:1", __meta_k: "" }, { other: "no address" }] },
  ];
  const { router } = setup({ node: groups });
  const res = await router.inject({ path: "/api/v1/sd/node?view=discovered" });
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(res.body), [
    { targets: ["x:1", "x:2"], labels: { __meta_filepath: "t.json", env: "a" } },
    { targets: ["x:3"], labels: { __meta_filepath: "t.json", env: "b" } },
    { targets: ["y:1"], labels: {} },
  ]);
});

test("http-sd: shards partition the targets by hashmod of the address", async () => {
  const { router } = setup();
  const seen: string[][] = [];
  for (let shard = 0; shard < 3; shard++) {
    const res = await router.inject({ path: `/api/v1/sd/node?shard=${shard}&shards=3` });
    assert.equal(res.status, 200);
    seen.push((JSON.parse(res.body) as { targets: string[] }[]).flatMap((g) => g.targets));
  }
  // core.md 3.6: 10.0.0.1:9100 and 10.0.0.3:9100 hash to 2 mod 3, 10.0.0.2:9100 to 0.
  assert.deepEqual(seen, [["10.0.0.2:9100"], [], ["10.0.0.1:9100", "10.0.0.3:9100"]]);
});

test("http-sd: rejects bad requests with Prometheus's error envelope", async () => {
  const { router } = setup();
  const cases: { path: string; status: number; errorType: string }[] = [
    { path: "/api/v1/sd/nope", status: 404, errorType: "not_found" },
    { path: "/api/v1/sd/", status: 404, errorType: "not_found" },
    { path: "/api/v1/sd/%E0%A4%A", status: 404, errorType: "not_found" },
    { path: "/api/v1/sd/node?view=raw", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shard=0", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shards=2", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shard=2&shards=2", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shard=0&shards=0", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shard=-1&shards=2", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shard=a&shards=2", status: 400, errorType: "bad_data" },
    { path: "/api/v1/sd/node?shard=01&shards=2", status: 400, errorType: "bad_data" },
  ];
  for (const c of cases) {
    const res = await router.inject({ path: c.path });
    assert.equal(res.status, c.status, c.path);
    const body = JSON.parse(res.body) as { status: string; errorType: string; error: string };
    assert.equal(body.status, "error", c.path);
    assert.equal(body.errorType, c.errorType, c.path);
    assert.ok(body.error.length > 0, c.path);
  }
});

test("http-sd: ETag answers 304 until the targets change", async () => {
  const { router, view } = setup();
  const first = await router.inject({ path: "/api/v1/sd/node" });
  const etag = first.headers["etag"];
  assert.ok(etag);
  const again = await router.inject({ path: "/api/v1/sd/node", headers: { "If-None-Match": `"other", W/${etag}` } });
  assert.equal(again.status, 304);
  assert.equal(again.body, "");
  view.setJob("node", { active: [node("10.0.0.9:9100")] });
  const changed = await router.inject({ path: "/api/v1/sd/node", headers: { "If-None-Match": etag } });
  assert.equal(changed.status, 200);
  assert.notEqual(changed.headers["etag"], etag);
  assert.deepEqual((JSON.parse(changed.body) as { targets: string[] }[]).map((g) => g.targets), [["10.0.0.9:9100"]]);
});

test("http-sd: shard bodies are cut from the cached full list and cached themselves", async () => {
  const { router } = setup();
  await router.inject({ path: "/api/v1/sd/node" });
  const a = await router.inject({ path: "/api/v1/sd/node?shard=1&shards=2" });
  const b = await router.inject({ path: "/api/v1/sd/node?shard=1&shards=2" });
  assert.equal(a.headers["etag"], b.headers["etag"]);
  // core.md 3.6: 10.0.0.1:9100 mod 2 = 1.
  assert.ok(a.body.includes("10.0.0.1:9100"));
});

test("http-sd: large bodies are gzipped once for clients that accept gzip", async () => {
  const view = new FakeTargetsView(["big"]);
  view.setJob("big", { active: Array.from({ length: 200 }, (_, i) => node(`10.0.${i >> 8}.${i & 255}:9100`)) });
  const output = new HttpSdOutput({ targets: view, discoveredGroups: () => undefined });
  const router = new Router().get(HTTP_SD_PATH_PREFIX, (r) => output.handle(r), { isPrefix: true });
  const cases: { accept?: string; gzip: boolean }[] = [
    { gzip: false },
    { accept: "gzip", gzip: true },
    { accept: "br, GZIP;q=0.5", gzip: true },
    { accept: "gzip;q=0", gzip: false },
    { accept: "identity", gzip: false },
  ];
  for (const c of cases) {
    const res = await router.inject({ path: "/api/v1/sd/big", headers: c.accept ? { "accept-encoding": c.accept } : {} });
    assert.equal(res.headers["content-encoding"], c.gzip ? "gzip" : undefined, c.accept);
    const bytes = Buffer.concat([...(res.chunks?.() ?? [])].map((chunk) => Buffer.from(chunk)));
    assert.equal(res.contentLength, bytes.length, c.accept);
    const wire = c.gzip ? gunzipSync(bytes).toString() : bytes.toString();
    assert.equal(wire, res.body, c.accept);
    assert.equal((JSON.parse(wire) as unknown[]).length, 200);
  }
  const small = await router.inject({ path: "/api/v1/sd/nothing" });
  assert.equal(small.headers["content-encoding"], undefined);
});

test("http-sd: a job answers 503 naming its waiting providers until each delivered, however long it takes", async () => {
  const view = new FakeTargetsView(["late", "consul"]);
  const output = new HttpSdOutput({ targets: view, discoveredGroups: () => undefined });
  const router = new Router().get(HTTP_SD_PATH_PREFIX, (r) => output.handle(r), { isPrefix: true });
  const unbuilt = await router.inject({ path: "/api/v1/sd/late" });
  assert.equal(unbuilt.status, 503, "not built: never []");
  assert.equal((JSON.parse(unbuilt.body) as { errorType: string }).errorType, "unavailable");
  // Built (e.g. after the initial-set timeout) but a provider never delivered: still 503, for both views.
  view.setJob("consul", { active: [] });
  view.setWaiting("consul", ["consul/0", "file/1"]);
  for (const path of ["/api/v1/sd/consul", "/api/v1/sd/consul?view=discovered", "/api/v1/sd/consul?shard=0&shards=2"]) {
    const res = await router.inject({ path });
    assert.equal(res.status, 503, path);
    assert.equal(res.headers["retry-after"], "5");
    const body = JSON.parse(res.body) as { status: string; errorType: string; error: string; waitingFor: string[] };
    assert.deepEqual(body.waitingFor, ["consul/0", "file/1"], path);
    assert.equal(body.status, "error");
    assert.match(body.error, /job "consul" has no targets to serve yet: waiting for the initial targets of consul\/0, file\/1; retry later/);
  }
  view.setWaiting("consul", undefined);
  const delivered = await router.inject({ path: "/api/v1/sd/consul" });
  assert.equal(delivered.status, 200);
  assert.equal(delivered.body, "[]", "delivered and empty: now [] is the truth");
});

test("http-sd: a body of many chunks goes over a socket byte-exact, with its length, plain and gzipped", async (t) => {
  const view = new FakeTargetsView(["big"]);
  view.setJob("big", { active: Array.from({ length: 3000 }, (_, i) => node(`10.1.${i >> 8}.${i & 255}:9100`, { note: `€ü\u{1F600} <${i}>` })) });
  const output = new HttpSdOutput({ targets: view, discoveredGroups: () => undefined });
  const router = new Router().get(HTTP_SD_PATH_PREFIX, (r) => output.handle(r), { isPrefix: true });
  const server = await HttpServer.listen(router, { host: "127.0.0.1", port: 0 });
  t.after(() => server.close());
  const expected = (await router.inject({ path: "/api/v1/sd/big" })).body;
  assert.ok(Buffer.byteLength(expected) > 4 * 64 * 1024, "several chunks");
  for (const encoding of ["identity", "gzip"]) {
    const { bytes, headers } = await new Promise<{ bytes: Buffer; headers: Record<string, unknown> }>((resolve, reject) => {
      request(`${server.url}/api/v1/sd/big`, { agent: false, headers: { "accept-encoding": encoding } }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () => resolve({ bytes: Buffer.concat(parts), headers: res.headers }));
      })
        .on("error", reject)
        .end();
    });
    assert.equal(headers["content-length"], String(bytes.length), encoding);
    assert.equal((encoding === "gzip" ? gunzipSync(bytes) : bytes).toString(), expected, encoding);
  }
  assert.equal((JSON.parse(expected) as unknown[]).length, 3000);
});

test("http-sd: discovered view takes the group's address for targets without one, and an empty one unsets it", async () => {
  const groups: TargetGroup[] = [
    { source: "g:0", labels: { __address__: "grp:1", env: "a", gone: "" }, targets: [{}, { __address__: "" }, { __address__: "own:1", env: "" }, { __address__: "own:2" }] },
  ];
  const { router } = setup({ node: groups });
  const res = await router.inject({ path: "/api/v1/sd/node?view=discovered" });
  assert.deepEqual(JSON.parse(res.body), [
    { targets: ["grp:1"], labels: { env: "a" } },
    { targets: ["own:1"], labels: {} },
    { targets: ["own:2"], labels: { env: "a" } },
  ]);
});
