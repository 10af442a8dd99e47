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
import { silentLogger, type Logger } from "../../logging.js";
import type { LabelSet } from "../../model/labels.js";
import { sleep } from "../polling.js";
import { runPromsdSd, runPromtoolSd, assertPromtoolInstalled } from "../../testing/promtool.js";
import { expireSession, freePort, startZooKeeper, tcpProxy, type RealZooKeeper } from "../../testing/zookeeper.js";
import { ZooKeeperClient } from "./client.js";
import type { MemberFormat } from "./config.js";
import { createZooKeeperDiscoverer } from "./discoverer.js";
import { INVALID_MEMBERS_METRIC } from "./members.js";

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

/** Runs a discoverer and keeps the current groups by source, as the manager would (v3), and every group sent. */
function watch(t: TestContext, format: MemberFormat, paths: string[], options: { servers?: string[] } = {}) {
  const registry = new Registry();
  const stop = new AbortController();
  const state = new Map<string, readonly LabelSet[]>();
  const sent: { readonly source: string; readonly targets: readonly LabelSet[] }[] = [];
  const warnings: Record<string, unknown>[] = [];
  const logger: Logger = { ...silentLogger, warn: (fields, message) => warnings.push({ ...fields, message }), child: () => logger };
  let client: ZooKeeperClient | undefined;
  let updates = 0;
  const discoverer = createZooKeeperDiscoverer({ format, servers: options.servers ?? [zk.address], paths, timeoutMs: 10_000 },
    { logger, registry, jobNames: ["zk"], fetch, sleep }, { resyncDelayMs: 300 }, { onClient: (c) => (client = c) });
  const done = (async () => {
    for await (const groups of discoverer.discover(stop.signal)) {
      updates++;
      for (const group of groups) {
        sent.push({ source: group.source, targets: group.targets });
        if (group.targets.length === 0) state.delete(group.source);
        else state.set(group.source, group.targets);
      }
    }
  })();
  t.after(async () => {
    stop.abort();
    await done;
  });
  const until = async (what: string, predicate: () => boolean, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; state: ${JSON.stringify([...state])}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0;
  const failures = () => metric("prometheus_treecache_zookeeper_failures_total");
  const session = () => client?.session;
  return { state, sent, warnings, until, failures, metric, session, updates: () => updates };
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
  assert.equal(await w.failures(), 0, "unparsable data is not a tree-cache failure");
  // promsd-specific (issue 4): the skipped member is logged once and counted, the parent's empty data is not.
  assert.equal(await w.metric(INVALID_MEMBERS_METRIC, { mechanism: "serverset" }), 1);
  assert.deepEqual(w.warnings.map((x) => [x.path, x.mechanism]), [[`${root}/member_0000000004`, "serverset"]]);
  // Changed to other invalid bytes: a new data version, logged and counted again; the valid members are untouched.
  await admin.setData(`${root}/member_0000000004`, Buffer.from("[]"));
  await w.until("the second invalid version counted", () => w.warnings.length === 2);
  assert.equal(await w.metric(INVALID_MEMBERS_METRIC, { mechanism: "serverset" }), 2);
  assert.deepEqual([...w.state.keys()].sort(), [`${root}/member_0000000002`, `${root}/member_0000000003`]);
  assert.equal(await w.failures(), 0);
});

