import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import type { Profile } from "../../profile.js";
import { parseHetznerConfig, type HetznerConfig } from "./config.js";
import { createHetznerDiscoverer } from "./discoverer.js";
import { startFakeHetzner, type FakeHetzner, type HetznerState } from "./fake-hetzner.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const TOKEN = "LRK9DAWQ1ZAEFSrCNEEzLCUwhYX1U3g7wMg4dTlkkDC96fyDuyJ39nVbVjCKSDfj";
const ROBOT_AUTH = "my-hetzner:my-password";

function prometheusMockState(): HetznerState {
  return {
    servers: (fixture("hcloud-servers.json") as { servers: Record<string, unknown>[] }).servers,
    networks: (fixture("hcloud-networks.json") as { networks: Record<string, unknown>[] }).networks,
    robotServers: fixture("robot-servers.json") as unknown[],
  };
}

const parse = (yaml: string, profile: Profile = "v3"): HetznerConfig => parseConfigYaml(parseHetznerConfig, yaml, { profile });

test("hetzner config: Prometheus's defaults and validation messages", () => {
  const config = parse("role: hcloud");
  assert.deepEqual([config.port, config.refreshIntervalMs, config.labelSelector, config.role], [80, 60_000, "", "hcloud"]);
  assert.equal(configProblem(() => parse("port: 9100")), "role missing (one of: robot, hcloud)");
  assert.equal(configProblem(() => parse("role: vps")), 'unknown role "vps"');
  assert.equal(configProblem(() => parse("role: hcloud\nlabel_selector: env=prod", "v2.42")), "yaml: unmarshal errors:\n  line 2: field label_selector not found in type hetzner.plain");
  assert.equal(parse("role: hcloud\nlabel_selector: env=prod").labelSelector, "env=prod");
  assert.equal(configProblem(() => parse("role: robot\nbogus: 1")), "yaml: unmarshal errors:\n  line 2: field bogus not found in type hetzner.plain");
  assert.equal(configProblem(() => parse("role: robot\nport: http")), "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `http` into int");
  assert.equal(configProblem(() => parse("role: hcloud\nbearer_token: a\nbearer_token_file: b")), "at most one of bearer_token & bearer_token_file must be configured");
  assert.equal(configProblem(() => parse("role: hcloud\nrefresh_interval: 0s")), "refresh_interval must be greater than 0");
  assert.match(String(parse("role: hcloud\nauthorization: {credentials: s3cret}").httpClient.authorization?.credentials), /<secret>/);
});

async function fakeConfig(t: { after(fn: () => unknown): void }, yaml: string, state = prometheusMockState()): Promise<{ fake: FakeHetzner; config: HetznerConfig }> {
  const dir = await tempDir(t as Parameters<typeof tempDir>[0]);
  const fake = await startFakeHetzner(dir, { token: TOKEN, robotAuth: ROBOT_AUTH, state });
  t.after(() => fake.close());
  return { fake, config: parse(`${yaml}\n${fake.clientYaml}`) };
}

