import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, metricValue, parseConfigYaml, pullUpdates, testDeps, waitForMetric } from "../../testing/index.js";
import { parseOvhcloudConfig, type OvhcloudConfig } from "./config.js";
import { createOvhcloudDiscoverer } from "./discoverer.js";
import { startFakeOvhApi, TEST_CREDENTIALS, type FakeOvhApi } from "./fake-ovh-api.js";
import { parseIpList } from "./ip-list.js";
import { serverPath } from "./services.js";

const credentials = `application_key: ${TEST_CREDENTIALS.applicationKey}\napplication_secret: ${TEST_CREDENTIALS.applicationSecret}\nconsumer_key: ${TEST_CREDENTIALS.consumerKey}`;

function config(yaml: string): OvhcloudConfig {
  return parseConfigYaml(parseOvhcloudConfig, yaml);
}

test("ovhcloud config: defaults, and Prometheus's messages in its order", () => {
  const parsed = config(`${credentials}\nservice: vps`);
  assert.equal(parsed.endpoint, "ovh-eu");
  assert.equal(parsed.refreshIntervalMs, 60_000);
  assert.equal(JSON.stringify(parsed.applicationSecret), '"<secret>"');
  const cases: [string, string][] = [
    [`endpoint: ''\n${credentials}\nservice: vps`, "endpoint can not be empty"],
    ["service: vps", "application key can not be empty"],
    [`application_key: a\nservice: vps`, "application secret can not be empty"],
    [`application_key: a\napplication_secret: b\nservice: vps`, "consumer key can not be empty"],
    [`${credentials}`, "unknown service: "],
    [`${credentials}\nservice: vpsx`, "unknown service: vpsx"],
    [`${credentials}\nservice: dedicated_server\nfoo: 1`, "yaml: unmarshal errors:\n  line 5: field foo not found in type ovhcloud.plain"],
    [`${credentials}\nservice: vps\nrefresh_interval: 0s`, "refresh_interval must be greater than 0"],
  ];
  for (const [yaml, want] of cases) assert.equal(configProblem(() => config(yaml)), want, yaml);
});

test("ovhcloud config: the error names file, line and field", () => {
  assert.throws(() => config(`${credentials}\nservice: nope`), { name: "ConfigError", message: /^\/etc\/prom\/p\.yml:4: service: unknown service: nope; /u });
});

test("ovhcloud ip list: Prometheus's TestParseIPs cases", () => {
  const bad = ["A.b", "0.0.0.0", "", "bbb:cccc:1111", "192.0.2.1/23"];
  for (const input of bad) assert.throws(() => parseIpList([input]), /could not parse IP addresses from list/u, input);
  assert.deepEqual(parseIpList(["2001:0db8:0000:0000:0000:0000:0000:0001"]), [{ text: "2001:db8::1", isV4: false }]);
  assert.deepEqual(parseIpList(["192.0.2.1/32"]), [{ text: "192.0.2.1", isV4: true }]);
  // A /64 is skipped, an IPv6 /32 is taken (Prometheus checks the bit count only), mapped addresses print dotted.
  assert.deepEqual(parseIpList(["2001:db8::1/64", "2001:db8::/32", "::ffff:1.2.3.4"]).map((ip) => ip.text), ["2001:db8::", "::ffff:1.2.3.4"]);
  assert.throws(() => parseIpList(["1.2.3.4/33"]), /could not parse/u);
});

test("ovhcloud paths: names are query-escaped and joined as Go's path.Join does", () => {
  assert.equal(serverPath("vps", "a b/c*'"), "/vps/a+b%2Fc%2A%27");
  assert.equal(serverPath("vps", "vps-1.ovh.net", "ips"), "/vps/vps-1.ovh.net/ips");
  assert.equal(serverPath("dedicated_server", "..", "ips"), "/dedicated/ips");
});

async function startDiscovery(t: TestContext, service: string, extra = "", options: { now?: () => number; maxBodyBytes?: number } = {}) {
  const api = await startFakeOvhApi();
  t.after(() => api.close());
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const parsed = config(`endpoint: ${api.origin}\n${credentials}\nservice: ${service}${extra}`);
  const discoverer = createOvhcloudDiscoverer({ ...parsed, maxBodyBytes: options.maxBodyBytes ?? parsed.maxBodyBytes }, deps, options.now ? { now: options.now } : {});
  return { api, ticks, deps, updates: pullUpdates(t, discoverer) };
}

