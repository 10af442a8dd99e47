import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, metricValue, parseConfigYaml, pullUpdates, testDeps, waitForMetric } from "../../testing/index.js";
import { parseNomadConfig, type NomadConfig } from "./config.js";
import { createNomadDiscoverer, goPathEscape } from "./discoverer.js";
import { startFakeNomad } from "./fake-nomad-server.js";

const parse = (yaml: string): NomadConfig => parseConfigYaml(parseNomadConfig, yaml);
const problem = (yaml: string): string => configProblem(() => parse(yaml));

interface PrometheusFixture {
  answers: Record<string, unknown>;
  expected: { source: string; targets: Record<string, string>[] };
  configuredServer: { name: string; server: string; accepted: boolean }[];
}
const fixture = JSON.parse(await readFile(join(import.meta.dirname, "fixtures", "prometheus-nomad-test.json"), "utf8")) as PrometheusFixture;

test("nomad config: Prometheus's defaults and validation", () => {
  const config = parse("{}");
  assert.deepEqual([config.allowStale, config.namespace, config.refreshIntervalMs, config.region, config.server, config.tagSeparator], [true, "default", 60_000, "global", "http://localhost:4646", ","]);
  const cases: [string, string][] = [
    ["server: '  '", "nomad SD configuration requires a server address"],
    ["server: ''", "nomad SD configuration requires a server address"],
    ["bearer_token: a\nbearer_token_file: b", "at most one of bearer_token & bearer_token_file must be configured"],
    ["allow_stale: maybe", "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `maybe` into bool"],
    ["datacenter: dc1", "yaml: unmarshal errors:\n  line 1: field datacenter not found in type nomad.SDConfig"],
    ["server: http://n:4646\nnamespace: ''\nregion: ''", "accepted"],
  ];
  for (const [yaml, want] of cases) assert.equal(problem(yaml), want, yaml);
});

test("nomad: TestConfiguredService's servers (an address url.Parse rejects fails discoverer creation)", () => {
  for (const c of fixture.configuredServer) {
    const create = (): unknown => createNomadDiscoverer(parse(`server: '${c.server}'`), testDeps());
    if (c.accepted) assert.doesNotThrow(create, c.name);
    else assert.throws(create, /invalid address '172\.30\.29\.23:4646': parse "172\.30\.29\.23:4646": first path segment in URL cannot contain colon/, c.name);
  }
});

test("nomad: TestNomadSDRefresh's mock answers give its expected target, with the Go client's exact requests", async (t) => {
  const nomad = await startFakeNomad();
  t.after(() => nomad.close());
  nomad.setRawAnswers(fixture.answers);
  const updates = pullUpdates(t, createNomadDiscoverer(parse(`server: '${nomad.url}/'`), testDeps({ sleep: manualTicks().sleep })));
  assert.deepEqual(await updates.next(), [{ source: fixture.expected.source, labels: {}, targets: fixture.expected.targets }]);
  assert.deepEqual(nomad.requests.map((r) => `${r.method} ${r.path}`), ["GET /v1/services?namespace=default&region=global&stale=", "GET /v1/service/hashicups?namespace=default&region=global&stale="]);
  await updates.stop();
});

test("nomad: namespaces, tag separator, odd names, IPv6, no tags, services appearing and vanishing", async (t) => {
  const nomad = await startFakeNomad({ registrations: [
    { ID: "a1", ServiceName: "web api", Namespace: "prod", Address: "::1", Port: 80, Tags: ["x", "y"], Datacenter: "dc2", NodeID: "n1" },
    { ID: "a2", ServiceName: "web api", Namespace: "prod", Address: "10.0.0.2", Port: 81 },
    { ID: "b1", ServiceName: "db", Namespace: "other", Address: "10.0.0.3", Port: 5432 },
  ] });
  t.after(() => nomad.close());
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createNomadDiscoverer(parse(`server: '${nomad.url}/ignored/path'\nnamespace: prod\nregion: eu west\nallow_stale: false\ntag_separator: '|'`), deps));
  const [group] = await updates.next();
  assert.deepEqual(group?.targets.map((x) => [x["__address__"], x["__meta_nomad_tags"], x["__meta_nomad_namespace"]]), [["[::1]:80", "|x|y|", "prod"], ["10.0.0.2:81", undefined, "prod"]]);
  assert.deepEqual(nomad.requests.map((r) => r.path), ["/v1/services?namespace=prod&region=eu+west", "/v1/service/web%20api?namespace=prod&region=eu+west"]);
  nomad.setRegistrations([]);
  ticks.tick();
  assert.deepEqual(await updates.next(), [{ source: "Nomad", labels: {}, targets: [] }]);
  assert.equal(goPathEscape("a/b?c d!é$&+:=@"), "a%2Fb%3Fc%20d%21%C3%A9$&+:=@");
  await updates.stop();
});

test("nomad: a wrongly typed field, a non-200 status or a failing service fails the refresh and is counted twice", async (t) => {
  const nomad = await startFakeNomad();
  t.after(() => nomad.close());
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  nomad.setRawAnswers({ "/v1/services": [{ Namespace: "default", Services: [{ ServiceName: "s" }] }], "/v1/service/s": [{ Address: "h", Port: 1.5 }] });
  const updates = pullUpdates(t, createNomadDiscoverer(parse(`server: '${nomad.url}'`), deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "nomad" }, value: 1 });
  assert.equal(await metricValue(deps.registry, "prometheus_sd_nomad_failures_total"), 1);
  nomad.api.answerNext({ status: 204, body: "" });
  ticks.tick();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "nomad" }, value: 2 });
  nomad.setRawAnswers(fixture.answers);
  ticks.tick();
  assert.equal((await pending).done, false);
  await updates.stop();
});

test("nomad: the shared fault run (500, truncated, oversized, stalled mid-body, 429, server gone, down at start)", async (t) => {
  const nomad = await startFakeNomad({ registrations: [{ ID: "a", ServiceName: "s", Address: "10.0.0.1", Port: 1 }] });
  await checkCloudFaults(t, {
    mechanism: "nomad",
    fake: nomad.api,
    targetCount: 1,
    create: (deps, limits) => createNomadDiscoverer({ ...parse(`server: '${nomad.url}'`), refreshIntervalMs: limits.refreshIntervalMs, maxBodyBytes: limits.maxBodyBytes }, deps),
  });
});
