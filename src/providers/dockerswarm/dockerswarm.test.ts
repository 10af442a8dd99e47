import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { configProblem, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric } from "../../testing/index.js";
import { startFakeDockerEngine, type EngineState, type FakeDockerEngine } from "../docker/fake-docker-engine.js";
import { parseDockerSwarmConfig, type DockerSwarmConfig } from "./config.js";
import { createDockerSwarmDiscoverer } from "./discoverer.js";
import { cidrAddress } from "./swarm-json.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
/** Prometheus 3.x's expected targets (discovery/moby/{services,tasks,nodes}_test.go), carried over as data. */
const EXPECTED = fixture("expected-targets.json") as Record<string, LabelSet[]>; // our own fixture file

const parse = (yaml: string, profile: Profile = "v3"): DockerSwarmConfig => parseConfigYaml(parseDockerSwarmConfig, yaml, { profile });
const problem = (yaml: string): string => configProblem(() => parse(yaml));

test("dockerswarm config: defaults and validation messages as Prometheus's", () => {
  const cases: { yaml: string; want: string }[] = [
    { yaml: "role: tasks", want: "host missing" },
    { yaml: "host: unix:///x", want: "role missing (one of: tasks, services, nodes)" },
    { yaml: "host: unix:///x\nrole: foo", want: "invalid role foo, expected tasks, services, or nodes" },
    { yaml: "host: 'http://a b'\nrole: foo", want: 'parse "http://a b": invalid character " " in host name' },
    { yaml: "host: unix:///x\nrole: nodes\nmatch_first_network: true", want: "yaml: unmarshal errors:\n  line 3: field match_first_network not found in type moby.plain" },
    { yaml: "host: unix:///x\nrole: nodes\nhost_networking_host: h", want: "yaml: unmarshal errors:\n  line 3: field host_networking_host not found in type moby.plain" },
    { yaml: "host: unix:///x\nrole: nodes\nport: abc", want: "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `abc` into int" },
    // role comes before the HTTP client block's checks.
    { yaml: "host: unix:///x\nbearer_token: a\nbearer_token_file: b", want: "role missing (one of: tasks, services, nodes)" },
    { yaml: "host: unix:///x\nrole: tasks\nbearer_token: a\nbearer_token_file: b", want: "at most one of bearer_token & bearer_token_file must be configured" },
  ];
  for (const c of cases) assert.equal(problem(c.yaml), c.want, c.yaml);
  const config = parse("host: unix:///var/run/docker.sock\nrole: tasks");
  assert.equal(config.port, 80);
  assert.equal(config.refreshIntervalMs, 60_000);
});

test("dockerswarm: addresses as Go's net.ParseCIDR prints them", () => {
  assert.equal(cidrAddress("10.0.0.7/24"), "10.0.0.7");
  assert.equal(cidrAddress("fd00:0:0::0:1/64"), "fd00::1");
  assert.equal(cidrAddress("::ffff:10.0.0.1/120"), "10.0.0.1");
  assert.throws(() => cidrAddress("10.0.0.7"), /error while parsing address 10.0.0.7: invalid CIDR address: 10.0.0.7/);
  assert.throws(() => cidrAddress("10.0.0.7/33"), /invalid CIDR address/);
});

async function startSwarmFixtures(t: TestContext, state: EngineState): Promise<FakeDockerEngine> {
  const dir = await tempDir(t);
  const engine = await startFakeDockerEngine(state, { socketPath: join(dir, "d.sock") });
  engine.apiVersion = "1.40";
  t.after(() => engine.close());
  return engine;
}

const sortTargets = (targets: readonly LabelSet[]): string[] => targets.map((target) => JSON.stringify(Object.entries(target).sort())).sort();
const swarmprom = (): EngineState => ({
  services: fixture("swarmprom-services.json"), tasks: fixture("swarmprom-tasks.json"), nodes: fixture("swarmprom-nodes.json"), networks: fixture("swarmprom-networks.json"),
});

