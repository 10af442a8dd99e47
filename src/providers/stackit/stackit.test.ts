import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, ONE_JOB, parseConfigYaml, pullUpdates, runPromsdSd, sortedSdEntries, tempDir, testDeps, waitForMetric, writeOneJobConfig, type SdEntry } from "../../testing/index.js";
import { parseStackitConfig, type StackitConfig } from "./config.js";
import { createStackitDiscoverer, stackitServersUrl } from "./discoverer.js";
import { startFakeStackit, TEST_PROJECT, TEST_STATIC_TOKEN, type FakeStackit } from "./fake-stackit.js";
import { serversToGroups } from "./servers.js";

const expected = JSON.parse(readFileSync(new URL("./fixtures/expected-targets.json", import.meta.url), "utf8")) as unknown;

function config(yaml: string, configDir?: string): StackitConfig {
  return parseConfigYaml(parseStackitConfig, yaml, configDir === undefined ? {} : { configDir });
}

test("stackit config: defaults, and Prometheus's messages", () => {
  const parsed = config("project: p");
  assert.deepEqual([parsed.region, parsed.port, parsed.refreshIntervalMs, parsed.endpoint], ["eu01", 80, 60_000, ""]);
  const cases: [string, string][] = [
    ["region: ''", "stackit_sd: endpoint and region missing"],
    ["endpoint: 'http://a b'", 'stackit_sd: invalid endpoint "http://a b": parse "http://a b": invalid character " " in host name'],
    ["bearer_token: a\nbearer_token_file: b", "at most one of bearer_token & bearer_token_file must be configured"],
    ["projects: p", "yaml: unmarshal errors:\n  line 1: field projects not found in type stackit.plain"],
    ["refresh_interval: 0s", "refresh_interval must be greater than 0"],
  ];
  for (const [yaml, want] of cases) assert.equal(configProblem(() => config(yaml)), want, yaml);
  assert.equal(JSON.stringify(config("service_account_key: '{}'").serviceAccountKey), '"<secret>"');
});

test("stackit: the servers URL per region or endpoint, as url.JoinPath builds it", () => {
  assert.equal(stackitServersUrl(config("project: p")), "https://iaas.api.eu01.stackit.cloud/v1/projects/p/servers?details=true");
  assert.equal(stackitServersUrl(config("project: p\nendpoint: http://127.0.0.1:9/base/")), "http://127.0.0.1:9/base/v1/projects/p/servers?details=true");
});

async function start(t: TestContext, yaml: (fake: FakeStackit, dir: string) => Promise<string> | string) {
  const fake = await startFakeStackit();
  t.after(() => fake.close());
  const dir = await tempDir(t);
  const parsed = config(`project: ${TEST_PROJECT}\nendpoint: ${fake.origin}/\n${await yaml(fake, dir)}`, dir);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  return { fake, ticks, deps, updates: pullUpdates(t, createStackitDiscoverer(parsed, deps)) };
}

test("stackit: Prometheus's 'default with token' case gives its expected labels", async (t) => {
  const { fake, updates } = await start(t, () => `bearer_token: ${TEST_STATIC_TOKEN}`);
  assert.deepEqual(await updates.next(), [{ source: "stackit", labels: {}, targets: expected }]);
  assert.deepEqual(fake.grants, []);
});

test("stackit: the service-account key flow signs an RS512 assertion the token endpoint verifies", async (t) => {
  const { fake, updates } = await start(t, async (f, dir) => {
    await writeFile(join(dir, "sa.json"), f.serviceAccountKey());
    await writeFile(join(dir, "key.pem"), f.privateKeyPem);
    return "service_account_key_path: sa.json\nprivate_key_path: key.pem";
  });
  assert.deepEqual((await updates.next())[0]?.targets, expected);
  assert.deepEqual(fake.grants, ["urn:ietf:params:oauth:grant-type:jwt-bearer"]);
  assert.deepEqual(fake.refusedTokens, []);
});