test("zookeeper: a malformed nerve member is skipped, counted once across resyncs, and discovery goes on", async (t) => {
  const root = "/nerve/malformed";
  await ensure(`${root}/bad`, Buffer.from('{"host": "10.9.0.1", "port": "3000"}'));
  await admin.create(`${root}/good`, Buffer.from('{"host": "10.9.0.2", "port": 3000}'));
  const w = watch(t, "nerve", [root]);
  await w.until("the good member", () => address(w.state.get(`${root}/good`)) === "10.9.0.2:3000");
  await w.until("the bad member counted", () => w.warnings.length === 1);
  assert.equal(w.warnings[0]?.path, `${root}/bad`);
  assert.match(String(w.warnings[0]?.problem), /string where an integer was expected/);
  assert.equal(await w.metric(INVALID_MEMBERS_METRIC, { mechanism: "nerve" }), 1);
  // The session expires: the cache resyncs, meets the bad member again, and must not log or count it again.
  const first = w.session();
  assert.ok(first);
  assert.equal(await expireSession(zk.address, first.id, first.password), true);
  await w.until("a new session", () => w.session() !== undefined && w.session()?.id !== first.id);
  await admin.create(`${root}/later`, Buffer.from('{"host": "10.9.0.3", "port": 3000}'));
  await w.until("a member added after the resync", () => w.state.has(`${root}/later`));
  assert.equal(w.warnings.filter((x) => x.path === `${root}/bad`).length, 1, "one warning per node and data version");
  assert.equal(await w.metric(INVALID_MEMBERS_METRIC, { mechanism: "nerve" }), 1);
  assert.equal(w.state.has(`${root}/bad`), false);
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
  const deadline = Date.now() + 30_000;
  while ((await w.failures()) < 1) {
    assert.ok(Date.now() < deadline, "the outage was not counted within 30 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(w.state.size, 2, "an outage must not remove targets");
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

/** Groups sent for `sources` from index `from` on. */
const sentFor = (sent: readonly { source: string; targets: readonly LabelSet[] }[], from: number, sources: readonly string[]) =>
  sent.slice(from).filter((g) => sources.includes(g.source));

test("zookeeper: an expired session is replaced without losing, blinking or duplicating targets", async (t) => {
  const root = "/expiry/members";
  await ensure(`${root}/a`, member("10.4.0.1", 80));
  await admin.create(`${root}/b`, member("10.4.0.2", 80));
  const w = watch(t, "serverset", [root]);
  await w.until("two members", () => w.state.size === 2);
  const first = w.session();
  assert.ok(first, "the discoverer is connected");
  const mark = w.sent.length;

  assert.equal(await expireSession(zk.address, first.id, first.password), true, "the server closed the discoverer's session");
  await w.until("a new session", () => w.session() !== undefined && w.session()?.id !== first.id);
  assert.ok(w.warnings.some((x) => /session expired/.test(String(x.message))), "the expiry was seen as such (not only a disconnect)");
  assert.ok((await w.failures()) >= 1, "the lost watches put the cache into failure mode");
  await admin.create(`${root}/c`, member("10.4.0.3", 80));
  await w.until("c, created after the expiry", () => w.state.has(`${root}/c`));
  await admin.setData(`${root}/a`, member("10.4.0.9", 80));
  await w.until("a's change, made after the expiry", () => address(w.state.get(`${root}/a`)) === "10.4.0.9:80");

  assert.deepEqual([...w.state.keys()].sort(), [`${root}/a`, `${root}/b`, `${root}/c`]);
  const episode = sentFor(w.sent, mark, [`${root}/a`, `${root}/b`, `${root}/c`]);
  assert.deepEqual(episode.filter((g) => g.targets.length === 0), [], "no source was sent empty (no blink)");
  assert.deepEqual(episode.map((g) => [g.source, address(g.targets)]), [[`${root}/c`, "10.4.0.3:80"], [`${root}/a`, "10.4.0.9:80"]],
    "only the changes were sent, each once: unchanged members are not re-sent by the resync");
});

test("zookeeper: a dead server listed first is skipped", async (t) => {
  const root = "/servers/dead-first";
  await ensure(`${root}/a`, member("10.5.0.1", 80));
  const dead = `127.0.0.1:${await freePort()}`;
  const w = watch(t, "serverset", [root], { servers: [dead, zk.address] });
  await w.until("the member through the second server", () => address(w.state.get(`${root}/a`)) === "10.5.0.1:80");
  await admin.create(`${root}/b`, member("10.5.0.2", 80));
  await w.until("a later member", () => w.state.has(`${root}/b`));
  assert.equal(await w.failures(), 0);
});

test("zookeeper: when the connected server goes away the client moves to the next one and keeps its session", async (t) => {
  const root = "/servers/failover";
  await ensure(`${root}/a`, member("10.6.0.1", 80));
  await admin.create(`${root}/b`, member("10.6.0.2", 80));
  // Two routes to the one server: cutting one is, to the client, that server going away; the session lives on.
  const proxies = [await tcpProxy(zk.address), await tcpProxy(zk.address)];
  t.after(() => Promise.all(proxies.map((p) => p.close())));
  const w = watch(t, "serverset", [root], { servers: proxies.map((p) => p.address) });
  await w.until("two members", () => w.state.size === 2);
  const first = w.session();
  assert.ok(first);
  const used = proxies.findIndex((p) => p.open > 0);
  assert.ok(used >= 0, "one proxy carries the connection");
  const other = proxies[1 - used];
  assert.ok(other);
  const otherAccepted = other.accepted;
  const mark = w.sent.length;

  await proxies[used]?.close();
  await w.until("a connection through the other server", () => other.open > 0 && other.accepted > otherAccepted && w.session() !== undefined);
  assert.equal(w.session()?.id, first.id, "the session moved with the client instead of expiring");
  await admin.create(`${root}/c`, member("10.6.0.3", 80));
  await w.until("c, created after the move", () => w.state.has(`${root}/c`));
  assert.deepEqual([...w.state.keys()].sort(), [`${root}/a`, `${root}/b`, `${root}/c`]);
  const episode = sentFor(w.sent, mark, [`${root}/a`, `${root}/b`, `${root}/c`]);
  assert.deepEqual(episode.map((g) => [g.source, address(g.targets)]), [[`${root}/c`, "10.6.0.3:80"]], "no blink, no duplicate");
});