const fixtureCases: { name: string; state: () => EngineState; yaml: string; want: string; requests: string[] }[] = [
  { name: "services", state: swarmprom, yaml: "role: services", want: "TestDockerSwarmSDServicesRefresh", requests: ["/v1.40/services", "/v1.40/networks"] },
  {
    name: "services with filters",
    state: () => ({ ...swarmprom(), services: fixture("swarmprom-services-filtered.json") }),
    yaml: 'role: services\nfilters:\n- name: name\n  values: ["mon_node-exporter", "mon_grafana"]',
    want: "TestDockerSwarmSDServicesRefreshWithFilters",
    // Byte for byte the query whose SHA-1 names Prometheus's fixture file (services.json__wvKVCQ4HhD).
    requests: ["/v1.40/services?filters=%7B%22name%22%3A%7B%22mon_grafana%22%3Atrue%2C%22mon_node-exporter%22%3Atrue%7D%7D", "/v1.40/networks"],
  },
  { name: "services without ContainerSpec (plugins)", state: () => ({ services: fixture("swarmprom-plugin-services.json"), networks: fixture("swarmprom-plugin-networks.json") }), yaml: "role: services", want: "TestDockerSwarmSDServicesRefreshNoContainerSpec", requests: ["/v1.40/services", "/v1.40/networks"] },
  { name: "tasks", state: swarmprom, yaml: "role: tasks", want: "TestDockerSwarmTasksSDRefresh", requests: ["/v1.40/tasks", "/v1.40/services", "/v1.40/nodes", "/v1.40/networks"] },
  { name: "nodes", state: swarmprom, yaml: "role: nodes", want: "TestDockerSwarmNodesSDRefresh", requests: ["/v1.40/nodes"] },
];

for (const c of fixtureCases) {
  test(`dockerswarm (v3): Prometheus's swarmprom fixture, ${c.name}, gives Prometheus's expected targets`, async (t) => {
    const engine = await startSwarmFixtures(t, c.state());
    const updates = pullUpdates(t, createDockerSwarmDiscoverer(parse(`host: ${engine.host}\n${c.yaml}`), testDeps()));
    const [group] = await updates.next();
    assert.equal(group?.source, "DockerSwarm");
    assert.deepEqual(sortTargets(group?.targets ?? []), sortTargets(EXPECTED[c.want] ?? []));
    assert.deepEqual(engine.requests.filter((r) => r.url !== "/_ping").map((r) => r.url), c.requests);
  });
}

test("dockerswarm: a failing refresh keeps the last good targets and is counted under mechanism dockerswarm", async (t) => {
  const engine = await startSwarmFixtures(t, swarmprom());
  const deps = testDeps();
  const updates = pullUpdates(t, createDockerSwarmDiscoverer(parse(`host: ${engine.host}\nrole: tasks\nrefresh_interval: 200ms`), deps));
  assert.equal((await updates.next())[0]?.targets.length, 27);
  let failures = 0;
  for (const [resource, fault] of [["nodes", { status: 503, body: "{}" }], ["services", { truncateAfterBytes: 100 }], ["tasks", { stallAfterBytes: 10 }], ["tasks", { hugeBytes: 80 * 1024 * 1024 }], ["networks", { body: '[{"Id": "n", "Ingress": "yes"}]' }]] as const) {
    engine.faults.set(resource, fault);
    const pending = updates.pull();
    failures += 1;
    await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "dockerswarm" }, value: failures });
    engine.faults.delete(resource);
    assert.equal((await pending).value?.[0]?.targets.length, 27);
  }
});

test("dockerswarm: a manager that is down at start is retried until it answers", async (t) => {
  const dir = await tempDir(t);
  const socketPath = join(dir, "late.sock");
  const deps = testDeps();
  const updates = pullUpdates(t, createDockerSwarmDiscoverer(parse(`host: unix://${socketPath}\nrole: nodes\nrefresh_interval: 100ms`), deps));
  const first = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "dockerswarm" }, value: 1 });
  const engine = await startFakeDockerEngine({ nodes: fixture("swarmprom-nodes.json") }, { socketPath });
  t.after(() => engine.close());
  assert.equal((await first).value?.[0]?.targets.length, 5);
});