test("ovhcloud: Prometheus's vps fixture gives its expected labels over signed requests", async (t) => {
  const { api, updates } = await startDiscovery(t, "vps");
  const [group] = await updates.next();
  assert.equal(group?.source, "ovhcloud_vps");
  assert.deepEqual(group?.targets, [{
    __address__: "192.0.2.1", __meta_ovhcloud_vps_ipv4: "192.0.2.1", __meta_ovhcloud_vps_ipv6: "", __meta_ovhcloud_vps_cluster: "cluster_test",
    __meta_ovhcloud_vps_datacenter: "[]", __meta_ovhcloud_vps_disk: "40", __meta_ovhcloud_vps_display_name: "abc",
    __meta_ovhcloud_vps_maximum_additional_ip: "16", __meta_ovhcloud_vps_memory: "2048", __meta_ovhcloud_vps_memory_limit: "2048",
    __meta_ovhcloud_vps_model_name: "vps-value-1-2-40", __meta_ovhcloud_vps_name: "abc", __meta_ovhcloud_vps_netboot_mode: "local",
    __meta_ovhcloud_vps_offer: "VPS abc", __meta_ovhcloud_vps_offer_type: "ssd", __meta_ovhcloud_vps_state: "running",
    __meta_ovhcloud_vps_vcore: "1", __meta_ovhcloud_vps_model_vcore: "1", __meta_ovhcloud_vps_version: "2019v1",
    __meta_ovhcloud_vps_zone: "zone", instance: "abc",
  }]);
  assert.deepEqual(api.refused, []);
  assert.deepEqual(api.accepted.map((r) => r.path), ["/vps", "/vps/abc", "/vps/abc/ips"]);
  assert.deepEqual(api.requests.map((r) => r.path)[0], "/auth/time");
});

test("ovhcloud: Prometheus's dedicated_server fixture gives its expected labels", async (t) => {
  const { updates } = await startDiscovery(t, "dedicated_server");
  const [group] = await updates.next();
  assert.equal(group?.source, "ovhcloud_dedicated_server");
  assert.deepEqual(group?.targets, [{
    __address__: "1.2.3.4", __meta_ovhcloud_dedicated_server_commercial_range: "Advance-1 Gen 2", __meta_ovhcloud_dedicated_server_datacenter: "gra3",
    __meta_ovhcloud_dedicated_server_ipv4: "1.2.3.4", __meta_ovhcloud_dedicated_server_ipv6: "", __meta_ovhcloud_dedicated_server_link_speed: "123",
    __meta_ovhcloud_dedicated_server_name: "abcde", __meta_ovhcloud_dedicated_server_no_intervention: "false", __meta_ovhcloud_dedicated_server_os: "debian11_64",
    __meta_ovhcloud_dedicated_server_rack: "TESTRACK", __meta_ovhcloud_dedicated_server_reverse: "abcde-rev", __meta_ovhcloud_dedicated_server_server_id: "1234",
    __meta_ovhcloud_dedicated_server_state: "test", __meta_ovhcloud_dedicated_server_support_level: "pro", instance: "abcde",
  }]);
});

test("ovhcloud: a local clock hours off still signs with the API's time, learnt again every refresh", async (t) => {
  const skewedNow = () => Date.now() - 3 * 3600_000;
  const { api, ticks, updates } = await startDiscovery(t, "vps", "", { now: skewedNow });
  assert.equal((await updates.next())[0]?.targets.length, 1);
  api.clockSkewMs = 90_000; // the API's clock jumps: the next session must learn it again
  ticks.tick();
  assert.equal((await updates.next())[0]?.targets.length, 1);
  assert.deepEqual(api.refused, []);
  assert.equal(api.requests.filter((r) => r.path === "/auth/time").length, 2);
});

