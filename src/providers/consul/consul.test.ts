import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { Registry } from "prom-client";
import { ConfigLocation } from "../../config/location.js";
import { parseYaml } from "../../config/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { silentLogger } from "../../logging.js";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { sleep } from "../polling.js";
import { parseConsulConfig, type ConsulConfig } from "./config.js";
import { consulEndpoint, createConsulDiscoverer } from "./discoverer.js";
import { aggregatedHealth, decodeHealthEntries, parseFirstJsonValue } from "./entries.js";
import { FakeConsul, type HealthEntryJson } from "./fake-consul-server.js";

const at = new ConfigLocation("prometheus.yml", 4, "scrape_configs[0].consul_sd_configs[0]");
const parse = (yaml: string, profile: Profile = "v3"): ConsulConfig => parseConsulConfig(parseYaml(yaml, "prometheus.yml"), at, { configDir: "/etc/prometheus", profile });

test("consul config: defaults", () => {
  const c = parse("{}");
  assert.equal(c.server, "localhost:8500");
  assert.equal(c.scheme, "http");
  assert.equal(c.tagSeparator, ",");
  assert.equal(c.allowStale, true);
  assert.equal(c.refreshIntervalMs, 30_000);
  assert.equal(String(c.token), "");
});

test("consul config: the token is a secret and deprecated username/password become basic_auth", () => {
  const c = parse("{token: s3cr3t, username: u, password: p}");
  assert.equal(JSON.stringify(c).includes("s3cr3t"), false);
  assert.equal(c.token.reveal(), "s3cr3t");
  assert.equal(c.httpClientConfig.basicAuth?.username, "u");
  assert.equal(c.httpClientConfig.basicAuth?.password.reveal(), "p");
});

const configErrors: [string, string, Profile][] = [
  ["{server: ' '}", "consul SD configuration requires a server address", "v3"],
  ["{username: u, basic_auth: {username: v}}", "at most one of consul SD configuration username and password and basic auth can be configured", "v3"],
  ["{token: t, authorization: {credentials: c}}", "at most one of consul SD token, authorization, or oauth2 can be configured", "v3"],
  ["{refresh_interval: 0s}", "refresh_interval must be greater than 0", "v3"],
  ["{filter: x}", "yaml: unmarshal errors:\n  line 1: field filter not found in type consul.SDConfig", "v2.42"],
  ["{path_prefix: /c}", "yaml: unmarshal errors:\n  line 1: field path_prefix not found in type consul.SDConfig", "v2.42"],
];
for (const [yaml, problem, profile] of configErrors) {
  test(`consul config: ${yaml} fails with "${problem.split("\n").pop()}" (${profile})`, () => {
    assert.throws(() => parse(yaml, profile), (e) => e instanceof ConfigError && e.problem === problem);
  });
}

test("consul: server forms pick scheme and path prefix; unknown schemes fail creation", () => {
  assert.equal(consulEndpoint(parse("{server: 'h:1', path_prefix: /c}")).baseUrl, "http://h:1/c");
  assert.equal(consulEndpoint(parse("{server: 'https://h:1/p', scheme: http}")).baseUrl, "https://h:1/p");
  assert.equal(consulEndpoint(parse("{server: 'h:1', scheme: ''}"), { CONSUL_HTTP_SSL: "true" }).baseUrl, "https://h:1");
  assert.throws(() => consulEndpoint(parse("{server: 'ftp://h:1'}")), { message: "Unknown protocol scheme: ftp" });
});

test("consul: health aggregation precedence and unknown statuses", () => {
  const h = (...checks: [string, string][]) => aggregatedHealth(checks.map(([checkId, status]) => ({ checkId, status })));
  assert.equal(h(), "passing");
  assert.equal(h(["a", "passing"], ["b", "warning"]), "warning");
  assert.equal(h(["a", "critical"], ["b", "warning"]), "critical");
  assert.equal(h(["_service_maintenance:x", "critical"], ["b", "critical"]), "maintenance");
  assert.equal(h(["_node_maintenance", "passing"]), "maintenance");
  assert.equal(h(["a", "passing"], ["b", "unknown"]), "");
});

