import assert from "node:assert/strict";
import { test } from "node:test";
import { createMembership } from "../../allocation/membership.js";
import { activeTarget, FakeTargetsView } from "../fake-targets-view.js";
import { Router } from "../http/router.js";
import { HTTP_SD_PATH_PREFIX, HttpSdOutput } from "./http-sd.js";
import { GENERATION_HEADER } from "./allocation.js";

const ADDRESSES = Array.from({ length: 60 }, (_, i) => `10.0.0.${i}:9100`);

function setup(spec: Parameters<typeof createMembership>[0], now?: () => number) {
  const view = new FakeTargetsView(["node"]);
  view.setJob("node", { active: ADDRESSES.map((a) => activeTarget({ __address__: a, instance: a, job: "node" })) });
  const output = new HttpSdOutput({ targets: view, discoveredGroups: () => undefined, allocation: { membership: createMembership(spec, { timeoutMs: 120_000, ...(now ? { now } : {}) }) } });
  return new Router().get(HTTP_SD_PATH_PREFIX, (r) => output.handle(r), { isPrefix: true });
}

function addresses(body: string): string[] {
  return (JSON.parse(body) as { targets: string[] }[]).flatMap((g) => g.targets);
}

test("http-sd ?consumer=: static members together list every target exactly once, with a shared generation and ETag/304", async () => {
  const router = setup({ kind: "static", ids: ["a", "b", "c"] });
  const seen: string[] = [];
  const generations = new Set<string>();
  for (const id of ["a", "b", "c"]) {
    const res = await router.inject({ path: `/api/v1/sd/node?consumer=${id}` });
    assert.equal(res.status, 200);
    generations.add(String(res.headers[GENERATION_HEADER]));
    seen.push(...addresses(res.body));
    const again = await router.inject({ path: `/api/v1/sd/node?consumer=${id}`, headers: { "if-none-match": String(res.headers.etag) } });
    assert.equal(again.status, 304);
  }
  assert.deepEqual(seen.sort(), [...ADDRESSES].sort());
  assert.equal(generations.size, 1);
  // A second output with the same membership answers byte for byte alike (replicas agree).
  const other = await setup({ kind: "static", ids: ["c", "b", "a"] }).inject({ path: "/api/v1/sd/node?consumer=b" });
  const mine = await router.inject({ path: "/api/v1/sd/node?consumer=b" });
  assert.equal(other.body, mine.body);
  assert.equal(other.headers.etag, mine.headers.etag);
});

test("http-sd ?consumer=: unknown id is a 404 JSON error; shard and consumer together are a 400", async () => {
  const router = setup({ kind: "static", ids: ["a"] });
  const res = await router.inject({ path: "/api/v1/sd/node?consumer=zz" });
  assert.equal(res.status, 404);
  assert.deepEqual(JSON.parse(res.body), { status: "error", errorType: "not_found", error: 'unknown consumer "zz"' });
  assert.equal((await router.inject({ path: "/api/v1/sd/node?consumer=a&shard=0&shards=2" })).status, 400);
});

test("http-sd ?consumer= polling: a newcomer gets targets on its first poll; a silent one is dropped after the timeout", async () => {
  let now = 1_000_000;
  const router = setup({ kind: "polling" }, () => now);
  assert.deepEqual(addresses((await router.inject({ path: "/api/v1/sd/node?consumer=p1" })).body).sort(), [...ADDRESSES].sort());
  now += 60_000;
  const p2 = addresses((await router.inject({ path: "/api/v1/sd/node?consumer=p2" })).body);
  assert.ok(p2.length > 0, "newcomer served on its first poll");
  const p1 = addresses((await router.inject({ path: "/api/v1/sd/node?consumer=p1" })).body);
  assert.deepEqual([...p1, ...p2].sort(), [...ADDRESSES].sort());
  now += 121_000; // p2 silent longer than 2m; p1 polls and takes everything back
  assert.deepEqual(addresses((await router.inject({ path: "/api/v1/sd/node?consumer=p1" })).body).sort(), [...ADDRESSES].sort());
});
