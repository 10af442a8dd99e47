import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, ONE_JOB, parseConfigYaml, pullUpdates, runPromsdSd, sortedSdEntries, tempDir, testDeps, waitForMetric, writeOneJobConfig, type SdEntry } from "../../testing/index.js";
import { parseOutscaleConfig, type OutscaleConfig } from "./config.js";
import { createOutscaleDiscoverer } from "./discoverer.js";
import { startFakeOutscale, TEST_KEYS } from "./fake-outscale.js";

const expected = JSON.parse(readFileSync(new URL("./fixtures/expected-targets.json", import.meta.url), "utf8")) as unknown;

function config(yaml: string, configDir?: string): OutscaleConfig {
  return parseConfigYaml(parseOutscaleConfig, yaml, configDir === undefined ? {} : { configDir });
}

const keys = `access_key: ${TEST_KEYS.accessKey}\nsecret_key: ${TEST_KEYS.secretKey}`;

test("outscale config: defaults, the endpoint from the region, and Prometheus's messages in its order", () => {
  const parsed = config(keys);
  assert.deepEqual([parsed.region, parsed.port, parsed.refreshIntervalMs, parsed.endpoint], ["eu-west-2", 80, 60_000, "https://api.eu-west-2.outscale.com/api/v1"]);
  assert.equal(config(`${keys}\nregion: us-east-2`).endpoint, "https://api.us-east-2.outscale.com/api/v1");
  assert.equal(config("access_key: a\nsecret_key_file: sk", "/etc/prom").secretKeyFile, "/etc/prom/sk");
  const cases: [string, string][] = [
    [`region: ''\n${keys}`, "outscale SD configuration requires a region"],
    ["secret_key: s", "outscale SD configuration requires access_key"],
    ["access_key: a", "one of secret_key & secret_key_file must be configured"],
    ["access_key: a\nsecret_key: s\nsecret_key_file: f", "at most one of secret_key & secret_key_file must be configured"],
    [`${keys}\nbasic_auth: {username: u}\nbearer_token: t`, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured"],
    [`${keys}\nfoo: 1`, "yaml: unmarshal errors:\n  line 3: field foo not found in type outscale.plain"],
  ];
  for (const [yaml, want] of cases) assert.equal(configProblem(() => config(yaml)), want, yaml);
});

test("outscale: Prometheus's TestVmsToLabelSets VMs give its expected labels, over SigV4-signed, paged ReadVms", async (t) => {
  const fake = await startFakeOutscale();
  t.after(() => fake.close());
  fake.pageSize = 2;
  const updates = pullUpdates(t, createOutscaleDiscoverer(config(`endpoint: ${fake.endpoint}\n${keys}\nport: 9090`), testDeps({ sleep: manualTicks().sleep })));
  assert.deepEqual(await updates.next(), [{ source: "eu-west-2", labels: {}, targets: expected }]);
  assert.deepEqual(fake.refused, []);
  assert.deepEqual(fake.requests.map((r) => r.body), ["{}", '{"NextPageToken":"2"}', '{"NextPageToken":"4"}']);
});

test("outscale: the secret is read from secret_key_file at every refresh; a wrong secret is refused and counted", async (t) => {
  const fake = await startFakeOutscale();
  t.after(() => fake.close());
  const dir = await tempDir(t);
  await writeFile(join(dir, "secret"), `${TEST_KEYS.secretKey}\n`);
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createOutscaleDiscoverer(config(`endpoint: ${fake.endpoint}\naccess_key: ${TEST_KEYS.accessKey}\nsecret_key_file: secret\nregion: cloudgouv-eu-west-1`, dir), deps));
  assert.equal((await updates.next())[0]?.source, "cloudgouv-eu-west-1");
  await writeFile(join(dir, "secret"), "rotated-wrong\n");
  const pending = updates.pull();
  ticks.tick();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "outscale" }, value: 1 });
  assert.deepEqual(fake.refused, ["signature does not match"]);
  await updates.stop(pending);
});

test("outscale faults: the common cloud fault run (500, truncated, oversized, hang, 429, down, cold start)", async (t) => {
  const fake = await startFakeOutscale();
  t.after(() => fake.close());
  const parsed = config(`endpoint: ${fake.endpoint}\n${keys}`);
  await checkCloudFaults(t, { mechanism: "outscale", fake, targetCount: 4, create: (deps, limits) => createOutscaleDiscoverer({ ...parsed, ...limits }, deps) });
});

test("outscale: `promsd sd` loads an outscale_sd_configs job from prometheus.yml and prints its targets", async (t) => {
  const fake = await startFakeOutscale();
  t.after(() => fake.close());
  const dir = await tempDir(t);
  await writeOneJobConfig(dir, "outscale_sd_configs", `endpoint: ${fake.endpoint}\n${keys}\nport: 9090`);
  const entries = sortedSdEntries(await runPromsdSd(dir, ONE_JOB.configFile, ONE_JOB.job, { timeoutMs: 1500 })).map((line) => JSON.parse(line) as SdEntry);
  assert.deepEqual(entries.map((e) => e.labels.instance).sort(), ["10.0.0.1:9090", "10.0.0.5:9090", "10.1.2.3:9090", "203.0.113.10:9090"]);
  assert.equal(entries.find((e) => e.labels.instance === "10.0.0.5:9090")?.discoveredLabels.__meta_outscale_vm_tag_Name, "my-vm");
});
