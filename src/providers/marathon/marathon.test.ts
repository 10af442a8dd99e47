import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { SourceError } from "../../errors.js";
import type { TargetGroup } from "../../model/target-group.js";
import { configProblem, manualTicks, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric, type MetricExpectation } from "../../testing/index.js";
import { decodeAppList } from "./apps.js";
import { parseMarathonConfig, type MarathonConfig } from "./config.js";
import { createMarathonDiscoverer } from "./discoverer.js";
import { startFakeMarathon, type FakeMarathon } from "./fake-marathon-server.js";
import { appsToGroups } from "./groups.js";

const parse = (yaml: string, configDir = "/etc/prom"): MarathonConfig => parseConfigYaml(parseMarathonConfig, yaml, { configDir });
const problem = (yaml: string): string => configProblem(() => parse(yaml));

test("marathon config: validation messages in Prometheus's order", () => {
  const cases: { yaml: string; want: string }[] = [
    { yaml: "refresh_interval: 30s", want: "marathon_sd: must contain at least one Marathon server" },
    { yaml: "servers: []", want: "marathon_sd: must contain at least one Marathon server" },
    { yaml: "servers: [a]\nauth_token: t\nauth_token_file: f", want: "marathon_sd: at most one of auth_token & auth_token_file must be configured" },
    { yaml: "servers: [a]\nauth_token: t\nbasic_auth: {username: u}", want: "marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured" },
    { yaml: "servers: [a]\nauth_token_file: f\nbearer_token: b", want: "marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured" },
    { yaml: "servers: [a]\nauth_token: t\nbearer_token_file: b", want: "marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured" },
    { yaml: "servers: [a]\nauth_token: t\nauthorization: {credentials: c}", want: "marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured" },
    // marathon's own checks come before the HTTP client block's.
    { yaml: "servers: []\nbearer_token: a\nbearer_token_file: b", want: "marathon_sd: must contain at least one Marathon server" },
    { yaml: "servers: [a]\nbearer_token: a\nbearer_token_file: b", want: "at most one of bearer_token & bearer_token_file must be configured" },
    { yaml: "servers: [not-a-url]", want: "accepted" },
    { yaml: "servers: [a]\nfoo: 1", want: "yaml: unmarshal errors:\n  line 2: field foo not found in type marathon.SDConfig" },
  ];
  for (const c of cases) assert.equal(problem(c.yaml), c.want, c.yaml);
  const config = parse("servers: ['http://m:8080']\nauth_token_file: token");
  assert.equal(config.refreshIntervalMs, 30_000);
  assert.equal(config.authTokenFile, "/etc/prom/token");
});

type Expect = { source: string; labels: Record<string, string>; targets: Record<string, string>[] };
const serviceLabels = { __meta_marathon_app: "test-service", __meta_marathon_image: "repo/image:tag", __meta_marathon_app_label_prometheus: "yes" };
const target = (address: string, index: number, extra: Record<string, string> = {}, task = "test-task-1") => ({
  __address__: address, __meta_marathon_task: task, __meta_marathon_port_index: String(index), ...extra,
});
const mappingLabel = { __meta_marathon_port_mapping_label_prometheus: "yes" };
const definitionLabel = { __meta_marathon_port_definition_label_prometheus: "yes" };

