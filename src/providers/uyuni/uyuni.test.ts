import assert from "node:assert/strict";
import { test } from "node:test";
import { configProblem, manualTicks, parseConfigYaml, pullUpdates, testDeps, waitForMetric, type MetricExpectation } from "../../testing/index.js";
import { parseUyuniConfig, type UyuniConfig } from "./config.js";
import { createUyuniDiscoverer, uyuniApiUrl } from "./discoverer.js";
import { startFakeUyuni, type FakeUyuniSystem } from "./fake-uyuni-server.js";
import { decodeMethodResponse, encodeMethodCall } from "./xmlrpc.js";

const parse = (yaml: string, profile: "v3" | "v2.42" = "v3"): UyuniConfig => parseConfigYaml(parseUyuniConfig, yaml, { profile });
const problem = (yaml: string, profile: "v3" | "v2.42" = "v3"): string => configProblem(() => parse(yaml, profile));
const ok = "server: https://u\nusername: a\npassword: p";

test("uyuni config: defaults and Prometheus's validation messages (2.42 never validated the client block)", () => {
  const cases: [string, string, string][] = [
    ["username: a\npassword: p", "Uyuni SD configuration requires server host", "Uyuni SD configuration requires server host"],
    ["server: 'http://u/%zz'\nusername: a\npassword: p", 'Uyuni Server URL is not valid: parse "http://u/%zz": invalid URL escape "%zz"', 'Uyuni Server URL is not valid: parse "http://u/%zz": invalid URL escape "%zz"'],
    ["server: u\npassword: p", "Uyuni SD configuration requires a username", "Uyuni SD configuration requires a username"],
    ["server: u\nusername: a", "Uyuni SD configuration requires a password", "Uyuni SD configuration requires a password"],
    [`${ok}\nbearer_token: a\nbearer_token_file: b`, "at most one of bearer_token & bearer_token_file must be configured", "accepted"],
    [`${ok}\nfoo: 1`, "yaml: unmarshal errors:\n  line 4: field foo not found in type uyuni.SDConfig", "yaml: unmarshal errors:\n  line 4: field foo not found in type uyuni.SDConfig"],
    [ok, "accepted", "accepted"],
  ];
  for (const [yaml, v3, v242] of cases) {
    assert.equal(problem(yaml), v3, yaml);
    assert.equal(problem(yaml, "v2.42"), v242, `${yaml} (2.42)`);
  }
  const config = parse(ok);
  assert.deepEqual([config.entitlement, config.separator, config.refreshIntervalMs], ["monitoring_entitled", ",", 60_000]);
  assert.equal(JSON.stringify(config.password), '"<secret>"');
});

test("uyuni: the API URL is Go's path.Join(server path, /rpc/api), query kept", () => {
  const cases: [string, string][] = [
    ["https://u", "https://u/rpc/api"],
    ["https://u/", "https://u/rpc/api"],
    ["https://u/a/../b/", "https://u/b/rpc/api"],
    ["https://u:8443/x?y=1", "https://u:8443/x/rpc/api?y=1"],
  ];
  for (const [server, want] of cases) assert.equal(uyuniApiUrl(server), want, server);
});

test("uyuni xmlrpc: kolo's request bytes and fault decoding", () => {
  assert.equal(encodeMethodCall("auth.login", ["a<&>\"'", "p", 600]), `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>auth.login</methodName><params><param><value><string>a&lt;&amp;&gt;&#34;&#39;</string></value></param><param><value><string>p</string></value></param><param><value><int>600</int></value></param></params></methodCall>`);
  assert.equal(encodeMethodCall("m", ["t", [1n, 2n]]).includes("<param><value><array><data><value><int>1</int></value><value><int>2</int></value></data></array></value></param>"), true);
  assert.throws(() => decodeMethodResponse("<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>2950</int></value></member><member><name>faultString</name><value><string>bad</string></value></member></struct></value></fault></methodResponse>", { kind: "string" }), { message: "Fault(2950): bad" });
  assert.equal(decodeMethodResponse("<methodResponse><params><param><value>\n  tok \n</value></param></params></methodResponse>", { kind: "string" }), "tok");
  assert.throws(() => decodeMethodResponse("<methodResponse/>", { kind: "string" }), { message: "reading body EOF" });
});

const SYSTEMS: FakeUyuniSystem[] = [{ id: 1, groups: [{ id: 1, name: "a" }, { id: 2, name: "b" }], network: { hostname: "h1", primary_fqdn: "h1.example" }, endpoints: [{ endpoint_name: "node", port: 9100, tls_enabled: true }] }];
const failures = (value: number): MetricExpectation => ({ name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "uyuni" }, value });

