import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, parseConfigYaml, pullUpdates, testDeps } from "../../testing/index.js";
import type { Profile } from "../../profile.js";
import { parseScalewayConfig, type ScalewayConfig } from "./config.js";
import { createScalewayDiscoverer } from "./discoverer.js";
import { startFakeScaleway, type ScalewayState } from "./fake-scaleway.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const PROJECT = "8feda53f-15f0-447f-badf-ebe32dad2fc0";
const SECRET = "6d6579e5-a5b9-49fc-a35f-b4feb9b87301";
const ACCESS = "SCW0W8NG6024YHRJ7723";
const KEYS = `project_id: ${PROJECT}\naccess_key: ${ACCESS}`;
const parse = (yaml: string, profile: Profile = "v3"): ScalewayConfig => parseConfigYaml(parseScalewayConfig, yaml, { profile });
const instances = (fixture("instance.json") as { servers: Record<string, unknown>[] }).servers;

function state(overrides: Partial<ScalewayState> = {}): ScalewayState {
  return { zone: "fr-par-1", instances, baremetal: [], offers: [], systems: [], ipamIps: [], ...overrides };
}

async function withFake(t: TestContext, yaml: string, s: ScalewayState = state(), profile: Profile = "v3") {
  const fake = await startFakeScaleway({ secretKey: SECRET, state: s });
  t.after(() => fake.close());
  return { fake, config: parse(`${yaml}\napi_url: ${fake.origin}`, profile) };
}

test("scaleway config: Prometheus's defaults, its checks and scaleway-sdk-go's, in order", () => {
  const config = parse(`role: instance\n${KEYS}\nsecret_key: ${SECRET}`);
  assert.deepEqual([config.port, config.refreshIntervalMs, config.zone, config.apiUrl, config.tagsFilter], [80, 60_000, "fr-par-1", "https://api.scaleway.com", undefined]);
  const cases: [string, string][] = [
    [`${KEYS}\nsecret_key: ${SECRET}`, "role missing (one of: instance, baremetal)"],
    [`role: vm\n${KEYS}`, 'unknown role "vm"'],
    [`role: instance\naccess_key: ${ACCESS}\nsecret_key: ${SECRET}`, "project_id is mandatory"],
    [`role: instance\n${KEYS}`, "one of secret_key & secret_key_file must be configured"],
    [`role: instance\n${KEYS}\nsecret_key: ${SECRET}\nsecret_key_file: f`, "at most one of secret_key & secret_key_file must be configured"],
    [`role: instance\nproject_id: ${PROJECT}\nsecret_key: ${SECRET}`, "access_key is mandatory"],
    [`role: instance\nproject_id: ${PROJECT}\naccess_key: SCW123\nsecret_key: ${SECRET}`, "scaleway-sdk-go: invalid access key format 'SCW123', expected SCWXXXXXXXXXXXXXXXXX format"],
    [`role: instance\n${KEYS}\nsecret_key: nope`, "scaleway-sdk-go: invalid secret key format 'nope', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"],
    [`role: instance\nproject_id: p\naccess_key: ${ACCESS}\nsecret_key: ${SECRET}`, "scaleway-sdk-go: invalid project ID format 'p', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"],
    [`role: instance\n${KEYS}\nsecret_key: ${SECRET}\napi_url: http://x/`, "scaleway-sdk-go: invalid url http://x/ it should not have a trailing slash"],
    [`role: instance\n${KEYS}\nsecret_key: ${SECRET}\nbogus: 1`, "yaml: unmarshal errors:\n  line 5: field bogus not found in type scaleway.plain"],
    [`role: instance\n${KEYS}\nsecret_key: ${SECRET}\nrefresh_interval: 0s`, "refresh_interval must be greater than 0"],
  ];
  for (const [yaml, want] of cases) assert.equal(configProblem(() => parse(yaml)), want, yaml);
  assert.equal(configProblem(() => parse(`role: instance\n${KEYS}\nsecret_key_file: f`)), "accepted");
  assert.match(String(parse(`role: instance\n${KEYS}\nsecret_key: ${SECRET}`).secretKey), /<secret>/);
});

test("scaleway instance: Prometheus's test data gives its expected labels (3.x address rules)", async (t) => {
  const { fake, config } = await withFake(t, `role: instance\n${KEYS}\nsecret_key: ${SECRET}`);
  const [group] = await pullUpdates(t, createScalewayDiscoverer(config, testDeps())).next();
  assert.equal(group?.source, "scaleway");
  assert.deepEqual(group?.targets, fixture("instance-expected.json"));
  assert.deepEqual(fake.requests.map((r) => `${r.path} ${r.headers["x-auth-token"]}`), [`/instance/v1/zones/fr-par-1/servers?order=creation_date_desc&page=1 ${SECRET}`]);
});

