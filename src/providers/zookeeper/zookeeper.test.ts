import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigLocation } from "../../yaml/location.js";
import { parseYaml } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import { ZK_ERROR, ZooKeeperError } from "./client.js";
import { parseZooKeeperConfig } from "./config.js";
import { Registry } from "prom-client";
import { silentLogger, type Logger } from "../../logging.js";
import { checkMember, INVALID_MEMBERS_METRIC, memberGroups, parseMember } from "./members.js";
import { TreeCache } from "./tree-cache.js";

const M1 = `{"serviceEndpoint": {"host": "10.0.0.5", "port": 31337},
 "additionalEndpoints": {"http": {"host": "10.0.0.5", "port": 31337}, "admin-port": {"host": "10.0.0.5", "port": 31338}},
 "status": "ALIVE", "shard": 3}`;
const path = "/aurora/jobs/prod/web/member_0000000001";

test("serverset: Z1 member with additional endpoints", () => {
  assert.deepEqual(parseMember("serverset", path, Buffer.from(M1)), {
    __address__: "10.0.0.5:31337",
    __meta_serverset_path: path,
    __meta_serverset_endpoint_host: "10.0.0.5",
    __meta_serverset_endpoint_port: "31337",
    __meta_serverset_endpoint_host_http: "10.0.0.5",
    __meta_serverset_endpoint_port_http: "31337",
    __meta_serverset_endpoint_host_admin_port: "10.0.0.5",
    __meta_serverset_endpoint_port_admin_port: "31338",
    __meta_serverset_status: "ALIVE",
    __meta_serverset_shard: "3",
  });
});

test("serverset: field names are case-insensitive, unknown fields ignored, shard defaults to 0", () => {
  assert.deepEqual(parseMember("serverset", "/p", Buffer.from('{"SERVICEENDPOINT": {"Host": "h", "PORT": 1}, "other": [1], "Status": "DEAD"}')), {
    __address__: "h:1", __meta_serverset_path: "/p", __meta_serverset_endpoint_host: "h", __meta_serverset_endpoint_port: "1",
    __meta_serverset_status: "DEAD", __meta_serverset_shard: "0",
  });
});

test("serverset: null and {} are accepted as an empty member", () => {
  const empty = { __address__: ":0", __meta_serverset_path: "/p", __meta_serverset_endpoint_port: "0", __meta_serverset_shard: "0" };
  assert.deepEqual(parseMember("serverset", "/p", Buffer.from("null")), empty);
  assert.deepEqual(parseMember("serverset", "/p", Buffer.from("{}")), empty);
});

const rejected: [string, string][] = [
  ["empty data", ""], ["not JSON", "not json"], ["a JSON array", "[]"], ["a JSON string", '"x"'],
  ["a string port", '{"serviceEndpoint": {"host": "h", "port": "80"}}'], ["a fractional port", '{"serviceEndpoint": {"port": 1.5}}'],
  ["a numeric host", '{"serviceEndpoint": {"host": 1}}'], ["additionalEndpoints as a list", '{"additionalEndpoints": []}'],
  ["a byte-order mark", "\ufeff{}"],
];
for (const [what, data] of rejected) {
  test(`serverset: ${what} gives no target`, () => assert.equal(parseMember("serverset", "/p", Buffer.from(data)), undefined));
}

test("nerve: Z5 member, extra fields ignored", () => {
  const p = "/nerve/services/web/services/i-0abc123_web";
  assert.deepEqual(parseMember("nerve", p, Buffer.from('{"host": "10.0.1.7", "port": 3000, "name": "i-0abc123_web", "weight": 1}')), {
    __address__: "10.0.1.7:3000", __meta_nerve_path: p, __meta_nerve_endpoint_host: "10.0.1.7",
    __meta_nerve_endpoint_port: "3000", __meta_nerve_endpoint_name: "i-0abc123_web",
  });
  assert.deepEqual(parseMember("nerve", "/n", Buffer.from('{"host": "::1", "port": 1}'))?.__address__, "[::1]:1");
});

test("sanitize: foreign keys become label-name suffixes per code point", () => {
  const cases: [string, string][] = [["rack-name", "rack_name"], ["prometheus.io/port", "prometheus_io_port"], ["zone:eu", "zone_eu"], ["größe", "gr__e"], ["9lives", "9lives"], ["a b", "a_b"], ["😀", "_"]];
  for (const [input, output] of cases) assert.equal(sanitizeLabelName(input), output);
});

const at = new ConfigLocation("prometheus.yml", 5, "scrape_configs[0].serverset_sd_configs[0]");
const parse = (format: "serverset" | "nerve", yaml: string) => parseZooKeeperConfig(format)(parseYaml(yaml, "prometheus.yml"), at, { configDir: "/", profile: "v3" });