test("hetzner hcloud: Prometheus's expected labels for its mock servers and networks", async (t) => {
  const { fake, config } = await fakeConfig(t, `role: hcloud\nbearer_token: ${TOKEN}`);
  const updates = pullUpdates(t, createHetznerDiscoverer(config, testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.source, "hetzner");
  assert.deepEqual(group?.targets, fixture("hcloud-expected-v3.json"));
  assert.deepEqual(fake.requests.map((r) => `${r.host} ${r.path}`), ["api.hetzner.cloud /v1/servers?page=1&per_page=50", "api.hetzner.cloud /v1/networks?page=1&per_page=50"]);
  assert.deepEqual(fake.proxy?.connects, ["api.hetzner.cloud:443"]);
});

test("hetzner hcloud: pages follow meta.pagination.next_page and label_selector is sent", async (t) => {
  const base = prometheusMockState();
  const template = base.servers[0] ?? {};
  const servers = Array.from({ length: 120 }, (_, i) => ({ ...template, id: 1000 + i, name: `s${i}`, labels: { env: i % 2 === 0 ? "prod" : "dev" } }));
  const { fake, config } = await fakeConfig(t, `role: hcloud\nbearer_token: ${TOKEN}\nlabel_selector: env=prod`, { ...base, servers });
  const [group] = await pullUpdates(t, createHetznerDiscoverer(config, testDeps())).next();
  assert.equal(group?.targets.length, 60);
  assert.deepEqual(fake.requests.map((r) => r.path).slice(0, 2), ["/v1/servers?label_selector=env%3Dprod&page=1&per_page=50", "/v1/servers?label_selector=env%3Dprod&page=2&per_page=50"]);
  assert.equal(fake.requests.length, 3);
});

test("hetzner hcloud: the 2.42 profile reads the datacenter, as hcloud-go 1.35 did", async (t) => {
  const state = prometheusMockState();
  const withDatacenter = state.servers.map((s) => ({ ...s, datacenter: { id: 1, name: "fsn1-dc8", location: { name: "nbg1", network_zone: "eu-central" } } }));
  const dir = await tempDir(t);
  const fake = await startFakeHetzner(dir, { token: TOKEN, robotAuth: ROBOT_AUTH, state: { ...state, servers: withDatacenter } });
  t.after(() => fake.close());
  const config = parse(`role: hcloud\nbearer_token: ${TOKEN}\n${fake.clientYaml}`, "v2.42");
  const [group] = await pullUpdates(t, createHetznerDiscoverer(config, testDeps())).next();
  const first = group?.targets[0] ?? {};
  assert.equal(first["__meta_hetzner_datacenter"], "fsn1-dc8");
  assert.equal(first["__meta_hetzner_hcloud_datacenter_location"], "nbg1");
  assert.equal(first["__meta_hetzner_hcloud_location"], undefined);
});

test("hetzner robot: Prometheus's expected labels, basic auth, and its error for a 401", async (t) => {
  const { fake, config } = await fakeConfig(t, `role: robot\nbasic_auth: {username: my-hetzner, password: my-password}`);
  const [group] = await pullUpdates(t, createHetznerDiscoverer(config, testDeps())).next();
  assert.deepEqual(group?.targets, fixture("robot-expected-v3.json"));
  assert.deepEqual(fake.requests.map((r) => `${r.host} ${r.path}`), ["robot-ws.your-server.de /server"]);
  const noAuth = parse(`role: robot\n${fake.clientYaml}`);
  const errors: string[] = [];
  const logger = { ...testDeps().logger, error: (fields: { err?: string }) => void errors.push(fields.err ?? "") } as ReturnType<typeof testDeps>["logger"];
  const failing = pullUpdates(t, createHetznerDiscoverer(noAuth, testDeps({ logger })));
  const never = failing.pull();
  const { waitFor } = await import("../../testing/index.js");
  await waitFor(() => errors.length > 0, { timeoutMs: 5000, description: "the 401 is logged" });
  assert.deepEqual(errors, ["non 2xx status '401' response during hetzner service discovery with role robot"]);
  await failing.stop(never);
});

for (const role of ["hcloud", "robot"] as const) {
  test(`hetzner ${role}: faults keep the last targets, are counted, back off on 429 and are cut off when hanging`, async (t) => {
    const { fake, config } = await fakeConfig(t, role === "hcloud" ? `role: hcloud\nbearer_token: ${TOKEN}` : "role: robot\nbasic_auth: {username: my-hetzner, password: my-password}");
    await checkCloudFaults(t, {
      mechanism: "hetzner",
      fake,
      targetCount: role === "hcloud" ? 3 : 2,
      create: (deps, limits) => createHetznerDiscoverer({ ...config, ...limits }, deps),
    });
  });
}