const examples: { name: string; apps: unknown[]; want: Expect[] }[] = [
  {
    name: "M1 legacy docker port mapping, one task",
    apps: [{ id: "test-service", labels: { prometheus: "yes" }, container: { docker: { image: "repo/image:tag", portMappings: [{ hostPort: 31000, labels: { prometheus: "yes" } }] } }, tasks: [{ id: "test-task-1", host: "mesos-slave1" }] }],
    want: [{ source: "test-service", labels: serviceLabels, targets: [target("mesos-slave1:31000", 0, mappingLabel)] }],
  },
  {
    name: "M1 with container.portMappings",
    apps: [{ id: "test-service", labels: { prometheus: "yes" }, container: { docker: { image: "repo/image:tag" }, portMappings: [{ hostPort: 31000, labels: { prometheus: "yes" } }] }, tasks: [{ id: "test-task-1", host: "mesos-slave1" }] }],
    want: [{ source: "test-service", labels: serviceLabels, targets: [target("mesos-slave1:31000", 0, mappingLabel)] }],
  },
  {
    name: "M2 auto-assigned host port",
    apps: [{ id: "test-service", labels: { prometheus: "yes" }, container: { docker: { image: "repo/image:tag" }, portMappings: [{ hostPort: 0, labels: { prometheus: "yes" } }, { hostPort: 32000, labels: {} }] }, tasks: [{ id: "test-task-1", host: "mesos-slave1", ports: [12345, 32000] }] }],
    want: [{ source: "test-service", labels: serviceLabels, targets: [target("mesos-slave1:12345", 0, mappingLabel), target("mesos-slave1:32000", 1)] }],
  },
  {
    name: "M3 container network: task IP and container ports",
    apps: [{ id: "test-service", container: { docker: { image: "repo/image:tag" }, portMappings: [{ containerPort: 8080, hostPort: 31000, labels: { prometheus: "yes" } }, { containerPort: 1234, hostPort: 32000 }] }, networks: [{ mode: "container", name: "test-network" }], tasks: [{ id: "test-task-1", host: "mesos-slave1", ipAddresses: [{ ipAddress: "1.2.3.4" }] }] }],
    want: [{ source: "test-service", labels: { __meta_marathon_app: "test-service", __meta_marathon_image: "repo/image:tag" }, targets: [target("1.2.3.4:8080", 0, mappingLabel), target("1.2.3.4:1234", 1)] }],
  },
  {
    name: "M3 container/bridge network: host ports on the task host",
    apps: [{ id: "test-service", container: { docker: { image: "repo/image:tag" }, portMappings: [{ containerPort: 8080, hostPort: 31000, labels: { prometheus: "yes" } }, { containerPort: 1234, hostPort: 32000 }] }, networks: [{ mode: "container/bridge", name: "test-network" }], tasks: [{ id: "test-task-1", host: "mesos-slave1", ipAddresses: [{ ipAddress: "1.2.3.4" }] }] }],
    want: [{ source: "test-service", labels: { __meta_marathon_app: "test-service", __meta_marathon_image: "repo/image:tag" }, targets: [target("mesos-slave1:31000", 0, mappingLabel), target("mesos-slave1:32000", 1)] }],
  },
  {
    name: "M4 port definitions, requirePorts false",
    apps: [{ id: "test-service", labels: { prometheus: "yes" }, container: { docker: { image: "repo/image:tag" } }, portDefinitions: [{ port: 31000, labels: {} }, { port: 32000, labels: { prometheus: "yes" } }], requirePorts: false, tasks: [{ id: "test-task-1", host: "mesos-slave1", ports: [1234, 5678] }] }],
    want: [{ source: "test-service", labels: serviceLabels, targets: [target("mesos-slave1:1234", 0), target("mesos-slave1:5678", 1, definitionLabel)] }],
  },
  {
    name: "M4 port definitions, requirePorts true",
    apps: [{ id: "test-service", labels: { prometheus: "yes" }, container: { docker: { image: "repo/image:tag" } }, portDefinitions: [{ port: 31000, labels: {} }, { port: 32000, labels: { prometheus: "yes" } }], requirePorts: true, tasks: [{ id: "test-task-1", host: "mesos-slave1", ports: [31000, 32000] }] }],
    want: [{ source: "test-service", labels: serviceLabels, targets: [target("mesos-slave1:31000", 0), target("mesos-slave1:32000", 1, definitionLabel)] }],
  },
  {
    name: "M5 task ports only: the first task's ports are reused",
    apps: [{ id: "/svc", container: { docker: { image: "img" } }, tasks: [{ id: "t1", host: "h1", ports: [31000, 32000] }, { id: "t2", host: "h2", ports: [31500, 32500] }] }],
    want: [{ source: "/svc", labels: { __meta_marathon_app: "/svc", __meta_marathon_image: "img" }, targets: [target("h1:31000", 0, {}, "t1"), target("h1:32000", 1, {}, "t1"), target("h2:31000", 0, {}, "t2"), target("h2:32000", 1, {}, "t2")] }],
  },
  {
    name: "M6 zero ports: a group without targets",
    apps: [{ id: "test-service-zero-ports", tasks: [{ id: "t", host: "h", ports: [] }] }],
    want: [{ source: "test-service-zero-ports", labels: { __meta_marathon_app: "test-service-zero-ports", __meta_marathon_image: "" }, targets: [] }],
  },
  {
    name: "M6 one definition, two task ports: port 0 stays",
    apps: [{ id: "a", portDefinitions: [{ port: 9000 }], tasks: [{ id: "t", host: "h", ports: [1, 2] }] }],
    want: [{ source: "a", labels: { __meta_marathon_app: "a", __meta_marathon_image: "" }, targets: [target("h:0", 0, {}, "t")] }],
  },
  {
    name: "M6 label keys are sanitised; IPv6 hosts bracketed; later duplicate id wins",
    apps: [
      { id: "dup", labels: { "prometheus.io/scrape": "true" }, tasks: [{ id: "old", host: "h", ports: [1] }] },
      { id: "dup", labels: { "prometheus.io/scrape": "true" }, tasks: [{ id: "new", host: "::1", ports: [2] }] },
    ],
    want: [{ source: "dup", labels: { __meta_marathon_app: "dup", __meta_marathon_image: "", __meta_marathon_app_label_prometheus_io_scrape: "true" }, targets: [target("[::1]:2", 0, {}, "new")] }],
  },
  {
    name: "keys match case-insensitively; unknown fields and null are ignored",
    apps: [{ ID: "x", Tasks: [{ Id: "t", HOST: "h", ports: [5], state: "TASK_KILLED", healthCheckResults: [] }], labels: null, tasksRunning: 0 }],
    want: [{ source: "x", labels: { __meta_marathon_app: "x", __meta_marathon_image: "" }, targets: [target("h:5", 0, {}, "t")] }],
  },
];