test("uyuni: labels, one login per 5 minutes, a new login after a failed call", async (t) => {
  const uyuni = await startFakeUyuni({ systems: SYSTEMS });
  t.after(() => uyuni.close());
  let clock = 1_000_000;
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createUyuniDiscoverer(parse(`server: ${uyuni.url}\nusername: admin\npassword: secret\nseparator: ';'`), deps, { now: () => clock }));
  assert.deepEqual(await updates.next(), [{ source: `${uyuni.url}/rpc/api`, labels: {}, targets: [{
    __address__: "h1:9100", __meta_uyuni_minion_hostname: "h1", __meta_uyuni_primary_fqdn: "h1.example", __meta_uyuni_system_id: "1",
    __meta_uyuni_groups: "a;b", __meta_uyuni_endpoint_name: "node", __meta_uyuni_exporter: "node_exporter", __meta_uyuni_proxy_module: "",
    __meta_uyuni_metrics_path: "/metrics", __meta_uyuni_scheme: "https",
  }] }]);
  const methods = (): string[] => uyuni.calls.map((c) => c.method.replace(/^.*\./, ""));
  assert.deepEqual(methods(), ["login", "listSystemGroupsForSystemsWithEntitlement", "listEndpoints", "getNetworkForSystems"]);
  assert.deepEqual(uyuni.calls[1]?.params, ["token-1", "monitoring_entitled"]);
  assert.deepEqual(uyuni.calls[2]?.params, ["token-1", [1]]);

  clock += 4 * 60_000;
  ticks.tick();
  await updates.next();
  assert.equal(uyuni.calls.filter((c) => c.method === "auth.login").length, 1, "the token is reused for half its 10 minutes");

  uyuni.expireTokens();
  const pending = updates.pull();
  ticks.tick();
  await waitForMetric(deps.registry, failures(1));
  clock += 1; // the forced expiry is "now": any later refresh logs in again
  ticks.tick();
  assert.ok(!(await pending).done);
  assert.equal(uyuni.calls.filter((c) => c.method === "auth.login").length, 2, "a failed call forces a new login");
  clock += 6 * 60_000;
  ticks.tick();
  await updates.next();
  assert.equal(uyuni.calls.filter((c) => c.method === "auth.login").length, 3, "and so does the token's half-life");
  await updates.stop();
});

test("uyuni: server down at start, then 500, truncated, oversized and stalled answers keep the last good targets", async (t) => {
  const probe = await startFakeUyuni();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const config: UyuniConfig = { ...parse(`server: http://127.0.0.1:${port}\nusername: admin\npassword: secret\nrefresh_interval: 300ms`), maxBodyBytes: 2048 };
  const updates = pullUpdates(t, createUyuniDiscoverer(config, deps));
  const first = updates.pull();
  await waitForMetric(deps.registry, { ...failures(1), description: "connection refused" });
  const uyuni = await startFakeUyuni({ systems: SYSTEMS, port });
  t.after(() => uyuni.close());
  ticks.tick();
  const up = await first;
  assert.ok(!up.done);
  assert.equal(up.value[0]?.targets.length, 1);

  const pending = updates.pull();
  const many: FakeUyuniSystem[] = Array.from({ length: 50 }, (_, i) => ({ id: i, network: { hostname: `h${i}` }, endpoints: [{ endpoint_name: "n", port: 1 }] }));
  const faults = [
    () => uyuni.script.next({ status: 500, body: "" }),
    () => uyuni.script.next({ status: 200, body: "<?xml version='1.0'?><methodResponse><params><param><value><array><data>", truncateAfterBytes: 40 }),
    () => uyuni.setSystems(many),
    () => {
      uyuni.setSystems(SYSTEMS);
      uyuni.script.next({ status: 200, body: "<?xml version='1.0'?><methodResponse><params><param><value><array><data></data></array></value></param></params></methodResponse>", stallAfterBytes: 30 });
    },
  ];
  for (const [i, fault] of faults.entries()) {
    fault();
    ticks.tick();
    await waitForMetric(deps.registry, { ...failures(i + 2), description: `fault ${i + 1}` });
  }
  uyuni.setSystems([]);
  ticks.tick();
  const recovered = await pending;
  assert.ok(!recovered.done);
  assert.deepEqual(recovered.value[0]?.targets, []);
  await updates.stop();
});