test("zookeeper config: defaults and the :2181 default port", () => {
  assert.deepEqual(parse("serverset", "{servers: [zk1, 'zk2:2182', '[::1]:3'], paths: [/a]}"), { format: "serverset", servers: ["zk1:2181", "zk2:2182", "[::1]:3"], paths: ["/a"], timeoutMs: 10_000 });
});

const configErrors: ["serverset" | "nerve", string, string][] = [
  ["serverset", "{paths: [/a]}", "serverset SD config must contain at least one Zookeeper server"],
  ["nerve", "{servers: [z]}", "nerve SD config must contain at least one path"],
  ["serverset", "{servers: [z], paths: [a/b]}", "serverset SD config paths must begin with '/': a/b"],
  ["nerve", "{servers: [z], paths: [/a/]}", "nerve SD config path /a/ cannot be watched"],
  ["serverset", "{servers: [z], paths: [/]}", "serverset SD config path / cannot be watched"],
  ["serverset", "{servers: [z], paths: [/a], timeout: 1.5s}", 'unknown unit "." in duration "1.5s"'],
  ["serverset", "{servers: [z], paths: [/a], tls: {}}", "yaml: unmarshal errors:\n  line 1: field tls not found in type discovery.ServersetSDConfig"],
];
for (const [format, yaml, problem] of configErrors) {
  test(`zookeeper config: ${yaml} fails with "${problem.split("\n").pop()}"`, () => {
    assert.throws(() => parse(format, yaml), (e) => e instanceof ConfigError && e.problem === problem);
  });
}

test("checkMember: says why data is not a member", () => {
  const problem = (format: "serverset" | "nerve", data: string) => {
    const checked = checkMember(format, "/p", Buffer.from(data));
    return "problem" in checked ? checked.problem : undefined;
  };
  assert.equal(problem("serverset", ""), "empty data");
  assert.match(problem("serverset", "not json") ?? "", /^not JSON: /);
  assert.equal(problem("serverset", "[]"), "an array where an object was expected");
  assert.equal(problem("serverset", '{"serviceEndpoint": {"port": "80"}}'), "a string where an integer was expected");
  assert.equal(problem("nerve", '{"host": 1}'), "the number 1 where a string was expected");
  assert.equal(problem("serverset", '{"additionalEndpoints": true}'), "additionalEndpoints is a boolean, not an object");
  assert.equal(problem("nerve", '{"host": "h", "port": 1}'), undefined);
});

function capturingLogger() {
  const warnings: Record<string, unknown>[] = [];
  const logger: Logger = { ...silentLogger, warn: (fields, message) => warnings.push({ ...fields, message }), child: () => logger };
  return { logger, warnings };
}

const invalidCount = async (registry: Registry, mechanism: string) =>
  (await registry.getSingleMetric(INVALID_MEMBERS_METRIC)?.get())?.values.find((v) => v.labels.mechanism === mechanism)?.value;

test("memberGroups: malformed member data gives no target, is logged and counted once per path and data", async () => {
  const registry = new Registry();
  const { logger, warnings } = capturingLogger();
  const toGroup = memberGroups("serverset", logger, registry);
  assert.equal(await invalidCount(registry, "serverset"), 0, "exported from the start");

  assert.deepEqual(toGroup("/s/bad", Buffer.from("not json")), { source: "/s/bad", labels: {}, targets: [] });
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0]?.path, "/s/bad");
  assert.equal(warnings[0]?.mechanism, "serverset");
  assert.match(String(warnings[0]?.problem), /^not JSON/);
  assert.equal(await invalidCount(registry, "serverset"), 1);

  // The same bytes again (a resync re-reporting the node): no new log line, no new count.
  toGroup("/s/bad", Buffer.from("not json"));
  assert.equal(warnings.length, 1);
  assert.equal(await invalidCount(registry, "serverset"), 1);

  // New invalid data on the node is a new version: logged and counted.
  toGroup("/s/bad", Buffer.from("[1]"));
  assert.equal(warnings.length, 2);
  assert.equal(await invalidCount(registry, "serverset"), 2);

  // Fixed, then broken again with the first bytes: counted again.
  assert.equal(toGroup("/s/bad", Buffer.from('{"serviceEndpoint": {"host": "h", "port": 1}}')).targets[0]?.__address__, "h:1");
  toGroup("/s/bad", Buffer.from("not json"));
  assert.equal(await invalidCount(registry, "serverset"), 3);

  // Deleted and re-created with invalid data: counted again. Another path is independent.
  assert.deepEqual(toGroup("/s/bad", undefined).targets, []);
  toGroup("/s/bad", Buffer.from("not json"));
  toGroup("/s/other", Buffer.from("not json"));
  assert.equal(await invalidCount(registry, "serverset"), 5);
  assert.equal(warnings.length, 5);
});