test("ovhcloud: a wrong secret is refused by the API and counted as a failed refresh", async (t) => {
  const api = await startFakeOvhApi();
  t.after(() => api.close());
  const deps = testDeps({ sleep: manualTicks().sleep });
  const bad = config(`endpoint: ${api.origin}\napplication_key: ${TEST_CREDENTIALS.applicationKey}\napplication_secret: wrong\nconsumer_key: ${TEST_CREDENTIALS.consumerKey}\nservice: vps`);
  const updates = pullUpdates(t, createOvhcloudDiscoverer(bad, deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "ovhcloud" }, value: 1 });
  assert.equal(api.refused[0]?.reason, "Invalid signature");
  await updates.stop(pending);
});

test("ovhcloud: a server whose addresses cannot be parsed is left out, the others stay", async (t) => {
  const { api, ticks, updates } = await startDiscovery(t, "vps");
  assert.equal((await updates.next())[0]?.targets.length, 1);
  api.state.vps.set("bad", { details: { name: "bad" }, ips: ["2001:db8::1/64"] });
  api.state.vps.set("gone", undefined);
  ticks.tick();
  assert.deepEqual((await updates.next())[0]?.targets.map((target) => target.instance), ["abc"]);
});

test("ovhcloud faults: 429 with Retry-After, then without, is waited out within the refresh", async (t) => {
  const api = await startFakeOvhApi();
  t.after(() => api.close());
  const waits: number[] = [];
  const deps = testDeps({ sleep: async (ms, signal) => (waits.push(ms), ms > 10_000 ? new Promise((resolve) => signal.addEventListener("abort", () => resolve(false), { once: true })) : true) });
  api.answerNext({ status: 429, headers: { "retry-after": "2" }, body: { message: "slow down" } }, { status: 429, body: {} });
  const updates = pullUpdates(t, createOvhcloudDiscoverer(config(`endpoint: ${api.origin}\n${credentials}\nservice: vps`), deps));
  assert.equal((await updates.next())[0]?.targets.length, 1);
  assert.equal(waits[0], 2000);
  assert.ok((waits[1] ?? 0) >= 1600 && (waits[1] ?? 0) <= 2400, `jittered second backoff (2 s ± 20 %), got ${waits[1]}`);
  assert.equal(await metricValue(deps.registry, "prometheus_sd_refresh_failures_total", { mechanism: "ovhcloud" }), 0);
});

test("ovhcloud faults: the common cloud fault run (500, truncated, oversized, hang, 429, down, cold start)", async (t) => {
  const api = await startFakeOvhApi();
  t.after(() => api.close());
  await checkCloudFaults(t, {
    mechanism: "ovhcloud",
    fake: api,
    targetCount: 1,
    create: (deps, limits) => createOvhcloudDiscoverer({ ...config(`endpoint: ${api.origin}\n${credentials}\nservice: vps`), ...limits }, deps),
  });
});

test("ovhcloud faults: a request retried after 429 is signed again with a fresh timestamp", async (t) => {
  const api = await startFakeOvhApi();
  t.after(() => api.close());
  let advancedMs = 0;
  // Time moves only while promsd waits: the API's clock and the local clock both jump by the wait.
  const deps = testDeps({ sleep: async (ms, signal) => (ms === 300_000 ? new Promise((resolve) => signal.addEventListener("abort", () => resolve(false), { once: true })) : ((advancedMs += ms), (api.clockSkewMs = advancedMs), true)) });
  api.answerNext({ body: Math.floor(Date.now() / 1000) }, { status: 429, headers: { "retry-after": "40" }, body: { message: "slow down" } });
  const updates = pullUpdates(t, createOvhcloudDiscoverer(config(`endpoint: ${api.origin}\n${credentials}\nservice: vps\nrefresh_interval: 5m`), deps, { now: () => Date.now() + advancedMs }));
  assert.equal((await updates.next())[0]?.targets.length, 1);
  const stamps = api.requests.filter((r) => r.path === "/vps").map((r) => Number(r.headers["x-ovh-timestamp"]));
  assert.equal(stamps.length, 2);
  assert.ok((stamps[1] ?? 0) - (stamps[0] ?? 0) >= 30, `Retry-After 40 s is capped at 30 s; timestamps ${stamps.join(", ")}`);
  assert.deepEqual(api.refused, [], "the retry's signature matched its new timestamp");
});
