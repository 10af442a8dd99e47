import assert from "node:assert/strict";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { configProblem, manualTicks, metricValue, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric } from "../../testing/index.js";
import { parseAzureConfig, type AzureConfig } from "./config.js";
import { createAzureDiscoverer } from "./discoverer.js";
import { startFakeAzure, SUBSCRIPTION, type FakeAzure } from "./fake-azure.js";

const parse = (yaml: string, profile: Profile = "v3"): AzureConfig => parseConfigYaml(parseAzureConfig, yaml, { profile });
const failures = { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "azure" } };

async function setUp(t: TestContext): Promise<{ fake: FakeAzure; env: NodeJS.ProcessEnv; block: (extra?: string) => string }> {
  const dir = await tempDir(t);
  const fake = await startFakeAzure(dir);
  t.after(() => fake.close());
  const env = { AZURE_ENVIRONMENT_FILEPATH: fake.writeEnvironmentFile(join(dir, "env.json")) };
  const block = (extra = "authentication_method: OAuth\ntenant_id: t1\nclient_id: c1\nclient_secret: secret"): string =>
    `environment: AzureStackCloud\nsubscription_id: ${SUBSCRIPTION}\nport: 9100\ntls_config: {ca_file: ${fake.caFile}}\n${extra}`;
  return { fake, env, block };
}

const byName = (targets: readonly LabelSet[]): Record<string, LabelSet> => Object.fromEntries(targets.map((t) => [t["__meta_azure_machine_name"] ?? "", t]));

test("azure config: defaults, and Prometheus's checks in its order", () => {
  const config = parse("subscription_id: s\nauthentication_method: ManagedIdentity");
  assert.equal(config.port, 80);
  assert.equal(config.refreshIntervalMs, 300_000);
  assert.equal(config.environment, "AzurePublicCloud");
  const cases: [string, string, Profile?][] = [
    ["tenant_id: t", "azure SD configuration requires a subscription_id"],
    ["subscription_id: s", "azure SD configuration requires a tenant_id"],
    ["subscription_id: s\ntenant_id: t\nclient_id: c", "azure SD configuration requires a client_secret"],
    ["subscription_id: s\nauthentication_method: Password", 'unknown authentication_type "Password". Supported types are "OAuth", "ManagedIdentity", "SDK" or "WorkloadIdentity"'],
    ["subscription_id: s\nauthentication_method: SDK", 'unknown authentication_type "SDK". Supported types are "OAuth" or "ManagedIdentity"', "v2.42"],
    ["subscription_id: s\nauthentication_method: SDK\nresource_groups: x", "yaml: unmarshal errors:\n  line 3: field resource_groups not found in type azure.plain"],
    ["subscription_id: s\nauthentication_method: SDK\nbearer_token: a\nbearer_token_file: b", "at most one of bearer_token & bearer_token_file must be configured"],
  ];
  for (const [yaml, want, profile] of cases) assert.equal(configProblem(() => parse(yaml, profile)), want, yaml);
});

