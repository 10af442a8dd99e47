import assert from "node:assert/strict";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { startConnectProxy, type ConnectProxy } from "../../testing/cloud/connect-proxy.js";
import { configProblem, manualTicks, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric } from "../../testing/index.js";
import { parseGceConfig, type GceConfig } from "./config.js";
import { createGceDiscoverer } from "./discoverer.js";
import { startFakeGce, type FakeGce } from "./fake-gce.js";

// google-auth-library must never reach a real Google host or metadata address from this (host-namespace)
// process: every test sets GOOGLE_APPLICATION_CREDENTIALS and sends HTTPS through the loopback proxy;
// the metadata server is parked on a closed port. The metadata flow has its own file (gce-metadata.test.ts).
process.env["GCE_METADATA_HOST"] = "127.0.0.1:1";
process.env["METADATA_SERVER_DETECTION"] = "none";
delete process.env["NO_PROXY"];
delete process.env["no_proxy"];

const parse = (yaml: string): GceConfig => parseConfigYaml(parseGceConfig, yaml);
const failures = { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "gce" } };

async function setUp(t: TestContext): Promise<{ fake: FakeGce; proxy: ConnectProxy; env: NodeJS.ProcessEnv }> {
  const dir = await tempDir(t);
  const fake = await startFakeGce(dir);
  t.after(() => fake.close());
  const proxy = await startConnectProxy({ target: fake.port });
  t.after(() => proxy.close());
  process.env["HTTPS_PROXY"] = proxy.url;
  process.env["GOOGLE_APPLICATION_CREDENTIALS"] = fake.writeServiceAccountFile(join(dir, "sa.json"));
  return { fake, proxy, env: { SSL_CERT_FILE: fake.caFile } };
}

test("gce config: defaults, and Prometheus's checks", () => {
  const config = parse("project: p\nzone: z");
  assert.deepEqual([config.port, config.tagSeparator, config.refreshIntervalMs, config.filter], [80, ",", 60_000, ""]);
  assert.equal(parse("project: p\nzone: z\ntag_separator: ''").tagSeparator, "");
  assert.equal(configProblem(() => parse("zone: z")), "GCE SD configuration requires a project");
  assert.equal(configProblem(() => parse("project: p")), "GCE SD configuration requires a zone");
  assert.equal(configProblem(() => parse("project: p\nzone: z\ncredentials_file: x")), "yaml: unmarshal errors:\n  line 3: field credentials_file not found in type gce.plain");
});

test("gce: a service-account key through google-auth-library, instances paged by pageToken, filter sent", async (t) => {
  const { fake, proxy, env } = await setUp(t);
  fake.pageSize = 1;
  const config = parse("project: p1\nzone: europe-west1-b\nport: 9100\ntag_separator: '|'\nfilter: 'status = RUNNING'");
  const updates = pullUpdates(t, createGceDiscoverer(config, testDeps(), { env }));
  const [group] = await updates.next();
  assert.equal(group?.source, "GCE_p1_europe-west1-b");
  const byName = Object.fromEntries((group?.targets ?? []).map((target) => [target["__meta_gce_instance_name"], target]));
  assert.deepEqual(Object.keys(byName).sort(), ["db-1", "web-1", "worker-1"], "no-network has no interface, so no target");
  const zone = "https://www.googleapis.com/compute/v1/projects/p1/zones/europe-west1-b";
  assert.deepEqual(byName["web-1"], {
    __address__: "10.132.0.2:9100",
    __meta_gce_project: "p1",
    __meta_gce_zone: zone,
    __meta_gce_instance_id: "1234567890123456789",
    __meta_gce_instance_name: "web-1",
    __meta_gce_instance_status: "RUNNING",
    __meta_gce_machine_type: `${zone}/machineTypes/e2-small`,
    __meta_gce_network: "https://www.googleapis.com/compute/v1/projects/p1/global/networks/default",
    __meta_gce_subnetwork: "https://www.googleapis.com/compute/v1/projects/p1/regions/europe-west1/subnetworks/default",
    __meta_gce_private_ip: "10.132.0.2",
    __meta_gce_interface_ipv4_nic0: "10.132.0.2",
    __meta_gce_interface_ipv4_nic1: "10.10.0.2",
    __meta_gce_public_ip: "34.76.1.2",
    __meta_gce_tags: "|http-server|prod|",
    __meta_gce_metadata_startup_script: "echo hi",
    __meta_gce_metadata_empty: "",
    __meta_gce_label_env: "prod",
    __meta_gce_label_team_name: "a",
  });
  assert.equal(byName["db-1"]?.["__meta_gce_public_ip"], undefined, "only ONE_TO_ONE_NAT gives a public IP");
  assert.equal(byName["worker-1"]?.["__meta_gce_tags"], undefined);
  const lists = fake.requests.filter((r) => r.includes("/instances?"));
  assert.equal(lists.length, 4);
  assert.ok(lists.every((r) => r.startsWith("GET compute.googleapis.com /compute/v1/projects/p1/zones/europe-west1-b/instances?alt=json&filter=status+%3D+RUNNING")));
  assert.deepEqual([...new Set(proxy.connects)].sort(), ["compute.googleapis.com:443", "oauth2.googleapis.com:443"]);
  const [claims] = fake.tokenRequests;
  assert.ok(claims !== undefined && claims !== "metadata");
  assert.equal(claims["iss"], "sd@p1.iam.gserviceaccount.com");
  assert.equal(claims["scope"], "https://www.googleapis.com/auth/compute.readonly");
});

test("gce: a token kept across refreshes, renewed when short-lived, replaced after a 401; 429 answered after Retry-After", async (t) => {
  const { fake, env } = await setUp(t);
  const ticks = manualTicks();
  const updates = pullUpdates(t, createGceDiscoverer(parse("project: p1\nzone: europe-west1-b"), testDeps({ sleep: ticks.sleep }), { env }));
  fake.failNext("/compute", { status: 429, headers: { "retry-after": "0" } });
  assert.equal((await updates.next())[0]?.targets.length, 3);
  ticks.tick();
  await updates.next();
  assert.equal(fake.tokenRequests.length, 1, "one token for two refreshes");
  fake.revokeTokens();
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 3);
  assert.equal(fake.tokenRequests.length, 2, "the 401 led to new credentials");
  fake.tokenLifetimeSeconds = 60; // inside the library's 5-minute renewal window
  fake.revokeTokens();
  ticks.tick();
  await updates.next();
  const before = fake.tokenRequests.length;
  ticks.tick();
  await updates.next();
  assert.ok(fake.tokenRequests.length > before, "a token about to expire was renewed");
});

test("gce: an error answer, an oversized page and a server that is gone fail the refresh and emit nothing", async (t) => {
  const { fake, env } = await setUp(t);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  fake.failNext("/compute", { status: 403, body: '{"error":{"code":403,"message":"Required compute.instances.list permission"}}' });
  const updates = pullUpdates(t, createGceDiscoverer({ ...parse("project: p1\nzone: europe-west1-b"), maxBodyBytes: 2048 }, deps, { env }));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { ...failures, value: 1 });
  ticks.tick();
  await waitForMetric(deps.registry, { ...failures, value: 2 }); // the full page is over 2 KiB
  await fake.close();
  ticks.tick();
  await waitForMetric(deps.registry, { ...failures, value: 3 });
  await updates.stop(pending);
});