test("consul: decoding follows Go: case-insensitive fields, trailing data ignored, wrong types fail", () => {
  assert.deepEqual(parseFirstJsonValue('[1] trailing garbage'), [1]);
  const [entry] = decodeHealthEntries('[{"node": {"node": "n", "ADDRESS": "1.2.3.4"}, "service": {"id": "s", "port": 80}}]', () => {});
  assert.equal(entry?.node.address, "1.2.3.4");
  assert.throws(() => decodeHealthEntries('[{"Node": {}, "Service": {"Port": "80"}}]', () => {}), /cannot unmarshal string/);
  const skipped: number[] = [];
  assert.equal(decodeHealthEntries('[{"Node": null, "Service": {}}, {"Node": {}, "Service": {}}]', (i) => skipped.push(i)).length, 1);
  assert.deepEqual(skipped, [0]);
});

const C1_ENTRY: HealthEntryJson = {
  Node: { ID: "b78c2e48-5ef3-1814-31b8-0d880f50471e", Node: "node1", Address: "1.1.1.1", Datacenter: "test-dc",
    TaggedAddresses: { lan: "192.168.10.10", wan: "10.0.10.10" }, Meta: { rack_name: "2304" } },
  Service: { ID: "test", Service: "test", Tags: ["tag1"], Address: "", Meta: { version: "1.0.0", environment: "staging" }, Port: 3341 },
  Checks: [{ Node: "node1", CheckID: "serfHealth", Name: "Serf Health Status", Status: "passing" }],
};

interface Harness {
  readonly consul: FakeConsul;
  readonly state: Map<string, { labels: LabelSet; targets: readonly LabelSet[] }>;
  readonly sources: string[];
  until(what: string, predicate: () => boolean): Promise<void>;
  metric(name: string): Promise<number>;
}

async function start(t: TestContext, yaml: (consul: FakeConsul) => string, setup: (consul: FakeConsul) => void = () => {}, options: ConstructorParameters<typeof FakeConsul>[0] = {}): Promise<Harness> {
  const consul = await new FakeConsul({ holdMs: 300, ...options }).start();
  setup(consul);
  const config = parse(yaml(consul));
  const registry = new Registry();
  const stop = new AbortController();
  const state = new Map<string, { labels: LabelSet; targets: readonly LabelSet[] }>();
  const sources: string[] = [];
  const discoverer = createConsulDiscoverer({ ...config, refreshIntervalMs: 50 }, { logger: silentLogger, registry, jobNames: ["c"], fetch, sleep }, { retryDelayMs: 100, requestTimeoutMs: 1500, maxBodyBytes: 1024 * 1024 });
  const done = (async () => {
    for await (const groups of discoverer.discover(stop.signal)) {
      for (const g of groups) {
        sources.push(g.source);
        if (g.targets.length === 0) state.delete(g.source);
        else state.set(g.source, { labels: g.labels, targets: g.targets });
      }
    }
  })();
  t.after(async () => {
    stop.abort();
    await done;
    await consul.close();
  });
  return {
    consul, state, sources,
    until: async (what, predicate) => {
      const deadline = Date.now() + 10_000;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify([...state])}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    metric: async (name) => (await registry.getSingleMetric(name)?.get())?.values.reduce((s, v) => s + v.value, 0) ?? 0,
  };
}

