import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { configProblem, manualTicks, metricValue, parseConfigYaml, pullUpdates, testDeps, waitFor } from "../../testing/index.js";
import { parseKumaConfig, type KumaConfig } from "./config.js";
import { createKumaDiscoverer, madsEndpoint } from "./discoverer.js";
import { startFakeKuma } from "./fake-kuma-server.js";
import { assignmentsToTargets, decodeDiscoveryResponse, MADS_TYPE_URL } from "./mads.js";

const parse = (yaml: string): KumaConfig => parseConfigYaml(parseKumaConfig, yaml);
const problem = (yaml: string): string => configProblem(() => parse(yaml));
const fixture = JSON.parse(await readFile(join(import.meta.dirname, "fixtures", "prometheus-kuma-test.json"), "utf8")) as { assignments: unknown[]; expectedTargets: Record<string, string>[] };
const response = (resources: unknown[], typeUrl = MADS_TYPE_URL) => ({ version_info: "1", type_url: typeUrl, resources: resources.map((r) => ({ "@type": MADS_TYPE_URL, ...(r as object) })) });

test("kuma config: Prometheus's defaults and validation", () => {
  const config = parse("server: http://kuma:5676\nclient_id: test-id");
  assert.deepEqual([config.refreshIntervalMs, config.fetchTimeoutMs, config.clientId], [15_000, 120_000, "test-id"]);
  assert.notEqual(parse("server: http://kuma:5676").clientId, "", "defaults to the host name");
  const cases: [string, string][] = [
    ["client_id: x", "kuma SD server must not be empty: "],
    ["server: kuma:5676", "kuma SD server must not be empty and have a scheme: kuma:5676"],
    ["server: 'http://k/%zz'", 'parse "http://k/%zz": invalid URL escape "%zz"'],
    ["server: http://k\nbearer_token: a\nbearer_token_file: b", "at most one of bearer_token & bearer_token_file must be configured"],
    ["server: http://k\nmesh: x", "yaml: unmarshal errors:\n  line 2: field mesh not found in type xds.plainKumaConf"],
    ["server: ftp://k", "accepted"],
  ];
  for (const [yaml, want] of cases) assert.equal(problem(yaml), want, yaml);
  assert.throws(() => createKumaDiscoverer(parse("server: ftp://k"), testDeps()), /kuma_sd: invalid xDS server URL protocol\. must be either 'http' or 'https'/);
  assert.equal(madsEndpoint("http://k:5676/base/?x=1", 120_000), "http://k:5676/base/v3/discovery:monitoringassignments?fetch-timeout=2m");
});

test("kuma MADS: TestKumaMadsV1ResourceParser* vectors (valid resources, empty, invalid type URL, wrong types)", () => {
  assert.deepEqual(assignmentsToTargets(decodeDiscoveryResponse(response(fixture.assignments))), fixture.expectedTargets);
  assert.deepEqual(assignmentsToTargets(decodeDiscoveryResponse(response([]))), []);
  assert.throws(() => assignmentsToTargets(decodeDiscoveryResponse(response([], "type.googleapis.com/some.api.v1.Monitoring"))), /received invalid typeURL for Kuma MADS v1 Resource/);
  assert.throws(() => decodeDiscoveryResponse({ type_url: MADS_TYPE_URL, resources: [{ "@type": "type.googleapis.com/unknown.Type" }] }), /unable to resolve/);
  assert.throws(() => assignmentsToTargets(decodeDiscoveryResponse(response([{ mesh: 5 }]))), /invalid value for string field mesh/);
  assert.throws(() => decodeDiscoveryResponse({ version_info: "1", versionInfo: "2" }), /duplicate field/);
  // JSON names are accepted too; the assignment's labels win over the target's.
  const camel = decodeDiscoveryResponse({ versionInfo: "7", typeUrl: MADS_TYPE_URL, resources: [{ "@type": MADS_TYPE_URL, mesh: "m", labels: { a: "assignment" }, targets: [{ name: "t", metricsPath: "/m", labels: { a: "target", "b.c": "x" }, unknown: 1 }] }] });
  assert.equal(camel.versionInfo, "7");
  assert.deepEqual(assignmentsToTargets(camel)[0], { __meta_kuma_label_a: "assignment", __meta_kuma_label_b_c: "x", __meta_kuma_mesh: "m", __meta_kuma_service: "", __meta_kuma_dataplane: "t", __address__: "", instance: "t", __scheme__: "", __metrics_path__: "/m" });
});

