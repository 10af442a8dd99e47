import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { Registry } from "prom-client";
import { checkCloudFaults } from "../../testing/cloud/cloud-faults.js";
import { configProblem, manualTicks, metricValue, parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import { parseLinodeConfig, type LinodeConfig } from "./config.js";
import { createLinodeDiscoverer } from "./discoverer.js";
import { startFakeLinode, type LinodeState } from "./fake-linode.js";

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${path}`, import.meta.url), "utf8"));
const data = (dir: string, path: string): Record<string, unknown>[] => (read(`${dir}/v4/${path}.json`) as { data: Record<string, unknown>[] }).data;
const TOKEN = "7b2c56dd51edd90952c1b94c472b94b176f20c5c777e376849edd8ad1c6c03bb";
const expected = read("expected.json") as Record<string, { region: string; targetCount: number; want: Record<string, string>[] }>;
const parse = (yaml: string): LinodeConfig => parseConfigYaml(parseLinodeConfig, yaml);

function stateOf(dir: string): LinodeState {
  return { instances: data(dir, "linode/instances"), ips: data(dir, "networking/ips"), ranges: data(dir, "networking/ipv6/ranges"), events: [], isEventsForbidden: false };
}

async function withFake(t: TestContext, yaml: string, state: LinodeState) {
  const fake = await startFakeLinode(await tempDir(t), { token: TOKEN, state });
  t.after(() => fake.close());
  return { fake, config: parse(`authorization: {credentials: ${TOKEN}}\n${yaml}\n${fake.clientYaml}`) };
}

test("linode config: Prometheus's defaults and validation messages", () => {
  const config = parse("{}");
  assert.deepEqual([config.port, config.tagSeparator, config.region, config.refreshIntervalMs], [80, ",", "", 60_000]);
  assert.equal(parse("tag_separator: ';'\nregion: us-east").tagSeparator, ";");
  assert.equal(configProblem(() => parse("zone: x")), "yaml: unmarshal errors:\n  line 1: field zone not found in type linode.plain");
  assert.equal(configProblem(() => parse("refresh_interval: 0s")), "refresh_interval must be greater than 0");
});

for (const [name, directory] of [["no_region", "no_region_filter"], ["us-east", "us-east"], ["us-central", "ca-central"]] as const) {
  test(`linode: Prometheus's "${name}" test data gives its expected labels`, async (t) => {
    const c = expected[name];
    assert.ok(c);
    const { fake, config } = await withFake(t, c.region === "" ? "" : `region: ${c.region}`, stateOf(directory));
    const [group] = await pullUpdates(t, createLinodeDiscoverer(config, testDeps())).next();
    assert.equal(group?.source, "Linode");
    assert.equal(group?.targets.length, c.targetCount);
    assert.deepEqual(group?.targets.slice(0, c.want.length), c.want);
    assert.deepEqual(fake.requests.map((r) => `${r.host} ${r.path} ${r.headers["x-filter"] ?? "-"}`), ["/v4/linode/instances", "/v4/networking/ips", "/v4/networking/ipv6/ranges"].map((p) => `api.linode.com ${p}?page=1&page_size=500 ${c.region === "" ? "-" : `{"region": "${c.region}"}`}`));
  });
}

test("linode: later refreshes ask account events first and list again only when something happened or every 10th poll", async (t) => {
  const { fake, config } = await withFake(t, "tag_separator: '|'", stateOf("no_region_filter"));
  const ticks = manualTicks();
  let clock = Date.parse("2026-12-08T04:00:00Z");
  const registry = new Registry();
  const updates = pullUpdates(t, createLinodeDiscoverer(config, testDeps({ sleep: ticks.sleep, registry }), { now: () => new Date((clock += 1000)) }));
  const [first] = await updates.next();
  assert.equal(first?.targets[0]?.["__meta_linode_tags"], "|monitoring|");
  const paths = (): string[] => fake.requests.map((r) => r.url.pathname);
  const tick = async (): Promise<void> => {
    const next = updates.next();
    ticks.tick();
    await next;
  };
  await tick();
  assert.deepEqual(paths().slice(3), ["/v4/account/events"]);
  assert.equal(fake.requests[3]?.headers["x-filter"], '{"created": {"+gte": "2026-12-08T04:00:02"}}');
  assert.equal(fake.requests[3]?.path, "/v4/account/events?page=1&page_size=25");
  fake.state.events.push({ id: 1, action: "linode_boot" });
  await tick();
  assert.deepEqual(paths().slice(4), ["/v4/account/events", "/v4/linode/instances", "/v4/networking/ips", "/v4/networking/ipv6/ranges"]);
  fake.state.events.length = 0;
  for (let i = 0; i < 9; i++) await tick();
  assert.equal(paths().slice(8).filter((p) => p === "/v4/linode/instances").length, 0, "nine quiet polls list nothing");
  await tick();
  assert.deepEqual(paths().slice(-4), ["/v4/account/events", "/v4/linode/instances", "/v4/networking/ips", "/v4/networking/ipv6/ranges"], "the 10th quiet poll lists everything");
  fake.state.isEventsForbidden = true;
  await tick();
  await tick();
  assert.deepEqual(paths().slice(-7), ["/v4/account/events", "/v4/linode/instances", "/v4/networking/ips", "/v4/networking/ipv6/ranges", "/v4/linode/instances", "/v4/networking/ips", "/v4/networking/ipv6/ranges"], "a 401 on events turns event polling off for good");
  assert.equal(await metricValue(registry, "prometheus_sd_linode_failures_total"), 0);
});

test("linode: a failed full refresh counts in prometheus_sd_linode_failures_total", async (t) => {
  const { fake, config } = await withFake(t, "", stateOf("us-east"));
  fake.answerAlways({ status: 500, body: { errors: [{ reason: "boom" }] } });
  const registry = new Registry();
  const updates = pullUpdates(t, createLinodeDiscoverer(config, testDeps({ registry, sleep: manualTicks().sleep })));
  const never = updates.pull();
  const { waitForMetric } = await import("../../testing/index.js");
  await waitForMetric(registry, { name: "prometheus_sd_linode_failures_total", value: 1 });
  assert.equal(await metricValue(registry, "prometheus_sd_refresh_failures_total", { mechanism: "linode" }), 1);
  await updates.stop(never);
});

test("linode: faults keep the last targets, are counted, back off on 429 and are cut off when hanging", async (t) => {
  const { fake, config } = await withFake(t, "region: us-east", stateOf("us-east"));
  await checkCloudFaults(t, { mechanism: "linode", fake, targetCount: 2, create: (deps, limits) => createLinodeDiscoverer({ ...config, ...limits }, deps) });
});