test("stackit: an inline key with an embedded private key; tokens renewed with the refresh grant", async (t) => {
  const { fake, ticks, updates } = await start(t, (f) => {
    f.accessTokenSeconds = 2; // within the SDK's 5 s leeway: every use renews it
    return `service_account_key: '${f.serviceAccountKey({ embedPrivateKey: true }).replace(/\n/g, "\\n")}'`;
  });
  assert.equal((await updates.next())[0]?.targets.length, 1);
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 1);
  assert.deepEqual(fake.grants, ["urn:ietf:params:oauth:grant-type:jwt-bearer", "refresh_token"]);
});

test("stackit: a key signed with the wrong private key is refused and counted", async (t) => {
  const { fake, deps, updates } = await start(t, async (f, dir) => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await writeFile(join(dir, "sa.json"), f.serviceAccountKey());
    await writeFile(join(dir, "key.pem"), other);
    return "service_account_key_path: sa.json\nprivate_key_path: key.pem";
  });
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "stackit" }, value: 1 });
  assert.equal(fake.requests.filter((r) => r.path.startsWith("/v1/")).length, 0, "no API call without a token");
  await updates.stop(pending);
});

test("stackit servers: address choice, NIC labels, string labels only, servers without NICs or IPs skipped", () => {
  const nic = (networkName: string, ipv4?: string, publicIp?: string) => ({ networkName, ...(ipv4 ? { ipv4 } : {}), ...(publicIp ? { publicIp } : {}) });
  const [group] = serversToGroups({
    items: [
      { id: "a", nics: [nic("net-1", "10.0.0.1"), nic("net.2", "10.0.0.2", "192.0.2.9"), nic("n3", "", "192.0.2.10")], labels: { "k-1": "v", n: 3, b: true } },
      { id: "b", nics: [nic("v6", "fd00::1")] },
      { id: "c" },
      { id: "d", nics: [] },
      { id: "e", nics: [nic("x", "")] },
    ],
  }, "p", 9100);
  assert.deepEqual(group?.targets.map((target) => target.__address__), ["192.0.2.9:9100", "[fd00::1]:9100"]);
  assert.deepEqual(Object.fromEntries(Object.entries(group?.targets[0] ?? {}).filter(([k]) => /private|public|label/.test(k))), {
    __meta_stackit_private_ipv4_net_1: "10.0.0.1", __meta_stackit_private_ipv4_net_2: "10.0.0.2", __meta_stackit_public_ipv4: "192.0.2.9",
    __meta_stackit_labelpresent_k_1: "true", __meta_stackit_label_k_1: "v",
  });
  assert.deepEqual(serversToGroups({ items: [] }, "p", 80), [{ source: "stackit", labels: {}, targets: [] }]);
  assert.deepEqual(serversToGroups(null, "p", 80), [{ source: "stackit", labels: {}, targets: [] }]);
  assert.throws(() => serversToGroups({ items: [{ id: 1 }] }, "p", 80), /cannot unmarshal/);
});

test("stackit faults: the common cloud fault run (500, truncated, oversized, hang, 429, down, cold start)", async (t) => {
  const fake = await startFakeStackit();
  t.after(() => fake.close());
  const parsed = config(`project: ${TEST_PROJECT}\nendpoint: ${fake.origin}\nbearer_token: ${TEST_STATIC_TOKEN}`);
  await checkCloudFaults(t, { mechanism: "stackit", fake, targetCount: 1, create: (deps, limits) => createStackitDiscoverer({ ...parsed, ...limits }, deps) });
});

test("stackit: `promsd sd` loads a stackit_sd_configs job (key flow from files) and prints its target", async (t) => {
  const fake = await startFakeStackit();
  t.after(() => fake.close());
  const dir = await tempDir(t);
  await writeFile(join(dir, "sa.json"), fake.serviceAccountKey());
  await writeFile(join(dir, "key.pem"), fake.privateKeyPem);
  await writeOneJobConfig(dir, "stackit_sd_configs", `project: ${TEST_PROJECT}\nendpoint: ${fake.origin}\nservice_account_key_path: sa.json\nprivate_key_path: key.pem`);
  const entries = sortedSdEntries(await runPromsdSd(dir, ONE_JOB.configFile, ONE_JOB.job, { timeoutMs: 1500 })).map((line) => JSON.parse(line) as SdEntry);
  assert.deepEqual(entries.map((e) => e.labels.instance), ["192.0.2.1:80"]);
  assert.equal(entries[0]?.discoveredLabels.__meta_stackit_name, "runcommandtest");
});
