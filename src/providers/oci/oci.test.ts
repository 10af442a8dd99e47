import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, ONE_JOB, parseConfigYaml, pullUpdates, runPromsdSd, sortedSdEntries, tempDir, testDeps, waitForMetric, writeOneJobConfig, type SdEntry } from "../../testing/index.js";
import { parseOciConfig, type OciConfig } from "./config.js";
import { createOciDiscoverer } from "./discoverer.js";
import { REGION, startFakeOci, TEST_FINGERPRINT, TEST_USER, type FakeOci } from "./fake-oci.js";
import { joinIpv6, stringifyDefinedTag } from "./instances.js";

const expected = JSON.parse(readFileSync(new URL("./fixtures/expected-targets.json", import.meta.url), "utf8")) as unknown[];
const TENANCY = "ocid1.tenancy.oc1..test001";

function config(yaml: string, configDir = "/etc/prom"): OciConfig {
  return parseConfigYaml(parseOciConfig, yaml, { configDir });
}

const apiKey = `region: ${REGION}\ntenancy: ${TENANCY}\nuser: ${TEST_USER}\nfingerprint: ${TEST_FINGERPRINT}\nkey_file: key.pem`;

test("oci config: defaults and Prometheus's TestSDConfig_Validation messages", () => {
  const parsed = config(apiKey);
  assert.deepEqual([parsed.auth, parsed.port, parsed.refreshIntervalMs, parsed.keyFile], ["api_key", 80, 60_000, "/etc/prom/key.pem"]);
  const cases: [string, string][] = [
    ["tenancy: t", "oci_sd: region is required"],
    ["region: r", "oci_sd: api_key auth requires tenancy"],
    ["region: r\ntenancy: t", "oci_sd: api_key auth requires user"],
    ["region: r\ntenancy: t\nuser: u", "oci_sd: api_key auth requires fingerprint"],
    ["region: r\ntenancy: t\nuser: u\nfingerprint: f", "oci_sd: api_key auth requires key_file"],
    [`${apiKey}\nkey_passphrase: p\nkey_passphrase_file: f`, "oci_sd: at most one of key_passphrase and key_passphrase_file must be configured"],
    ["region: r\nauth: instance_principal\ntenancy: t", "oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set"],
    ["region: r\nauth: instance_principal\nkey_passphrase_file: f", "oci_sd: instance_principal auth must not have tenancy, user, fingerprint, key_file, key_passphrase, or key_passphrase_file set"],
    ["region: r\nauth: password", 'oci_sd: unknown auth method "password", expected "api_key" or "instance_principal"'],
    [`${apiKey}\ncompartments: [a, '']`, "oci_sd: compartments[1] must not be empty"],
    [`${apiKey}\nrefresh_interval: 0s`, "oci_sd: refresh_interval must be positive, got 0s"],
    [`${apiKey}\nendpoint: x`, "yaml: unmarshal errors:\n  line 6: field endpoint not found in type oci.plain"],
  ];
  for (const [yaml, want] of cases) assert.equal(configProblem(() => config(yaml)), want, yaml);
  assert.equal(configProblem(() => config("region: r\nauth: instance_principal")), "accepted");
});

test("oci labels: Prometheus's TestStringifyDefinedTag and TestJoinIPv6 vectors", () => {
  assert.deepEqual(["s", true, 100, 0.5, 7, null, ["a"], { a: 1 }].map(stringifyDefinedTag), ["s", "true", "100", "0.5", "7", undefined, undefined, undefined]);
  assert.equal(joinIpv6([]), "");
  assert.equal(joinIpv6(["2001:db8::1", "2001:db8::2"]), ",2001:db8::1,2001:db8::2,");
});

async function start(t: TestContext, extra = "", keyPem?: (fake: FakeOci, dir: string) => Promise<string>) {
  const dir = await tempDir(t);
  const fake = await startFakeOci(dir);
  t.after(() => fake.close());
  await writeFile(join(dir, "key.pem"), keyPem ? await keyPem(fake, dir) : fake.privateKeyPem);
  const parsed = config(`${apiKey}\nport: 9100\n${fake.clientYaml}${extra}`, dir);
  return { fake, parsed, dir };
}

