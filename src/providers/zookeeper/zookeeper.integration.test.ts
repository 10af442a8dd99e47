/**
 * ZooKeeper discovery against a real Apache ZooKeeper 3.8 on loopback: the worked examples of
 * zookeeper.md, outage and recovery, and identical output to promtool 2.42 for serverset and nerve paths
 * after members are added, changed and removed.
 */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { Registry } from "prom-client";
import { silentLogger } from "../../logging.js";
import type { LabelSet } from "../../model/labels.js";
import { sleep } from "../polling.js";
import { runPromsdSd, runPromtoolSd, assertPromtoolInstalled } from "../../testing/promtool.js";
import { startZooKeeper, type RealZooKeeper } from "../../testing/zookeeper.js";
import { ZooKeeperClient } from "./client.js";
import type { MemberFormat } from "./config.js";
import { createZooKeeperDiscoverer } from "./discoverer.js";

let zk: RealZooKeeper;
let admin: ZooKeeperClient;
const adminStop = new AbortController();

before(async () => {
  assertPromtoolInstalled();
  zk = await startZooKeeper();
  admin = new ZooKeeperClient({ servers: [zk.address], sessionTimeoutMs: 6_000, logger: silentLogger, onEvent: () => {} });
  void admin.run(adminStop.signal);
  assert.ok(await admin.waitConnected(20_000, adminStop.signal), "admin client could not connect");
});

after(async () => {
  adminStop.abort();
  await zk?.close();
});

const member = (host: string, port: number, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ serviceEndpoint: { host, port }, ...extra }));

async function ensure(path: string, data: Buffer): Promise<void> {
  const parts = path.split("/").filter((p) => p !== "");
  for (let i = 1; i < parts.length; i++) {
    await admin.create(`/${parts.slice(0, i).join("/")}`, Buffer.alloc(0)).catch(() => undefined);
  }
  await admin.create(path, data);
}

/** Runs a discoverer and keeps the current groups by source, as the manager would (v3). */
function watch(t: TestContext, format: MemberFormat, paths: string[]) {
  const registry = new Registry();
  const stop = new AbortController();
  const state = new Map<string, readonly LabelSet[]>();
  let updates = 0;
  const discoverer = createZooKeeperDiscoverer({ format, servers: [zk.address], paths, timeoutMs: 10_000 },
    { logger: silentLogger, registry, jobNames: ["zk"], fetch, sleep }, { resyncDelayMs: 300 });
  const done = (async () => {
    for await (const groups of discoverer.discover(stop.signal)) {
      updates++;
      for (const group of groups) {
        if (group.targets.length === 0) state.delete(group.source);
        else state.set(group.source, group.targets);
      }
    }
  })();
  t.after(async () => {
    stop.abort();
    await done;
  });
  const until = async (what: string, predicate: () => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify([...state])}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const failures = async () => (await registry.getSingleMetric("prometheus_treecache_zookeeper_failures_total")?.get())?.values[0]?.value ?? 0;
  return { state, until, failures, updates: () => updates };
}

const address = (targets: readonly LabelSet[] | undefined) => targets?.[0]?.__address__;

test("zookeeper: Z1-Z3 initial sync, changes, deletions and unparsable members", async (t) => {
  const root = "/aurora/jobs/prod/web";
  await ensure(`${root}/member_0000000001`, member("10.0.0.5", 31337, { status: "ALIVE", shard: 3 }));
  await admin.create(`${root}/member_0000000002`, member("web-2.example", 8080, { status: "STARTING" }));
  const w = watch(t, "serverset", [root]);
  await w.until("both members", () => w.state.size === 2);
  assert.equal(address(w.state.get(`${root}/member_0000000001`)), "10.0.0.5:31337");
  assert.equal(w.state.get(`${root}/member_0000000002`)?.[0]?.__meta_serverset_status, "STARTING");

  await admin.setData(`${root}/member_0000000002`, member("web-2.example", 8080, { status: "ALIVE" }));
  await w.until("member 2 alive", () => w.state.get(`${root}/member_0000000002`)?.[0]?.__meta_serverset_status === "ALIVE");
  await admin.delete(`${root}/member_0000000001`);
  await w.until("member 1 gone", () => !w.state.has(`${root}/member_0000000001`));
  await admin.create(`${root}/member_0000000003`, member("10.0.0.7", 1));
  await w.until("member 3", () => address(w.state.get(`${root}/member_0000000003`)) === "10.0.0.7:1");
  const before = w.updates();
  await admin.create(`${root}/member_0000000004`, Buffer.from("not json"));
  await w.until("an update for member 4", () => w.updates() > before);
  assert.equal(w.state.has(`${root}/member_0000000004`), false);
  assert.equal(await w.failures(), 0);
});

