import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { SourceError } from "../../errors.js";
import type { Logger } from "../../logging.js";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { configProblem, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric } from "../../testing/index.js";
import { parseDockerConfig, type DockerConfig } from "./config.js";
import { createDockerDiscoverer } from "./discoverer.js";
import { filtersParameter, goQueryEscape, parseEngineHost } from "./engine-client.js";
import { startFakeDockerEngine, type EngineFault, type EngineState, type FakeDockerEngine } from "./fake-docker-engine.js";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
/** Prometheus 3.x's expected targets (discovery/moby/docker_test.go), carried over as data. */
const EXPECTED = fixture("expected-targets.json") as Record<string, LabelSet[]>; // our own fixture file

const parse = (yaml: string, profile: Profile = "v3"): DockerConfig => parseConfigYaml(parseDockerConfig, yaml, { profile });
const problem = (yaml: string, profile: Profile = "v3"): string => configProblem(() => parse(yaml, profile));

test("docker config: defaults and validation messages as Prometheus's", () => {
  const cases: { yaml: string; want: string; profile?: Profile }[] = [
    { yaml: "port: 1", want: "host missing" },
    { yaml: "host: 'http://a b'", want: 'parse "http://a b": invalid character " " in host name' },
    { yaml: "host: unix:///x\nmatch_first_network: false", want: "accepted" },
    { yaml: "host: unix:///x\nmatch_first_network: false", want: "yaml: unmarshal errors:\n  line 2: field match_first_network not found in type moby.plain", profile: "v2.42" },
    { yaml: "host: unix:///x\nrole: tasks", want: "yaml: unmarshal errors:\n  line 2: field role not found in type moby.plain" },
    { yaml: "host: unix:///x\nfilters: [{name: a, value: [b]}]", want: "yaml: unmarshal errors:\n  line 2: field value not found in type moby.Filter" },
    { yaml: "host: unix:///x\nfilters: [{name: a, values: b}]", want: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `b` into []string" },
    { yaml: "host: unix:///x\nbearer_token: a\nbearer_token_file: b", want: "at most one of bearer_token & bearer_token_file must be configured" },
    // host comes before the HTTP client block's checks, as in Prometheus.
    { yaml: "bearer_token: a\nbearer_token_file: b", want: "host missing" },
    { yaml: "host: unix:///x\nrefresh_interval: 0s", want: "refresh_interval must be greater than 0" },
  ];
  for (const c of cases) assert.equal(problem(c.yaml, c.profile), c.want, c.yaml);
  const config = parse("host: unix:///var/run/docker.sock");
  assert.equal(config.port, 80);
  assert.equal(config.refreshIntervalMs, 60_000);
  assert.equal(config.hostNetworkingHost, "localhost");
  assert.equal(config.matchFirstNetwork, true);
  assert.equal(parse("host: unix:///x", "v2.42").matchFirstNetwork, false);
});

test("docker engine client: hosts, filters and query escaping as the Go Docker client writes them", () => {
  assert.deepEqual(parseEngineHost("unix:///run/d.sock", "v3"), { baseUrl: "http://api.moby.localhost", socketPath: "/run/d.sock", usesHttpClientBlock: false });
  assert.deepEqual(parseEngineHost("tcp://127.0.0.1:2375", "v3"), { baseUrl: "http://127.0.0.1:2375", usesHttpClientBlock: false });
  assert.deepEqual(parseEngineHost("https://d.example:2376/", "v3"), { baseUrl: "https://d.example:2376", usesHttpClientBlock: true });
  assert.throws(() => parseEngineHost("localhost:2375", "v3"), /unable to parse docker host `localhost:2375`/);
  // Seen on the wire from promtool 2.42: sorted names and values, Go's QueryEscape.
  const filters = filtersParameter([{ name: "name", values: ["a b~*", "x"] }, { name: "label", values: ["k=v"] }]);
  assert.equal(goQueryEscape(filters ?? ""), "%7B%22label%22%3A%7B%22k%3Dv%22%3Atrue%7D%2C%22name%22%3A%7B%22a+b~%2A%22%3Atrue%2C%22x%22%3Atrue%7D%7D");
  assert.equal(filtersParameter([{ name: "a", values: [] }]), undefined);
});

async function startFixtureEngine(t: TestContext, state: EngineState, apiVersion = "1.40"): Promise<FakeDockerEngine> {
  const dir = await tempDir(t);
  const engine = await startFakeDockerEngine(state, { socketPath: join(dir, "d.sock") });
  engine.apiVersion = apiVersion;
  t.after(() => engine.close());
  return engine;
}

const sortTargets = (targets: readonly LabelSet[]): string[] => targets.map((target) => JSON.stringify(Object.entries(target).sort())).sort();

const fixtureCases: { name: string; dir: string; yaml: string; want: string }[] = [
  { name: "first network only (match_first_network default)", dir: "dockerprom", yaml: "", want: "TestDockerSDRefresh" },
  { name: "every network", dir: "dockerprom", yaml: "match_first_network: false", want: "TestDockerSDRefreshMatchAllNetworks" },
  { name: "IPv6-only network", dir: "dockeripv6", yaml: "", want: "TestDockerSDRefreshIPv6Only" },
];

for (const c of fixtureCases) {
  test(`docker (v3): Prometheus's fixture '${c.dir}', ${c.name}, gives Prometheus's expected targets`, async (t) => {
    const engine = await startFixtureEngine(t, { containers: fixture(`${c.dir}-containers.json`), networks: fixture(`${c.dir}-networks.json`) });
    const updates = pullUpdates(t, createDockerDiscoverer(parse(`host: ${engine.host}\n${c.yaml}`), testDeps()));
    const [group] = await updates.next();
    assert.equal(group?.source, "Docker");
    assert.deepEqual(sortTargets(group?.targets ?? []), sortTargets(EXPECTED[c.want] ?? []));
    assert.deepEqual(engine.requests.map((r) => `${r.method} ${r.url}`), ["HEAD /_ping", "GET /v1.40/containers/json", "GET /v1.40/networks"]);
  });
}

const STATE: EngineState = {
  containers: [{ Id: "c1", Names: ["/a"], HostConfig: { NetworkMode: "bridge" }, Ports: [{ PrivatePort: 80, Type: "tcp" }], NetworkSettings: { Networks: { bridge: { NetworkID: "n1", IPAddress: "172.17.0.2" } } } }],
  networks: [{ Id: "n1", Name: "bridge", Scope: "local" }],
};

/** The `err` of every "Unable to refresh" line. */
function errorLogger(errors: string[]): Logger {
  const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (fields) => void errors.push(String(fields.err)), child: () => logger };
  return logger;
}

