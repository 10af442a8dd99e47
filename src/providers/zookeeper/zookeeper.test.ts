import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigLocation } from "../../config/location.js";
import { parseYaml } from "../../config/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import { parseZooKeeperConfig } from "./config.js";
import { parseMember } from "./members.js";

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
