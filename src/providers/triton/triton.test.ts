import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { generateTestCerts } from "../../http/test-support.js";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric } from "../../testing/index.js";
import { parseTritonConfig, type TritonConfig } from "./config.js";
import { createTritonDiscoverer, tritonDiscoveryUrl } from "./discoverer.js";
import { startFakeTriton } from "./fake-triton.js";

function config(yaml: string): TritonConfig {
  return parseConfigYaml(parseTritonConfig, yaml);
}

const base = "account: testAccount\ndns_suffix: triton.example.com\nendpoint: 127.0.0.1";

test("triton config: defaults, and Prometheus's messages in its order", () => {
  const parsed = config(base);
  assert.deepEqual([parsed.role, parsed.port, parsed.version, parsed.refreshIntervalMs, parsed.groups], ["container", 9163, 1, 60_000, []]);
  const cases: [string, string][] = [
    ["role: vm", "triton SD configuration requires role to be 'container' or 'cn'"],
    ["role: cn", "triton SD configuration requires an account"],
    ["account: a", "triton SD configuration requires a dns_suffix"],
    ["account: a\ndns_suffix: d", "triton SD configuration requires an endpoint"],
    [`${base}\nrefresh_interval: 0s`, "triton SD configuration requires RefreshInterval to be a positive integer"],
    [`${base}\nport: x`, "yaml: unmarshal errors:\n  line 4: cannot unmarshal !!str `x` into int"],
    [`${base}\nbasic_auth: {username: u}`, "yaml: unmarshal errors:\n  line 4: field basic_auth not found in type triton.plain"],
    [`${base}\ntls_config: {min_version: TLS9}`, "unknown TLS version: TLS9"],
  ];
  for (const [yaml, want] of cases) assert.equal(configProblem(() => config(yaml)), want, yaml);
});

test("triton: discovery URLs per role, version and groups", () => {
  assert.equal(tritonDiscoveryUrl(config(base)), "https://127.0.0.1:9163/v1/discover");
  assert.equal(tritonDiscoveryUrl(config(`${base}\nrole: cn\nversion: 2\nport: 443`)), "https://127.0.0.1:443/v2/gz/discover");
  assert.equal(tritonDiscoveryUrl(config(`${base}\ngroups: [foo, "b r"]`)), "https://127.0.0.1:9163/v1/discover?groups=foo%2Cb+r");
});

async function start(t: TestContext, extra = "") {
  const dir = await tempDir(t);
  const certs = generateTestCerts(dir);
  const fake = await startFakeTriton(certs);
  t.after(() => fake.close());
  const parsed = parseConfigYaml(parseTritonConfig, `account: testAccount\ndns_suffix: triton.example.com\n${fake.clientYaml}${extra}`, { configDir: dir });
  return { fake, parsed, certs, dir };
}

test("triton: containers of Prometheus's test answer over HTTPS with a client certificate", async (t) => {
  const { fake, parsed } = await start(t, "\ngroups: [foo, bar]");
  const updates = pullUpdates(t, createTritonDiscoverer(parsed, testDeps({ sleep: manualTicks().sleep })));
  const [group] = await updates.next();
  const port = parsed.port;
  assert.equal(group?.source, `https://127.0.0.1:${port}/v1/discover?groups=foo%2Cbar`);
  assert.deepEqual(group?.targets, [
    { __address__: `ad466fbf-46a2-4027-9b64-8d3cdb7e9072.triton.example.com:${port}`, __meta_triton_groups: ",foo,bar,baz,", __meta_triton_machine_alias: "server01", __meta_triton_machine_brand: "lx", __meta_triton_machine_id: "ad466fbf-46a2-4027-9b64-8d3cdb7e9072", __meta_triton_machine_image: "7b27a514-89d7-11e6-bee6-3f96f367bee7", __meta_triton_server_id: "44454c4c-5000-104d-8037-b7c04f5a5131" },
    { __address__: `7b27a514-89d7-11e6-bee6-3f96f367bee7.triton.example.com:${port}`, __meta_triton_machine_alias: "server02", __meta_triton_machine_brand: "kvm", __meta_triton_machine_id: "7b27a514-89d7-11e6-bee6-3f96f367bee7", __meta_triton_machine_image: "a5894692-bd32-4ca1-908a-e2dda3c3a5e6", __meta_triton_server_id: "a5894692-bd32-4ca1-908a-e2dda3c3a5e6" },
  ]);
  assert.equal(fake.requests[0]?.path, "/v1/discover?groups=foo%2Cbar");
});

test("triton: compute nodes (role cn), with and without host names", async (t) => {
  const { fake, parsed } = await start(t, "\nrole: cn");
  fake.state.gzDiscover = { cns: [{ server_uuid: "44454c4c-5000-104d-8037-b7c04f5a5131" }, { server_uuid: "a5894692-bd32-4ca1-908a-e2dda3c3a5e6", server_hostname: "server02" }] };
  const updates = pullUpdates(t, createTritonDiscoverer(parsed, testDeps({ sleep: manualTicks().sleep })));
  const [group] = await updates.next();
  assert.deepEqual(group?.targets, [
    { __address__: `44454c4c-5000-104d-8037-b7c04f5a5131.triton.example.com:${parsed.port}`, __meta_triton_machine_alias: "", __meta_triton_machine_id: "44454c4c-5000-104d-8037-b7c04f5a5131" },
    { __address__: `a5894692-bd32-4ca1-908a-e2dda3c3a5e6.triton.example.com:${parsed.port}`, __meta_triton_machine_alias: "server02", __meta_triton_machine_id: "a5894692-bd32-4ca1-908a-e2dda3c3a5e6" },
  ]);
  assert.equal(fake.requests[0]?.path, "/v1/gz/discover");
});

test("triton: without a client certificate the TLS handshake fails and the refresh is counted", async (t) => {
  const { fake, certs, dir } = await start(t);
  const noCert = parseConfigYaml(parseTritonConfig, `${base}\nport: ${new URL(fake.origin).port}\ntls_config: {ca_file: ${certs.caFile}}`, { configDir: dir });
  const deps = testDeps({ sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createTritonDiscoverer(noCert, deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "triton" }, value: 1 });
  assert.equal(fake.requests.length, 0, "the fake never saw a request without a client certificate");
  await updates.stop(pending);
});

test("triton faults: the common cloud fault run (500, truncated, oversized, hang, 429, down, cold start)", async (t) => {
  const { fake, parsed } = await start(t);
  await checkCloudFaults(t, { mechanism: "triton", fake, targetCount: 2, create: (deps, limits) => createTritonDiscoverer({ ...parsed, ...limits }, deps) });
});
