import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import { metricValue, waitFor } from "../../testing/index.js";
import { parseConsulYaml as parse, startConsulDiscovery, type ConsulDiscovery } from "./consul-test-harness.js";
import { consulEndpoint } from "./discoverer.js";
import { aggregatedHealth, decodeHealthEntries, parseFirstJsonValue } from "./entries.js";
import { FakeConsul, waitMs, type Fault, type HealthEntryJson } from "./fake-consul-server.js";

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

const RPC_FAILURES = "prometheus_sd_consul_rpc_failures_total";

/** Discovery of the `test` service (C1's entry) only; `faults` hit the first requests after it starts. */
function watchTestService(t: TestContext, ...faults: Fault[]): Promise<ConsulDiscovery> {
  return startConsulDiscovery(t, {
    yaml: (c) => `{server: '${c.address}', services: [test]}`,
    setup: (c) => {
      c.setService("test", [C1_ENTRY]);
      c.fail(...faults);
    },
  });
}

/** As watchTestService, once the `test` service's targets have arrived. */
async function discoveredTestService(t: TestContext, ...faults: Fault[]): Promise<ConsulDiscovery> {
  const h = await watchTestService(t, ...faults);
  await h.until("test", () => h.targets("test").length > 0);
  return h;
}

const svc = (id: string, address: string, tags: string[], rack = "2304"): HealthEntryJson =>
  ({ Node: { Node: `node-${id}`, Address: address, Meta: { rack_name: rack } }, Service: { ID: id, Port: 80, Tags: tags }, Checks: [] });

const wireCases: { name: string; yaml: string; token: string | undefined; authorization: string | undefined; want: [string, string][] }[] = [
  {
    name: "direct mode with deprecated username/password",
    yaml: "services: [test], namespace: ns1, partition: p1, username: u, password: p, token: t1",
    token: "t1", authorization: `Basic ${Buffer.from("u:p").toString("base64")}`,
    want: [["/v1/agent/self", "ns=ns1&partition=p1"], ["/v1/health/service/test", "ns=ns1&partition=p1&stale=&wait=120000ms"]],
  },
  {
    name: "catalog mode with basic_auth",
    yaml: "tags: [tag1], namespace: ns2, partition: p2, basic_auth: {username: u2, password: p2}, token: t2",
    token: "t2", authorization: `Basic ${Buffer.from("u2:p2").toString("base64")}`,
    want: [["/v1/agent/self", "ns=ns2&partition=p2"], ["/v1/catalog/services", "ns=ns2&partition=p2&stale=&wait=120000ms"],
      ["/v1/health/service/test", "ns=ns2&partition=p2&stale=&tag=tag1&wait=120000ms"]],
  },
  {
    name: "nothing configured",
    yaml: "services: [test]",
    token: undefined, authorization: undefined,
    want: [["/v1/agent/self", ""], ["/v1/health/service/test", "stale=&wait=120000ms"]],
  },
];
for (const c of wireCases) {
  test(`consul: namespace, partition, basic auth and token reach the wire when ${c.name}`, { skip: process.env.CONSUL_NAMESPACE || process.env.CONSUL_PARTITION || process.env.CONSUL_HTTP_TOKEN ? "CONSUL_* set in the environment" : false }, async (t) => {
    const h = await startConsulDiscovery(t, { yaml: (consul) => `{server: '${consul.address}', ${c.yaml}}`, setup: (consul) => consul.setService("test", [C1_ENTRY]) });
    await h.until("the test service", () => h.targets("test").length > 0);
    const firstOfEach = c.want.map(([path]) => h.consul.requests.find((r) => r.path === path));
    assert.deepEqual(firstOfEach.map((r) => r && [r.path, r.query]), c.want);
    for (const r of h.consul.requests) {
      assert.equal(r.token, c.token, `${r.path}: X-Consul-Token`);
      assert.equal(r.authorization, c.authorization, `${r.path}: Authorization`);
    }
  });
}