const FAULTS: { resource: string; fault: EngineFault; error: RegExp }[] = [
  { resource: "containers", fault: { status: 500, body: '{"message":"boom"}' }, error: /^error while listing containers: Error response from daemon: boom$/ },
  { resource: "networks", fault: { status: 500, body: "" }, error: /^error while computing network labels: request returned Internal Server Error/ },
  { resource: "networks", fault: { truncateAfterBytes: 5 }, error: /^error while computing network labels: .*(unexpected EOF|aborted|socket hang up)/ },
  { resource: "containers", fault: { hugeBytes: 1024 * 1024 }, error: /response body larger than 65536 bytes/ },
  { resource: "containers", fault: { stallAfterBytes: 3 }, error: /did not finish within 300 ms|deadline exceeded/ },
  { resource: "containers", fault: { body: '[{"Id": 1}]' }, error: /json: cannot unmarshal number 1 into Go struct field container.Summary.Id of type string/ },
  { resource: "containers", fault: { body: "[{" }, error: /^error while listing containers: decoding \/containers\/json/ },
];

for (const { resource, fault, error } of FAULTS) {
  test(`docker: ${JSON.stringify(fault).slice(0, 40)} on ${resource} keeps the last good targets, is logged and counted, then recovers`, async (t) => {
    const engine = await startFixtureEngine(t, STATE, "1.41");
    const errors: string[] = [];
    const deps = testDeps({ logger: errorLogger(errors) });
    const config = { ...parse(`host: ${engine.host}\nrefresh_interval: 300ms`), maxBodyBytes: 64 * 1024 };
    const updates = pullUpdates(t, createDockerDiscoverer(config, deps));
    assert.equal((await updates.next())[0]?.targets.length, 1);
    engine.faults.set(resource, fault);
    const pending = updates.pull(); // nothing is yielded while refreshes fail: the manager keeps the last targets
    await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "docker" }, value: 1 });
    assert.match(errors[0] ?? "", error);
    engine.faults.delete(resource);
    const recovered = await pending;
    assert.equal(recovered.value?.[0]?.targets.length, 1);
    assert.equal(errors.length, 1, "one log line per distinct error");
  });
}

test("docker (v3): a daemon that is down at start is retried, and negotiation happens once it answers", async (t) => {
  const dir = await tempDir(t);
  const socketPath = join(dir, "late.sock");
  const deps = testDeps();
  const updates = pullUpdates(t, createDockerDiscoverer(parse(`host: unix://${socketPath}\nrefresh_interval: 100ms`), deps));
  const first = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "docker" }, value: 1 });
  const engine = await startFakeDockerEngine(STATE, { socketPath });
  t.after(() => engine.close());
  assert.equal((await first).value?.[0]?.targets.length, 1);
  assert.ok(engine.requests.some((r) => r.url.startsWith("/v1.41/containers/json")), "v3 negotiates with the daemon once it is up");
});

test("docker (v2.42): a failed ping pins API version 1.24 for good, as Docker client 20.10 does", async (t) => {
  const engine = await startFixtureEngine(t, STATE, "");
  engine.faults.set("_ping", { status: 500, body: "no" });
  const updates = pullUpdates(t, createDockerDiscoverer(parse(`host: ${engine.host}\nrefresh_interval: 100ms`, "v2.42"), testDeps()));
  assert.equal((await updates.next())[0]?.targets.length, 1);
  engine.faults.delete("_ping");
  engine.apiVersion = "1.41";
  await updates.next();
  assert.deepEqual(engine.requests.filter((r) => r.url !== "/_ping").map((r) => r.url.replace(/\?.*/, "")), ["/v1.24/containers/json", "/v1.24/networks", "/v1.24/containers/json", "/v1.24/networks"]);
});

test("docker: an unparsable host fails the discoverer's creation, as in Prometheus", () => {
  assert.throws(() => createDockerDiscoverer(parse("host: localhost"), testDeps()), (error: unknown) => error instanceof SourceError && /unable to parse docker host/.test(error.message));
});