test("oci: Prometheus's fixtures (compartment walk, primary VNIC, IPv6-only, tags) over signed requests through the proxy", async (t) => {
  const { fake, parsed } = await start(t);
  fake.pageSize = 2;
  const updates = pullUpdates(t, createOciDiscoverer(parsed, testDeps({ sleep: manualTicks().sleep })));
  assert.deepEqual(await updates.next(), [{ source: "OCI", labels: {}, targets: expected }]);
  assert.deepEqual(fake.refused, []);
  const paths = fake.requests.map((r) => `${r.host.split(".")[0]} ${r.url.pathname}`);
  assert.ok(paths.includes("iaas /20160918/vnics/ocid1.vnic.oc1..v001") && !paths.includes("iaas /20160918/vnics/ocid1.vnic.oc1..after"), "stops at the primary VNIC");
  assert.ok(fake.requests.some((r) => r.url.searchParams.get("page") === "2"), "pages were followed");
});

test("oci: explicit compartments skip the walk; an encrypted key with key_passphrase_file", async (t) => {
  const { fake, parsed } = await start(t, "\ncompartments: [ocid1.compartment.oc1..comp002]\nkey_passphrase_file: pass", async (f, dir) => {
    await writeFile(join(dir, "pass"), "s3cret\n");
    return createPrivateKey(f.privateKeyPem).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "s3cret" }).toString();
  });
  const updates = pullUpdates(t, createOciDiscoverer(parsed, testDeps({ sleep: manualTicks().sleep })));
  assert.deepEqual((await updates.next())[0]?.targets, [expected[2]]);
  assert.equal(fake.requests.filter((r) => r.url.pathname.endsWith("/compartments")).length, 0);
});

test("oci: a request signed with another key is refused (401) and the refresh counted as failed", async (t) => {
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const { fake, parsed } = await start(t, "\ncompartments: [ocid1.compartment.oc1..comp001]", async () => other);
  const deps = testDeps({ sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createOciDiscoverer(parsed, deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "oci" }, value: 1 });
  assert.deepEqual(fake.refused, ["signature does not verify"]);
  await updates.stop(pending);
});

test("oci: instance_principal is accepted but each refresh fails with a clear error (not implemented), without any request", async (t) => {
  const errors: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (fields: { err?: string }) => void errors.push(fields.err ?? ""), child: () => logger };
  const deps = testDeps({ sleep: manualTicks().sleep, logger: logger as unknown as ReturnType<typeof testDeps>["logger"] });
  const updates = pullUpdates(t, createOciDiscoverer(config("region: r\nauth: instance_principal"), deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "oci" }, value: 1 });
  assert.match(errors[0] ?? "", /instance_principal is not supported by promsd yet/);
  await updates.stop(pending);
});

test("oci faults: the common cloud fault run (500, truncated, oversized, hang, 429, down, cold start)", async (t) => {
  const { fake, parsed } = await start(t, "\ncompartments: [ocid1.compartment.oc1..comp002]");
  await checkCloudFaults(t, { mechanism: "oci", fake, targetCount: 1, create: (deps, limits) => createOciDiscoverer({ ...parsed, ...limits }, deps) });
});

test("oci: `promsd sd` loads an oci_sd_configs job (proxy + CA from the config) and prints its targets", async (t) => {
  const { fake } = await start(t);
  const caseDir = await tempDir(t);
  await writeFile(join(caseDir, "key.pem"), fake.privateKeyPem);
  await writeOneJobConfig(caseDir, "oci_sd_configs", `${apiKey}\nport: 9100\n${fake.clientYaml}`);
  const entries = sortedSdEntries(await runPromsdSd(caseDir, ONE_JOB.configFile, ONE_JOB.job, { timeoutMs: 2000 })).map((line) => JSON.parse(line) as SdEntry);
  assert.deepEqual(entries.map((e) => e.labels.instance).sort(), ["10.0.0.5:9100", "203.0.113.10:9100", "[2001:db8::10]:9100"]);
  assert.deepEqual(fake.refused, []);
});