test("zookeeper: Z4 a missing root fails, counts, and is picked up once created", async (t) => {
  const w = watch(t, "nerve", ["/nerve/later"]);
  await w.until("a failure", () => w.updates() >= 1);
  assert.ok((await w.failures()) >= 1);
  await ensure("/nerve/later/i-1", Buffer.from('{"host": "10.0.1.7", "port": 3000, "name": "i-1"}'));
  await w.until("the nerve member", () => address(w.state.get("/nerve/later/i-1")) === "10.0.1.7:3000");
});

test("zookeeper: targets survive a ZooKeeper outage and follow changes made after it", async (t) => {
  const root = "/outage/members";
  await ensure(`${root}/a`, member("10.1.0.1", 80));
  await admin.create(`${root}/b`, member("10.1.0.2", 80));
  const w = watch(t, "serverset", [root]);
  await w.until("two members", () => w.state.size === 2);
  await zk.stop();
  await w.until("the failure to be noticed", () => false, 0).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(w.state.size, 2, "an outage must not remove targets");
  assert.ok((await w.failures()) >= 1, "the outage is counted");
  await zk.start();
  assert.ok(await admin.waitConnected(30_000, adminStop.signal));
  await admin.create(`${root}/c`, member("10.1.0.3", 80));
  await admin.delete(`${root}/a`);
  await w.until("c added and a removed after the restart", () => w.state.has(`${root}/c`) && !w.state.has(`${root}/a`) && w.state.has(`${root}/b`));
});

test("zookeeper: serverset and nerve output equals promtool's after each add, change and remove", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "promsd-zk-diff-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "prometheus.yml"), [
    "scrape_configs:",
    "- job_name: serverset",
    `  serverset_sd_configs: [{servers: ['${zk.address}'], paths: [/diff/ss/a, /diff/ss/b], timeout: 5s}]`,
    "  relabel_configs: [{source_labels: [__meta_serverset_status], regex: DEAD, action: drop}]",
    "- job_name: nerve",
    `  nerve_sd_configs: [{servers: ['${zk.address}'], paths: [/diff/nerve]}]`,
    "",
  ].join("\n"));
  const compare = async (step: string) => {
    for (const job of ["serverset", "nerve"]) {
      const [promtool, promsd] = await Promise.all([
        runPromtoolSd(dir, "prometheus.yml", job, { timeoutMs: 1500 }),
        runPromsdSd(dir, "prometheus.yml", job, { timeoutMs: 15_000, profile: "v2.42" }),
      ]);
      assert.ok(promtool.entries && promsd.entries, `${step}/${job}: ${promtool.stderr}\n${promsd.stderr}`);
      const sorted = (entries: readonly unknown[]) => entries.map((e) => JSON.stringify(e)).sort();
      assert.deepEqual(sorted(promsd.entries), sorted(promtool.entries), `${step}/${job}: promsd differs from promtool`);
    }
  };
  await ensure("/diff/ss/a/m1", member("10.2.0.1", 9100, { status: "ALIVE", additionalEndpoints: { "admin-port": { host: "10.2.0.1", port: 9101 } } }));
  await ensure("/diff/ss/b/m2", member("10.2.0.2", 9100, { status: "DEAD", shard: 1 }));
  await admin.create("/diff/ss/b/junk", Buffer.from("not json"));
  await admin.create("/diff/ss/b/nullmember", Buffer.from("null"));
  await ensure("/diff/nerve/n1", Buffer.from('{"host": "10.3.0.1", "port": 3000, "name": "n1", "weight": 2}'));
  await compare("initial");
  await admin.create("/diff/ss/a/m3", member("10.2.0.3", 9100, { status: "ALIVE" }));
  await admin.create("/diff/nerve/n2", Buffer.from('{"host": "::1", "port": 3001}'));
  await compare("added");
  await admin.setData("/diff/ss/b/m2", member("10.2.0.2", 9100, { status: "ALIVE", shard: 1 }));
  await admin.setData("/diff/nerve/n1", Buffer.from('{"host": "10.3.0.9", "port": 3000, "name": "n1"}'));
  await compare("changed");
  await admin.delete("/diff/ss/a/m1");
  await admin.delete("/diff/nerve/n2");
  await compare("removed");
});
