import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import { parseVultrConfig, type VultrConfig } from "./config.js";
import { createVultrDiscoverer } from "./discoverer.js";
import { startFakeVultr } from "./fake-vultr.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const mockInstances = (fixture("instances.json") as { instances: Record<string, unknown>[] }).instances;
const API_KEY = "ABCBTDG35OTGH2UKCC3S6CNMDUPCN3ZWSGFQ";
const parse = (yaml: string): VultrConfig => parseConfigYaml(parseVultrConfig, yaml);

async function withFake(t: TestContext, instances: readonly unknown[] = mockInstances) {
  const fake = await startFakeVultr(await tempDir(t), { token: API_KEY, instances });
  t.after(() => fake.close());
  return { fake, config: parse(`authorization: {credentials: ${API_KEY}}\n${fake.clientYaml}`) };
}

test("vultr config: Prometheus's defaults and validation messages", () => {
  const config = parse("{}");
  assert.deepEqual([config.port, config.refreshIntervalMs], [80, 60_000]);
  assert.equal(configProblem(() => parse("role: x")), "yaml: unmarshal errors:\n  line 1: field role not found in type vultr.plain");
  assert.equal(configProblem(() => parse("refresh_interval: 0s")), "refresh_interval must be greater than 0");
});

test("vultr: Prometheus's mock instances give its expected labels", async (t) => {
  const { fake, config } = await withFake(t);
  const [group] = await pullUpdates(t, createVultrDiscoverer(config, testDeps())).next();
  assert.equal(group?.source, "Vultr");
  assert.deepEqual(group?.targets, fixture("instances-expected.json"));
  assert.deepEqual(fake.requests.map((r) => `${r.host} ${r.path} ${r.headers.authorization}`), [`api.vultr.com /v2/instances?per_page=100 Bearer ${API_KEY}`]);
});

test("vultr: 250 instances are paged by the meta.links.next cursor", async (t) => {
  const [template] = mockInstances;
  const { fake, config } = await withFake(t, Array.from({ length: 250 }, (_, i) => ({ ...template, id: `i-${i}` })));
  const [group] = await pullUpdates(t, createVultrDiscoverer(config, testDeps())).next();
  assert.equal(group?.targets.length, 250);
  assert.equal(new Set(group?.targets.map((target) => target["__meta_vultr_instance_id"])).size, 250);
  assert.deepEqual(fake.requests.map((r) => r.url.searchParams.toString().replace(/cursor=[^&]+/, "cursor=C")), ["per_page=100", "cursor=C&per_page=100", "cursor=C&per_page=100"]);
});

test("vultr: faults keep the last targets, are counted, back off on 429 and are cut off when hanging", async (t) => {
  const { fake, config } = await withFake(t);
  await checkCloudFaults(t, { mechanism: "vultr", fake, targetCount: 3, create: (deps, limits) => createVultrDiscoverer({ ...config, ...limits }, deps) });
});
