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

test("ionos: repeated NIC names overwrite IP list entries as Prometheus's shared Go slices do, per Go version", async () => {
  const { GoStruct } = await import("../../cloud/go-json.js");
  const { ionosTarget } = await import("./discoverer.js");
  const nic = (name: string | null, ips: string[]) => ({ properties: { ...(name === null ? {} : { name }), ips } });
  const server = (nics: unknown[]) => GoStruct.of({ id: "s", properties: {}, entities: { nics: { items: nics } } }, "ionoscloud.Server");
  const ip = (nics: unknown[], profile: "v3" | "v2.42") => ionosTarget(server(nics), "x", 80, profile)?.["__meta_ionos_server_ip"];
  // Go 1.19 decodes a 1-element slice with capacity 4: the third NIC's appends share its array (seen with promtool 2.42).
  const small = [nic(null, ["a"]), nic("x", ["c"]), nic(null, ["b"])];
  assert.equal(ip(small, "v2.42"), ",b,a,a,");
  // Go 1.21+ grows decoded slices 1, 2, 4, 8: no spare capacity here, so the list is intact…
  assert.equal(ip(small, "v3"), ",b,c,a,");
  // …but five IPs get capacity 8 (3 spare) and the overwrite happens in 3.x, not in 2.42 (capacity 6).
  const five = [nic(null, ["a"]), nic("x", ["c"]), nic(null, ["b1", "b2", "b3", "b4", "b5"])];
  assert.equal(ip(five, "v3"), ",b1,b2,b3,b4,b5,a,a,");
  assert.equal(ip(five, "v2.42"), ",b1,b2,b3,b4,b5,c,a,");
});