for (const example of examples) {
  test(`marathon groups: ${example.name}`, () => {
    const groups = appsToGroups(decodeAppList(Buffer.from(JSON.stringify({ apps: example.apps }))));
    assert.deepEqual(groups, example.want);
  });
}

test("marathon decoding: a value of the wrong type fails the whole document", () => {
  const bad = [
    '{"apps": [{"id": "a", "tasks": [{"ports": [-1]}]}]}',
    '{"apps": [{"id": "a", "tasks": [{"ports": [1.5]}]}]}',
    '{"apps": [{"id": "a", "tasks": [{"ports": ["80"]}]}]}',
    '{"apps": [{"id": 5}]}',
    '{"apps": [{"id": "a", "labels": {"k": 1}}]}',
    '{"apps": [{"id": "a", "tasksRunning": "1"}]}',
    '{"apps": {}}',
    '{"apps": []} trailing',
    "",
    '\ufeff{"apps": []}',
  ];
  for (const body of bad) assert.throws(() => decodeAppList(Buffer.from(body)), { name: "MarathonDecodeError" }, body);
  assert.deepEqual(decodeAppList(Buffer.from('{"apps": null}')), []);
  assert.deepEqual(decodeAppList(Buffer.from("{}")), []);
});

async function fake(t: TestContext, apps: unknown[] = []): Promise<FakeMarathon> {
  const marathon = await startFakeMarathon({ apps });
  t.after(() => marathon.close());
  return marathon;
}

const app = (id: string, tasks: [string, string, number][]) => ({ id, tasks: tasks.map(([taskId, host, port]) => ({ id: taskId, host, ports: [port] })) });
const brief = (groups: readonly TargetGroup[]): string[] => groups.map((g) => `${g.source}: ${g.targets.map((x) => x["__address__"]).join(",")}`).sort();

const refreshFailures = (value: number): MetricExpectation => ({ name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "marathon", config: "job" }, value });

