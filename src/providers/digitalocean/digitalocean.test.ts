import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import type { Profile } from "../../profile.js";
import { parseDigitalOceanConfig, type DigitalOceanConfig } from "./config.js";
import { createDigitalOceanDiscoverer } from "./discoverer.js";
import { startFakeDigitalOcean, type DigitalOceanState } from "./fake-digitalocean.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const listOf = (name: string, key: string): unknown[] => (fixture(name) as Record<string, unknown[]>)[key] ?? [];
const TOKEN = "3c9a75b5b4f6d7f5e3a3a9a1b9f4b1e0";
const parse = (yaml: string, profile: Profile = "v3"): DigitalOceanConfig => parseConfigYaml(parseDigitalOceanConfig, yaml, { profile });

function mockState(): DigitalOceanState {
  return {
    droplets: [...listOf("droplets-page1.json", "droplets"), ...listOf("droplets-page2.json", "droplets")],
    databases: [...listOf("databases-page1.json", "databases"), ...listOf("databases-page2.json", "databases")],
  };
}

async function withFake(t: TestContext, yaml: string, state = mockState()) {
  const fake = await startFakeDigitalOcean(await tempDir(t), { token: TOKEN, state });
  t.after(() => fake.close());
  return { fake, config: parse(`${yaml}\nbearer_token: ${TOKEN}\n${fake.clientYaml}`) };
}

test("digitalocean config: Prometheus's defaults and validation messages", () => {
  const config = parse("{}");
  assert.deepEqual([config.role, config.port, config.refreshIntervalMs], ["droplets", 80, 60_000]);
  assert.equal(parse("role: databases\nport: 9273").role, "databases");
  assert.equal(configProblem(() => parse("role: apps")), 'unknown DigitalOcean SD role "apps"');
  assert.equal(configProblem(() => parse("role: ''")), 'unknown DigitalOcean SD role ""');
  assert.equal(configProblem(() => parse("role: databases", "v2.42")), "yaml: unmarshal errors:\n  line 1: field role not found in type digitalocean.plain");
  assert.equal(configProblem(() => parse("bogus: 1")), "yaml: unmarshal errors:\n  line 1: field bogus not found in type digitalocean.plain");
  assert.equal(configProblem(() => parse("refresh_interval: 0s")), "refresh_interval must be greater than 0");
  assert.equal(configProblem(() => parse("basic_auth: {username: a}\nbearer_token: b")), "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured");
});

test("digitalocean droplets: Prometheus's mock pages give its expected labels, paged through the prev/next links", async (t) => {
  const { fake, config } = await withFake(t, "");
  const pages = [fixture("droplets-page1.json"), fixture("droplets-page2.json")];
  fake.setRoute((request) => ({ status: 202, body: pages[Number(request.url.searchParams.get("page") ?? "1") - 1] ?? { droplets: [] } }));
  const [group] = await pullUpdates(t, createDigitalOceanDiscoverer(config, testDeps())).next();
  assert.equal(group?.source, "DigitalOcean");
  assert.deepEqual(group?.targets, fixture("droplets-expected.json"));
  assert.deepEqual(fake.requests.map((r) => `${r.host} ${r.path} ${r.headers.authorization}`), [`api.digitalocean.com /v2/droplets Bearer ${TOKEN}`, `api.digitalocean.com /v2/droplets?page=2 Bearer ${TOKEN}`]);
});

test("digitalocean droplets: 45 droplets over the API's 20-per-page links; droplets without IPv4 are skipped", async (t) => {
  const [template] = mockState().droplets as Record<string, unknown>[];
  const droplets = Array.from({ length: 45 }, (_, i) => ({ ...template, id: i, networks: i === 3 ? { v4: [], v6: [] } : template?.["networks"] }));
  const { fake, config } = await withFake(t, "", { droplets, databases: [] });
  const [group] = await pullUpdates(t, createDigitalOceanDiscoverer(config, testDeps())).next();
  assert.equal(group?.targets.length, 44);
  assert.deepEqual(fake.requests.map((r) => r.path), ["/v2/droplets", "/v2/droplets?page=2", "/v2/droplets?page=3"]);
});

test("digitalocean databases: Prometheus's fixture and expected labels; pages are asked until one is empty", async (t) => {
  const { fake, config } = await withFake(t, "role: databases\nport: 9273");
  const pages = [fixture("databases-page1.json"), fixture("databases-page2.json")];
  fake.setRoute((request) => ({ body: pages[Number(request.url.searchParams.get("page")) - 1] ?? { databases: [] } }));
  const [group] = await pullUpdates(t, createDigitalOceanDiscoverer(config, testDeps())).next();
  assert.equal(group?.source, "DigitalOcean Databases");
  assert.deepEqual(group?.targets, fixture("databases-expected.json"));
  assert.deepEqual(fake.requests.map((r) => r.path), ["/v2/databases?page=1&per_page=100", "/v2/databases?page=2&per_page=100", "/v2/databases?page=3&per_page=100"]);
});

test("digitalocean databases: a cluster without any host has no address (target building fails, as in Prometheus)", async (t) => {
  const { config } = await withFake(t, "role: databases", { droplets: [], databases: [{ id: "x", name: "hostless", tags: ["a-b"] }] });
  const [group] = await pullUpdates(t, createDigitalOceanDiscoverer(config, testDeps())).next();
  assert.deepEqual(group?.targets, [{ __meta_digitalocean_db_id: "x", __meta_digitalocean_db_name: "hostless", __meta_digitalocean_db_engine: "", __meta_digitalocean_db_version: "", __meta_digitalocean_db_status: "", __meta_digitalocean_db_region: "", __meta_digitalocean_db_size: "", __meta_digitalocean_db_num_nodes: "0", "__meta_digitalocean_db_tag_a-b": "true" }]);
});

for (const role of ["droplets", "databases"] as const) {
  test(`digitalocean ${role}: faults keep the last targets, are counted, back off on 429 and are cut off when hanging`, async (t) => {
    const { fake, config } = await withFake(t, `role: ${role}`);
    await checkCloudFaults(t, { mechanism: "digitalocean", fake, targetCount: role === "droplets" ? 4 : 2, create: (deps, limits) => createDigitalOceanDiscoverer({ ...config, ...limits }, deps) });
  });
}