test("memberGroups: empty data (parent nodes) and valid members are neither logged nor counted", async () => {
  const registry = new Registry();
  const { logger, warnings } = capturingLogger();
  const toGroup = memberGroups("nerve", logger, registry);
  assert.deepEqual(toGroup("/n", Buffer.alloc(0)), { source: "/n", labels: {}, targets: [] });
  assert.equal(toGroup("/n/a", Buffer.from('{"host": "10.0.1.7", "port": 3000}')).targets.length, 1);
  assert.equal(toGroup("/n/null", Buffer.from("null")).targets[0]?.__address__, ":0");
  assert.deepEqual(warnings, []);
  assert.equal(await invalidCount(registry, "nerve"), 0);
});

test("memberGroups: both mechanisms share one counter in a registry, told apart by label", async () => {
  const registry = new Registry();
  const serverset = memberGroups("serverset", silentLogger, registry);
  const nerve = memberGroups("nerve", silentLogger, registry);
  serverset("/a", Buffer.from("x"));
  nerve("/b", Buffer.from('{"port": 1.5}'));
  nerve("/c", Buffer.from('"x"'));
  assert.equal(await invalidCount(registry, "serverset"), 1);
  assert.equal(await invalidCount(registry, "nerve"), 2);
});

test("memberGroups: pathological data never throws", () => {
  const toGroup = memberGroups("serverset", silentLogger, new Registry());
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  for (const data of [deep, "\u0000\u0001", Buffer.from([0xff, 0xfe, 0x00]).toString("latin1"), '{"serviceEndpoint": {"port": 1e400}}', '{"shard": 9007199254740993}']) {
    assert.deepEqual(toGroup("/p", Buffer.from(data, "latin1")).targets, []);
  }
});

/** An in-memory ZooKeeper for the tree cache; `during` runs inside a read, as a notification could arrive then. */
function fakeTree(nodes: Record<string, string>) {
  const tree = new Map(Object.entries(nodes));
  let during: ((path: string) => void) | undefined;
  const noNode = (path: string) => new ZooKeeperError(ZK_ERROR.noNode, `no node ${path}`);
  const client = {
    async getData(path: string): Promise<Buffer> {
      await Promise.resolve();
      const data = tree.get(path);
      if (data === undefined) throw noNode(path);
      return Buffer.from(data);
    },
    async getChildren(path: string): Promise<string[]> {
      await Promise.resolve();
      if (!tree.has(path)) throw noNode(path);
      const hook = during;
      during = undefined;
      hook?.(path);
      return [...tree.keys()].filter((p) => p.startsWith(`${path}/`) && !p.slice(path.length + 1).includes("/")).map((p) => p.slice(path.length + 1));
    },
  };
  return { tree, client, setDuring: (hook: (path: string) => void) => (during = hook) };
}

test("tree cache: a notification that arrives while a resync walks is not lost", async () => {
  const fake = fakeTree({ "/r": "", "/r/a": "A" });
  const events: [string, string | undefined][] = [];
  const cache = new TreeCache("/r", fake.client, { onNode: (p, d) => events.push([p, d?.toString()]), onFailure: () => {} });
  // The root's children are listed (and its watch armed); then a child is created and the watch fires, all
  // before the walk has finished.
  fake.setDuring(() => {
    fake.tree.set("/r/b", "B");
    cache.markDirty("/r");
  });
  assert.equal(await cache.resync(), true);
  assert.equal(cache.hasQueuedWork(), true, "the notification is queued");
  await cache.processQueue();
  assert.deepEqual(events.filter(([p]) => p === "/r/b"), [["/r/b", "B"]]);
});

test("tree cache: a session lost while a resync walks fails the resync, and the next one reports only differences", async () => {
  const fake = fakeTree({ "/r": "", "/r/a": "A" });
  const events: [string, string | undefined][] = [];
  let failures = 0;
  const cache = new TreeCache("/r", fake.client, { onNode: (p, d) => events.push([p, d?.toString()]), onFailure: () => failures++ });
  assert.equal(await cache.resync(), true);
  assert.deepEqual(events, [["/r", ""], ["/r/a", "A"]]);
  cache.invalidate(new Error("disconnected"));
  assert.equal(failures, 1);
  fake.setDuring(() => cache.invalidate(new Error("expired")));
  assert.equal(await cache.resync(), false, "watches armed by this walk died with the session");
  assert.equal(failures, 2);
  assert.equal(cache.isFailed, true);
  fake.tree.set("/r/b", "B");
  assert.equal(await cache.resync(), true);
  assert.deepEqual(events.slice(2), [["/r/b", "B"]], "a is neither deleted nor re-sent");
});