test("marathon: the exact request, auth_token, apps and tasks appearing and vanishing, failures keep targets (M7)", async (t) => {
  const marathon = await fake(t, [app("a", [["a1", "h1", 1]]), app("b", [["b1", "h2", 2]])]);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createMarathonDiscoverer(parse(`servers: ['${marathon.url}']\nauth_token: s3cret`), deps));
  const next = async (): Promise<string[]> => brief(await updates.next());
  assert.deepEqual(await next(), ["a: h1:1", "b: h2:2"]);
  assert.equal(marathon.requests[0]?.url, "/v2/apps/?embed=apps.tasks");
  assert.equal(marathon.requests[0]?.headers.authorization, "token=s3cret");
  assert.equal(marathon.requests[0]?.headers.accept, undefined);

  marathon.setApps([app("a", [["a1", "h1", 1], ["a2", "h3", 3]])]);
  ticks.tick();
  // a2 gets a1's ports (M5), and b, gone, comes out empty.
  assert.deepEqual(await next(), ["a: h1:1,h3:1", "b: "]);

  const pending = updates.pull();
  const faults = [
    { status: 500, body: "oops" },
    { status: 200, body: '{"apps": [{"id": "a", "tasks": [{"ports": ["x"]}]}]}' },
    { status: 200, body: '{"apps": [', truncateAfterBytes: 5 },
    { status: 301, body: "" },
  ];
  for (const [i, fault] of faults.entries()) {
    marathon.answerNext(fault);
    ticks.tick();
    await waitForMetric(deps.registry, { ...refreshFailures(i + 1), description: `failure ${i + 1}` });
  }
  marathon.setApps([]);
  ticks.tick();
  const recovered = await pending;
  assert.ok(!recovered.done);
  assert.deepEqual(brief(recovered.value), ["a: "]);
  await updates.stop();
});

test("marathon: auth_token_file is read on every request; unreadable at creation fails creation", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "token"), " first\n");
  const marathon = await fake(t, [app("a", [["a1", "h", 1]])]);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createMarathonDiscoverer(parse(`servers: ['${marathon.url}']\nauth_token_file: token`, dir), deps));
  await updates.next();
  await writeFile(join(dir, "token"), "second");
  ticks.tick();
  await updates.next();
  assert.deepEqual(marathon.requests.map((r) => r.headers.authorization), ["token=first", "token=second"]);
  await updates.stop();
  assert.throws(() => createMarathonDiscoverer(parse(`servers: ['${marathon.url}']\nauth_token_file: missing`, dir), deps), (error: unknown) => {
    assert.ok(error instanceof SourceError);
    assert.match(error.message, /^unable to read auth token file .*missing: /);
    return true;
  });
});

test("marathon: basic auth and a trailing slash in the server are sent as Prometheus does", async (t) => {
  const marathon = await fake(t);
  const stop = new AbortController();
  t.after(() => stop.abort());
  const config = parse(`servers: ['${marathon.url}/']\nbasic_auth: {username: u, password: p}`);
  const updates = createMarathonDiscoverer(config, testDeps({ sleep: async () => false })).discover(stop.signal);
  const seen: (readonly TargetGroup[])[] = [];
  for await (const groups of updates) seen.push(groups);
  // Appended textually: `//v2/apps/…`, which the fake answers with 404 (a failed refresh, nothing emitted).
  assert.deepEqual(seen, []);
  assert.equal(marathon.requests[0]?.url, "//v2/apps/?embed=apps.tasks");
  assert.equal(marathon.requests[0]?.headers.authorization, `Basic ${Buffer.from("u:p").toString("base64")}`);
});

test("marathon: a server that never answers times out after refresh_interval", async (t) => {
  const marathon = await fake(t);
  marathon.answerAlways({ status: 200, body: "", hang: true });
  const deps = testDeps({ sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createMarathonDiscoverer(parse(`servers: ['${marathon.url}']\nrefresh_interval: 200ms`), deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, refreshFailures(1));
  await updates.stop(pending);
});

test("marathon: one server per refresh, no fail-over within a refresh", async (t) => {
  const first = await fake(t, [app("a", [["a1", "h", 1]])]);
  const second = await fake(t, [app("b", [["b1", "h", 2]])]);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const picks = [0, 1, 0];
  const config = parse(`servers: ['${first.url}', '${second.url}']`);
  const pickServer = (count: number): number => {
    assert.equal(count, 2);
    return picks.shift() ?? 0;
  };
  const updates = pullUpdates(t, createMarathonDiscoverer(config, deps, { pickServer }));
  const next = async (): Promise<string[]> => brief(await updates.next());
  assert.deepEqual(await next(), ["a: h:1"]);
  ticks.tick();
  assert.deepEqual(await next(), ["a: ", "b: h:2"]);
  // The picked server fails: the refresh fails, the other server is not tried.
  first.answerNext({ status: 503, body: "" });
  const pending = updates.pull();
  ticks.tick();
  await waitForMetric(deps.registry, refreshFailures(1));
  assert.equal(second.requests.length, 1);
  assert.equal(first.requests.length, 2);
  await updates.stop(pending);
});