test("consul: C1 direct mode emits every label, sends the token, and an unchanged index emits nothing", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [test], token: fake-token}`, (c) => c.setService("test", [C1_ENTRY]), { token: "fake-token" });
  await h.until("the test service", () => h.state.has("test"));
  assert.deepEqual(h.state.get("test"), {
    labels: { __meta_consul_service: "test", __meta_consul_dc: "test-dc" },
    targets: [{
      __address__: "1.1.1.1:3341", __meta_consul_address: "1.1.1.1", __meta_consul_node: "node1", __meta_consul_tags: ",tag1,",
      __meta_consul_service_port: "3341", __meta_consul_service_id: "test", __meta_consul_health: "passing",
      __meta_consul_metadata_rack_name: "2304", __meta_consul_service_metadata_version: "1.0.0",
      __meta_consul_service_metadata_environment: "staging", __meta_consul_tagged_address_lan: "192.168.10.10",
      __meta_consul_tagged_address_wan: "10.0.10.10",
    }],
  });
  assert.deepEqual(h.consul.requests.slice(0, 2).map((r) => [r.path, r.query, r.token]), [
    ["/v1/agent/self", "", "fake-token"],
    ["/v1/health/service/test", "stale=&wait=120000ms", "fake-token"],
  ]);
  await h.until("a blocking follow-up with the index", () => h.consul.requests.some((r) => r.query === `index=${h.consul.index}&stale=&wait=120000ms`));
  assert.equal(h.sources.filter((s) => s === "test").length, 1, "an unchanged index must not re-emit");
});

test("consul: C2 service address, IPv6 node address, sanitised keys, separator and health precedence", async (t) => {
  const entries: HealthEntryJson[] = [
    { Node: { Node: "n1", Address: "2001:db8::10", Meta: { "rack-id": "r7", "os.version": "12" } }, Service: { ID: "api-1", Address: "", Port: 8080, Tags: [] },
      Checks: [{ CheckID: "serfHealth", Status: "passing" }, { CheckID: "service:api-1", Status: "warning" }] },
    { Node: { Node: "n2", Address: "10.0.0.2" }, Service: { ID: "api-2", Address: "api-2.internal", Port: 8080, Tags: ["a", "b"] },
      Checks: [{ CheckID: "_service_maintenance:api-2", Status: "critical" }, { CheckID: "service:api-2", Status: "critical" }] },
  ];
  const h = await start(t, (c) => `{server: '${c.address}', services: [api], datacenter: eu1, tag_separator: '|', allow_stale: false}`, (c) => c.setService("api", entries));
  await h.until("api", () => h.state.has("api"));
  assert.equal(h.consul.requests.some((r) => r.path === "/v1/agent/self"), false, "a configured datacenter needs no lookup");
  assert.equal(h.consul.requests[0]?.query, "dc=eu1&wait=120000ms");
  assert.deepEqual(h.state.get("api"), {
    labels: { __meta_consul_service: "api", __meta_consul_dc: "eu1" },
    targets: [
      { __address__: "[2001:db8::10]:8080", __meta_consul_address: "2001:db8::10", __meta_consul_node: "n1", __meta_consul_tags: "||",
        __meta_consul_service_port: "8080", __meta_consul_service_id: "api-1", __meta_consul_health: "warning",
        __meta_consul_metadata_rack_id: "r7", __meta_consul_metadata_os_version: "12" },
      { __address__: "api-2.internal:8080", __meta_consul_address: "10.0.0.2", __meta_consul_node: "n2", __meta_consul_tags: "|a|b|",
        __meta_consul_service_address: "api-2.internal", __meta_consul_service_port: "8080", __meta_consul_service_id: "api-2", __meta_consul_health: "maintenance" },
    ],
  });
});

const svc = (id: string, address: string, tags: string[], rack = "2304"): HealthEntryJson =>
  ({ Node: { Node: `node-${id}`, Address: address, Meta: { rack_name: rack } }, Service: { ID: id, Port: 80, Tags: tags }, Checks: [] });

test("consul: C3/C4 catalog mode with tags and node_meta, then a service disappears", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', tags: [prom], node_meta: {rack_name: "2304"}}`, (c) => {
    c.setService("web", [svc("w1", "10.0.0.1", ["prom", "v1"]), svc("w2", "10.0.0.2", ["v1"])]);
    c.setService("db", [svc("d1", "10.0.0.3", ["v1"])]);
    c.setService("consul", []);
  });
  await h.until("web", () => h.state.has("web"));
  assert.deepEqual(h.state.get("web")?.targets.map((x) => x.__address__), ["10.0.0.1:80"]);
  assert.equal(h.state.has("db"), false);
  assert.ok(h.consul.requests.some((r) => r.path === "/v1/catalog/services" && r.query === "node-meta=rack_name%3A2304&stale=&wait=120000ms"));
  assert.ok(h.consul.requests.some((r) => r.path === "/v1/health/service/web" && r.query === "node-meta=rack_name%3A2304&stale=&tag=prom&wait=120000ms"));
  h.consul.removeService("web");
  await h.until("web removed", () => !h.state.has("web"));
  await h.until("the empty-source group", () => h.sources.includes(""));
});