test("consul fake: a blocking query is held at most for its wait parameter", async (t) => {
  assert.equal(waitMs("120000ms"), 120_000);
  assert.equal(waitMs("5s"), 5000);
  assert.equal(waitMs("2m"), 120_000);
  assert.equal(waitMs("10"), 10_000);
  assert.equal(waitMs("soon"), undefined);
  const consul = await new FakeConsul({ holdMs: 600_000 }).start();
  t.after(() => consul.close());
  consul.setService("test", [C1_ENTRY]);
  // Without the wait cap this request would be held for 10 minutes and the deadline would fail it.
  const response = await fetch(`${consul.origin}/v1/health/service/test?index=${consul.index}&wait=20ms`, { signal: AbortSignal.timeout(15_000) });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-consul-index"), String(consul.index));
});

test("consul: many instances, changes, and tags appearing later", async (t) => {
  const many = Array.from({ length: 200 }, (_, i) => svc(`i${i}`, `10.2.${Math.floor(i / 250)}.${i % 250}`, ["x"]));
  const h = await startConsulDiscovery(t, { yaml: (c) => `{server: '${c.address}'}`, setup: (c) => c.setService("big", many) });
  await h.until("200 instances", () => h.targets("big").length === 200);
  h.consul.setService("big", many.slice(0, 150));
  await h.until("150 instances", () => h.targets("big").length === 150);
  h.consul.setService("late", [svc("l1", "10.3.0.1", [])]);
  await h.until("a new service is watched", () => h.targets("late").length > 0);
});

test("consul: faults keep the last good targets, are counted, and recover without restart", async (t) => {
  const h = await discoveredTestService(t);
  h.consul.fail({ kind: "status", status: 500 }, { kind: "garbage" }, { kind: "truncated" }, { kind: "stall" }, { kind: "oversized", bytes: 2 * 1024 * 1024 });
  h.consul.bump();
  const deadline = Date.now() + 30_000;
  while ((await metricValue(h.registry, RPC_FAILURES)) < 5) {
    assert.ok(Date.now() < deadline, `only ${await metricValue(h.registry, RPC_FAILURES)} failures counted; requests: ${JSON.stringify(h.consul.requests.slice(-8))}`);
    assert.ok(h.targets("test").length > 0, "a failure must not remove targets");
    await new Promise((r) => setTimeout(r, 20));
  }
  h.consul.setService("test", [svc("after", "10.9.9.9", [])]);
  await h.until("recovery", () => h.targets("test")[0]?.__address__ === "10.9.9.9:80");
});

test("consul: a wrong content type is accepted (Consul's client does not check it)", async (t) => {
  await discoveredTestService(t, { kind: "content-type", value: "text/plain" }); // the targets arrive despite it
});

test("consul: an index that goes backwards is taken as a change, and the next query does not block on it", async (t) => {
  const h = await discoveredTestService(t);
  const afterReset = h.consul.requests.length;
  h.consul.setService("test", [svc("reset", "10.8.0.1", [])]);
  h.consul.bump(1);
  await h.until("data after the reset", () => h.targets("test")[0]?.__address__ === "10.8.0.1:80");
  await h.until("a non-blocking query", () => h.consul.requests.slice(afterReset).some((r) => r.path === "/v1/health/service/test" && !r.query.includes("index=")));
});

test("consul: a server that never sends X-Consul-Index never produces targets", async (t) => {
  const h = await watchTestService(t, { kind: "no-index" }, { kind: "no-index" }, { kind: "no-index" });
  await h.until("three requests", () => h.consul.requests.filter((r) => r.path.startsWith("/v1/health")).length >= 3);
  assert.equal(h.targets("test").length, 0);
});

test("consul: an unreachable agent keeps the last good targets and discovery recovers when it is back", async (t) => {
  const h = await discoveredTestService(t);
  const port = h.consul.port;
  await h.consul.close();
  await waitFor(async () => (await metricValue(h.registry, RPC_FAILURES)) >= 2, { timeoutMs: 30_000, description: "connection failures counted" });
  assert.ok(h.targets("test").length > 0, "an outage must not remove targets");
  h.consul.setService("test", [svc("back", "10.7.0.1", [])]);
  await h.consul.start(port);
  await h.until("recovery after the outage", () => h.targets("test")[0]?.__address__ === "10.7.0.1:80");
});