test("azure: OAuth client credentials through @azure/identity, VMs and scale set VMs with their primary NIC", async (t) => {
  const { fake, env, block } = await setUp(t);
  const updates = pullUpdates(t, createAzureDiscoverer(parse(block()), testDeps(), { env }));
  const [group] = await updates.next();
  assert.equal(group?.source, "");
  const targets = byName(group?.targets ?? []);
  // vm-deallocated (NIC without `primary`) and vm-nic-gone (NIC answers 404) have no target.
  assert.deepEqual(Object.keys(targets).sort(), ["vm-public", "vm-two-nics", "vm-windows", "web-ss_0", "web-ss_1"]);
  assert.deepEqual(targets["vm-public"], {
    __address__: "10.0.0.4:9100",
    __meta_azure_subscription_id: SUBSCRIPTION,
    __meta_azure_tenant_id: "t1",
    __meta_azure_machine_id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/RG-One/providers/Microsoft.Compute/virtualMachines/vm-public`,
    __meta_azure_machine_name: "vm-public",
    __meta_azure_machine_computer_name: "vm-public-host",
    __meta_azure_machine_os_type: "Linux",
    __meta_azure_machine_location: "westeurope",
    __meta_azure_machine_resource_group: "RG-One",
    __meta_azure_machine_size: "Standard_B1s",
    __meta_azure_machine_private_ip: "10.0.0.4",
    __meta_azure_machine_public_ip: "20.1.2.3",
    __meta_azure_machine_tag_team: "a",
    __meta_azure_machine_tag_prometheus_io_scrape: "true",
  });
  assert.equal(targets["vm-two-nics"]?.["__address__"], "10.0.0.5:9100");
  assert.equal(targets["vm-two-nics"]?.["__meta_azure_machine_tag_odd_key_name"], "x");
  assert.equal(targets["web-ss_0"]?.["__meta_azure_machine_scale_set"], "web-ss");
  assert.equal(targets["web-ss_0"]?.["__meta_azure_machine_public_ip"], "20.1.2.4");
  assert.deepEqual(fake.tokenRequests.map((r) => [r.flow, r.params["grant_type"], r.params["client_id"], r.params["scope"]]), [["v2", "client_credentials", "c1", `${fake.url}//.default`]]);
  assert.ok(fake.requests.some((r) => r.includes("/virtualMachineScaleSets/web-ss/virtualMachines/0/networkInterfaces/web-ss-nic?api-version=2018-10-01&%24expand=IPConfigurations%2FPublicIPAddress")));
});

test("azure: 2.42 reads NICs by id without expanding public IPs and lower-cases the resource group", async (t) => {
  const { env, block } = await setUp(t);
  const updates = pullUpdates(t, createAzureDiscoverer(parse(block(), "v2.42"), testDeps(), { env }));
  const targets = byName((await updates.next())[0]?.targets ?? []);
  assert.equal(Object.keys(targets).length, 5);
  for (const target of Object.values(targets)) {
    assert.equal(target["__meta_azure_machine_public_ip"], undefined);
    assert.equal(target["__meta_azure_machine_resource_group"], "rg-one");
  }
});

test("azure: nextLink pages, a resource group, NICs cached across refreshes, 429 answered after Retry-After", async (t) => {
  const { fake, env, block } = await setUp(t);
  fake.pageSize = 1;
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createAzureDiscoverer(parse(block(`${block().split("\n").slice(4).join("\n")}\nresource_group: rg-one`)), deps, { env }));
  fake.failNext(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-one/providers/Microsoft.Compute/virtualMachines`, { status: 429, headers: { "retry-after": "0" } });
  assert.equal((await updates.next())[0]?.targets.length, 5);
  assert.equal(fake.requests.filter((r) => r.includes("/Microsoft.Compute/virtualMachines?")).length, 6, "one 429, then 5 pages of 1");
  const nicReads = fake.requests.filter((r) => r.includes("networkInterfaces")).length;
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 5);
  assert.equal(fake.requests.filter((r) => r.includes("networkInterfaces")).length, nicReads + 1, "only the vanished NIC is asked again");
  assert.ok((await metricValue(deps.registry, "prometheus_sd_azure_cache_hit_total")) >= 6);
});

test("azure: short-lived tokens are renewed, a revoked token is replaced after ARM's 401, a bad secret fails and is counted", async (t) => {
  const { fake, env, block } = await setUp(t);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createAzureDiscoverer(parse(block()), deps, { env }));
  await updates.next();
  ticks.tick();
  await updates.next();
  assert.equal(fake.tokenRequests.length, 1, "an hour-long token serves both refreshes");
  fake.revokeTokens();
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 5);
  assert.equal(fake.tokenRequests.length, 2, "ARM's 401 led to one new token");
  fake.tokenLifetimeSeconds = 5; // already inside the renewal margin: renewed whenever asked
  fake.revokeTokens();
  ticks.tick();
  await updates.next();
  const before = fake.tokenRequests.length;
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 5);
  assert.ok(fake.tokenRequests.length > before, "the expiring token was renewed");
  const bad = pullUpdates(t, createAzureDiscoverer(parse(block("tenant_id: t1\nclient_id: c1\nclient_secret: wrong")), deps, { env }));
  const pending = bad.pull();
  await waitForMetric(deps.registry, { ...failures, value: 1 });
  assert.equal(await metricValue(deps.registry, "prometheus_sd_azure_failures_total"), 1);
  await bad.stop(pending);
});

// MSAL detects the managed identity source once per process: IMDS is tested in ./azure-imds.test.ts.
test("azure: managed identity through App Service's IDENTITY_ENDPOINT (user-assigned too); SDK through the environment", async (t) => {
  const { fake, env, block } = await setUp(t);
  const saved = { ...process.env };
  t.after(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  const run = async (yaml: string, vars: Record<string, string>): Promise<number> => {
    for (const key of ["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) delete process.env[key];
    Object.assign(process.env, vars);
    const updates = pullUpdates(t, createAzureDiscoverer(parse(block(yaml)), testDeps(), { env }));
    const count = (await updates.next())[0]?.targets.length ?? 0;
    await updates.stop();
    return count;
  };
  assert.equal(await run("authentication_method: ManagedIdentity", { IDENTITY_ENDPOINT: `${fake.url}/msi/token`, IDENTITY_HEADER: "identity-secret" }), 5);
  assert.equal(await run("authentication_method: ManagedIdentity\nclient_id: user-assigned", { IDENTITY_ENDPOINT: `${fake.url}/msi/token`, IDENTITY_HEADER: "identity-secret" }), 5);
  assert.equal(await run("authentication_method: SDK", { AZURE_TENANT_ID: "t2", AZURE_CLIENT_ID: "c2", AZURE_CLIENT_SECRET: "secret" }), 5);
  assert.deepEqual(fake.tokenRequests.map((r) => [r.flow, r.params["client_id"] ?? ""]), [["appservice", ""], ["appservice", "user-assigned"], ["v2", "c2"]]);
});

test("azure: an unknown environment, a server that is gone and an oversized page fail the refresh and keep nothing new", async (t) => {
  const { fake, env, block } = await setUp(t);
  const deps = testDeps({ sleep: manualTicks().sleep });
  const unknown = pullUpdates(t, createAzureDiscoverer(parse(block().replace("AzureStackCloud", "AzureMoonCloud")), deps, { env }));
  const pending = unknown.pull();
  await waitForMetric(deps.registry, { ...failures, value: 1 });
  await unknown.stop(pending);
  const big = pullUpdates(t, createAzureDiscoverer({ ...parse(block()), maxBodyBytes: 1024 }, deps, { env }));
  const pendingBig = big.pull();
  await waitForMetric(deps.registry, { ...failures, value: 2 });
  await big.stop(pendingBig);
  await fake.close();
  const gone = pullUpdates(t, createAzureDiscoverer(parse(block()), deps, { env }));
  const pendingGone = gone.pull();
  await waitForMetric(deps.registry, { ...failures, value: 3 });
  await gone.stop(pendingGone);
});