test("scaleway instance: a server reachable only by a private NIC is addressed through IPAM (3.13+), not under 2.42", async (t) => {
  const s = state({ instances: (fixture("ipam-servers.json") as { servers: Record<string, unknown>[] }).servers, ipamIps: (fixture("ipam-ips.json") as { ips: Record<string, unknown>[] }).ips });
  const { fake, config } = await withFake(t, `role: instance\n${KEYS}\nsecret_key: ${SECRET}`, s);
  const [group] = await pullUpdates(t, createScalewayDiscoverer(config, testDeps())).next();
  assert.deepEqual(group?.targets.map((target) => [target["__address__"], target["__meta_scaleway_instance_private_ipv4"]]), [["10.0.0.7:80", "10.0.0.7"]]);
  assert.equal(fake.requests[1]?.path, "/ipam/v1/regions/fr-par/ips?page=1&resource_ids=2d17a5a0-f8e5-4e7f-a029-f7c8d182af53&resource_types=instance_private_nic");
  const old = parse(`role: instance\n${KEYS}\nsecret_key: ${SECRET}\napi_url: ${fake.origin}`, "v2.42");
  const [oldGroup] = await pullUpdates(t, createScalewayDiscoverer(old, testDeps())).next();
  assert.deepEqual(oldGroup?.targets, []);
});

test("scaleway instance: secret_key_file is read per request; filters and pages follow X-Total-Count", async (t) => {
  const many = Array.from({ length: 120 }, (_, i) => ({ ...instances[0], id: `s-${i}`, name: i % 2 === 0 ? `web-${i}` : `db-${i}`, tags: ["a", "b"] }));
  const keyFile = fileURLToPath(new URL("./fixtures/secret_key", import.meta.url));
  const { fake, config } = await withFake(t, `role: instance\n${KEYS}\nsecret_key_file: ${keyFile}\nname_filter: web\ntags_filter: [a, b]`, state({ instances: many }));
  const [group] = await pullUpdates(t, createScalewayDiscoverer(config, testDeps())).next();
  assert.equal(group?.targets.length, 60);
  assert.deepEqual(fake.requests.map((r) => r.path), [1, 2].map((p) => `/instance/v1/zones/fr-par-1/servers?name=web&order=creation_date_desc&page=${p}&tags=a%2Cb`));
  assert.ok(fake.requests.every((r) => r.headers["x-auth-token"] === SECRET));
  assert.throws(() => createScalewayDiscoverer({ ...config, secretKeyFile: "/nonexistent/key" }, testDeps()), /unable to read auth token file \/nonexistent\/key/);
});

const baremetalState = state({
  baremetal: [
    { id: "bm-1", name: "metal", zone: "fr-par-1", status: "ready", project_id: PROJECT, offer_id: "o-1", install: { os_id: "os-1" }, tags: ["x"], ips: [{ address: "2001:bc8::1", version: "IPv6" }, { address: "51.15.0.1", version: "IPv4" }, { address: "51.15.0.2", version: "IPv4" }] },
    { id: "bm-2", name: "bare", zone: "fr-par-1", status: "stopped", project_id: PROJECT, offer_id: "o-x", install: null, tags: [], ips: [{ address: "2001:bc8::2", version: "IPv6" }] },
  ],
  offers: [{ id: "o-1", name: "EM-A210R-HDD" }],
  systems: [{ id: "os-1", name: "Ubuntu", version: "22.04 LTS" }],
});

test("scaleway baremetal: offers and OS names joined in, first IPv4 as address, else the first IPv6", async (t) => {
  const { fake, config } = await withFake(t, `role: baremetal\n${KEYS}\nsecret_key: ${SECRET}\ntags_filter: [y, z]\nport: 9100`, { ...baremetalState, baremetal: baremetalState.baremetal.map((s) => ({ ...s, tags: [...(s["tags"] as string[]), "y", "z"] })) });
  const [group] = await pullUpdates(t, createScalewayDiscoverer(config, testDeps())).next();
  assert.deepEqual(group?.targets.map((target) => [target["__address__"], target["__meta_scaleway_baremetal_type"], target["__meta_scaleway_baremetal_os_name"], target["__meta_scaleway_baremetal_public_ipv6"]]), [["51.15.0.1:9100", "EM-A210R-HDD", "Ubuntu", "2001:bc8::1"], ["[2001:bc8::2]:9100", undefined, undefined, "2001:bc8::2"]]);
  assert.deepEqual(fake.requests.map((r) => r.path), ["/baremetal/v1/zones/fr-par-1/servers?order_by=created_at_asc&page=1&tags=y&tags=z", "/baremetal/v1/zones/fr-par-1/offers?page=1&subscription_period=unknown_subscription_period", "/baremetal/v1/zones/fr-par-1/os?page=1"]);
});

for (const role of ["instance", "baremetal"] as const) {
  test(`scaleway ${role}: faults keep the last targets, are counted, back off on 429 and are cut off when hanging`, async (t) => {
    const { fake, config } = await withFake(t, `role: ${role}\n${KEYS}\nsecret_key: ${SECRET}`, role === "instance" ? state() : baremetalState);
    await checkCloudFaults(t, { mechanism: "scaleway", fake, targetCount: role === "instance" ? 4 : 2, create: (deps, limits) => createScalewayDiscoverer({ ...config, ...limits }, deps) });
  });
}
