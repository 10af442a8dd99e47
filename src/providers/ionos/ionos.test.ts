import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import { parseIonosConfig, type IonosConfig } from "./config.js";
import { createIonosDiscoverer } from "./discoverer.js";
import { startFakeIonos } from "./fake-ionos.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const DATACENTER = "8feda53f-15f0-447f-badf-ebe32dad2fc0";
const parse = (yaml: string): IonosConfig => parseConfigYaml(parseIonosConfig, yaml);

async function withFake(t: TestContext, servers: unknown = fixture("servers.json")) {
  const fake = await startFakeIonos(await tempDir(t), { authorization: "Bearer jwt", datacenterId: DATACENTER, servers });
  t.after(() => fake.close());
  return { fake, config: parse(`datacenter_id: ${DATACENTER}\nbearer_token: jwt\n${fake.clientYaml}`) };
}

test("ionos config: Prometheus's defaults and validation messages", () => {
  const config = parse(`datacenter_id: ${DATACENTER}`);
  assert.deepEqual([config.port, config.refreshIntervalMs, config.datacenterId], [80, 60_000, DATACENTER]);
  assert.equal(configProblem(() => parse("port: 9100")), "datacenter id can't be empty");
  assert.equal(configProblem(() => parse("datacenter_id: x\nlocation: de/fra")), "yaml: unmarshal errors:\n  line 2: field location not found in type ionos.plain");
  assert.equal(configProblem(() => parse("datacenter_id: x\nrefresh_interval: 0s")), "refresh_interval must be greater than 0");
  assert.equal(configProblem(() => parse("datacenter_id: x\nbasic_auth: {username: u, password: p, password_file: f}")), "at most one of basic_auth password, password_file & password_ref must be configured");
});

test("ionos: Prometheus's test data gives its expected labels from one depth=3 request", async (t) => {
  const { fake, config } = await withFake(t);
  const [group] = await pullUpdates(t, createIonosDiscoverer(config, testDeps())).next();
  assert.equal(group?.source, "ionos");
  assert.deepEqual(group?.targets, fixture("servers-expected.json"));
  assert.deepEqual(fake.requests.map((r) => `${r.host} ${r.path} ${r.headers.authorization}`), [`api.ionos.com /cloudapi/v6/datacenters/${DATACENTER}/servers?depth=3 Bearer jwt`]);
});

test("ionos: faults keep the last targets, are counted, back off on 429 and are cut off when hanging", async (t) => {
  const { fake, config } = await withFake(t);
  await checkCloudFaults(t, { mechanism: "ionos", fake, targetCount: 2, create: (deps, limits) => createIonosDiscoverer({ ...config, ...limits }, deps) });
});