test("consul: C5 a service with no instances emits an empty group; C6 filters go to the right calls", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [other, test], filter: 'NodeMeta.rack_name == "2304"', health_filter: 'Service.Tags contains "canary"'}`, (c) => {
    c.setService("other", []);
    c.setService("test", [svc("t1", "10.1.0.1", ["canary"])]);
  });
  await h.until("test", () => h.state.has("test"));
  await h.until("other's empty group", () => h.sources.includes("other"));
  assert.ok(h.consul.requests.some((r) => r.path === "/v1/catalog/services" && r.query === "filter=NodeMeta.rack_name+%3D%3D+%222304%22&stale=&wait=120000ms"));
  assert.ok(h.consul.requests.some((r) => r.path === "/v1/health/service/test" && r.query === "filter=Service.Tags+contains+%22canary%22&stale=&wait=120000ms"));
});

test("consul: many instances, changes, and tags appearing later", async (t) => {
  const many = Array.from({ length: 200 }, (_, i) => svc(`i${i}`, `10.2.${Math.floor(i / 250)}.${i % 250}`, ["x"]));
  const h = await start(t, (c) => `{server: '${c.address}'}`, (c) => c.setService("big", many));
  await h.until("200 instances", () => h.state.get("big")?.targets.length === 200);
  h.consul.setService("big", many.slice(0, 150));
  await h.until("150 instances", () => h.state.get("big")?.targets.length === 150);
  h.consul.setService("late", [svc("l1", "10.3.0.1", [])]);
  await h.until("a new service is watched", () => h.state.has("late"));
});

test("consul: faults keep the last good targets, are counted, and recover without restart", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [test]}`, (c) => c.setService("test", [C1_ENTRY]));
  await h.until("test", () => h.state.has("test"));
  h.consul.fail({ kind: "status", status: 500 }, { kind: "garbage" }, { kind: "truncated" }, { kind: "stall" }, { kind: "oversized", bytes: 2 * 1024 * 1024 });
  h.consul.bump();
  const deadline = Date.now() + 30_000;
  while ((await h.metric("prometheus_sd_consul_rpc_failures_total")) < 5) {
    assert.ok(Date.now() < deadline, `only ${await h.metric("prometheus_sd_consul_rpc_failures_total")} failures counted; requests: ${JSON.stringify(h.consul.requests.slice(-8))}`);
    assert.ok(h.state.has("test"), "a failure must not remove targets");
    await new Promise((r) => setTimeout(r, 20));
  }
  h.consul.setService("test", [svc("after", "10.9.9.9", [])]);
  await h.until("recovery", () => h.state.get("test")?.targets[0]?.__address__ === "10.9.9.9:80");
});

test("consul: a wrong content type is accepted (Consul's client does not check it)", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [test]}`, (c) => {
    c.setService("test", [C1_ENTRY]);
    c.fail({ kind: "content-type", value: "text/plain" });
  });
  await h.until("test", () => h.state.has("test"));
});

test("consul: an index that goes backwards is taken as a change, and the next query does not block on it", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [test]}`, (c) => c.setService("test", [C1_ENTRY]));
  await h.until("test", () => h.state.has("test"));
  const afterReset = h.consul.requests.length;
  h.consul.setService("test", [svc("reset", "10.8.0.1", [])]);
  h.consul.bump(1);
  await h.until("data after the reset", () => h.state.get("test")?.targets[0]?.__address__ === "10.8.0.1:80");
  await h.until("a non-blocking query", () => h.consul.requests.slice(afterReset).some((r) => r.path === "/v1/health/service/test" && !r.query.includes("index=")));
});

test("consul: a server that never sends X-Consul-Index never produces targets", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [test]}`, (c) => {
    c.setService("test", [C1_ENTRY]);
    c.fail({ kind: "no-index" }, { kind: "no-index" }, { kind: "no-index" });
  });
  await h.until("three requests", () => h.consul.requests.filter((r) => r.path.startsWith("/v1/health")).length >= 3);
  assert.equal(h.state.has("test"), false);
});

test("consul: an unreachable agent keeps the last good targets and discovery recovers when it is back", async (t) => {
  const h = await start(t, (c) => `{server: '${c.address}', services: [test]}`, (c) => c.setService("test", [C1_ENTRY]));
  await h.until("test", () => h.state.has("test"));
  const port = h.consul.port;
  await h.consul.close();
  const deadline = Date.now() + 30_000;
  while ((await h.metric("prometheus_sd_consul_rpc_failures_total")) < 2) {
    assert.ok(Date.now() < deadline, "connection failures must be counted");
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(h.state.has("test"), "an outage must not remove targets");
  h.consul.setService("test", [svc("back", "10.7.0.1", [])]);
  await h.consul.start(port);
  await h.until("recovery after the outage", () => h.state.get("test")?.targets[0]?.__address__ === "10.7.0.1:80");
});