test("kuma: long-poll against the fake MADS server: version and nonce acknowledged, 304 skipped, changes pushed", async (t) => {
  const kuma = await startFakeKuma({ assignments: fixture.assignments });
  t.after(() => kuma.close());
  const deps = testDeps({ sleep: async (_ms, signal) => !signal.aborted });
  const config = parse(`server: ${kuma.url}\nclient_id: test-id\nfetch_timeout: 300ms\nrefresh_interval: 10ms`);
  const updates = pullUpdates(t, createKumaDiscoverer(config, deps));
  assert.deepEqual(await updates.next(), [{ source: "kuma", labels: {}, targets: fixture.expectedTargets }]);
  assert.equal(kuma.requests[0]?.url, "/v3/discovery:monitoringassignments?fetch-timeout=300ms");
  assert.equal(kuma.requests[0]?.rawBody, `{"node":{"id":"test-id"},"type_url":"${MADS_TYPE_URL}"}`);
  assert.equal(kuma.requests[0]?.headers["content-type"], "application/json");
  assert.equal(kuma.requests[0]?.headers["accept"], "application/json");
  const pending = updates.pull();
  await waitFor(async () => (await metricValue(deps.registry, "prometheus_sd_kuma_fetch_skipped_updates_total")) >= 1, { timeoutMs: 5000, description: "a held request ends in 304" });
  assert.deepEqual(kuma.requests[1]?.body, { version_info: "1", node: { id: "test-id" }, type_url: MADS_TYPE_URL, response_nonce: "n1" });
  kuma.setAssignments([{ mesh: "m", service: "s", targets: [{ name: "d1", scheme: "https", address: "10.0.0.9:5670", metrics_path: "/metrics" }] }]);
  const changed = await pending;
  assert.ok(!changed.done);
  assert.deepEqual(changed.value[0]?.targets.map((x) => x["__address__"]), ["10.0.0.9:5670"]);
  await updates.stop();
});

test("kuma: server down at start, 500, truncated, oversized, stalled and undecodable answers keep the last targets", async (t) => {
  const probe = await startFakeKuma();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const config: KumaConfig = { ...parse(`server: http://127.0.0.1:${port}\nclient_id: c\nfetch_timeout: 100ms`), maxBodyBytes: 2048 };
  const updates = pullUpdates(t, createKumaDiscoverer(config, deps, { fetchGraceMs: 200 }));
  const failures = (n: number) => waitFor(async () => (await metricValue(deps.registry, "prometheus_sd_kuma_fetch_failures_total")) === n, { timeoutMs: 20_000, description: `${n} failures` });
  const first = updates.pull();
  await failures(1);
  const kuma = await startFakeKuma({ assignments: fixture.assignments, port });
  t.after(() => kuma.close());
  ticks.tick();
  const up = await first;
  assert.ok(!up.done);
  assert.equal(up.value[0]?.targets.length, 3);

  const pending = updates.pull();
  const big = JSON.stringify(response(Array.from({ length: 40 }, (_, i) => ({ mesh: "m", service: `s${i}`, targets: [{ name: `t${i}`, address: "10.0.0.1" }] }))));
  const faults = [
    { status: 500, body: "" },
    { status: 200, body: big, truncateAfterBytes: 100 },
    { status: 200, body: big },
    { status: 200, body: big.slice(0, 1500), stallAfterBytes: 200 },
    { status: 200, body: JSON.stringify({ type_url: MADS_TYPE_URL, resources: [{ "@type": "type.googleapis.com/x.Y" }] }) },
  ];
  for (const [i, fault] of faults.entries()) {
    kuma.script.next(fault);
    ticks.tick();
    await failures(i + 2);
  }
  kuma.setAssignments([]);
  ticks.tick();
  const recovered = await pending;
  assert.ok(!recovered.done);
  assert.deepEqual(recovered.value, [{ source: "kuma", labels: {}, targets: [] }]);
  await updates.stop();
});

test("kuma: aborting during a held long-poll ends discovery at once and leaves no socket or timer behind", async (t) => {
  const kuma = await startFakeKuma({ assignments: fixture.assignments });
  t.after(() => kuma.close());
  const baseline = process.getActiveResourcesInfo().length;
  const stop = new AbortController();
  const config = parse(`server: ${kuma.url}\nclient_id: c\nfetch_timeout: 60s\nrefresh_interval: 10ms`);
  const iterator = createKumaDiscoverer(config, testDeps()).discover(stop.signal)[Symbol.asyncIterator]();
  assert.ok(!(await iterator.next()).done);
  const held = iterator.next();
  await waitFor(() => kuma.requests.length === 2, { timeoutMs: 5000, description: "the second request is held by the server" });
  stop.abort();
  assert.equal((await held).done, true, "the discoverer ends when aborted");
  await waitFor(() => process.getActiveResourcesInfo().length <= baseline, { timeoutMs: 5000, description: "no resources left behind" });
});
