import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { configProblem, manualTicks, parseConfigYaml, pullUpdates, testDeps, waitForMetric, type MetricExpectation } from "../../testing/index.js";
import { silentLogger, type Logger } from "../../logging.js";
import { XmlTokenizer } from "../../xml/xml-tokenizer.js";
import { decodeApplications } from "./applications.js";
import { parseEurekaConfig, type EurekaConfig } from "./config.js";
import { applicationsToGroup, createEurekaDiscoverer } from "./discoverer.js";
import { renderEurekaApplications, startFakeEureka } from "./fake-eureka-server.js";

const parse = (yaml: string, profile: "v3" | "v2.42" = "v3"): EurekaConfig => parseConfigYaml(parseEurekaConfig, yaml, { profile });
const problem = (yaml: string): string => configProblem(() => parse(yaml));

test("eureka config: defaults and Prometheus's validation messages", () => {
  const cases: [string, string][] = [
    ["refresh_interval: 1m", "eureka_sd: empty or null eureka server"],
    ["server: ''", "eureka_sd: empty or null eureka server"],
    ["server: eureka:8761", "eureka_sd: invalid eureka server URL"],
    ["server: /eureka", "eureka_sd: invalid eureka server URL"],
    ["server: 'http://'", "eureka_sd: invalid eureka server URL"],
    ["server: ':foo'", 'parse ":foo": missing protocol scheme'],
    ["server: 'http://e/%zz'", 'parse "http://e/%zz": invalid URL escape "%zz"'],
    ["server: http://e\nbearer_token: a\nbearer_token_file: b", "at most one of bearer_token & bearer_token_file must be configured"],
    ["server: http://e\nfoo: 1", "yaml: unmarshal errors:\n  line 2: field foo not found in type eureka.SDConfig"],
    ["server: http://e\nrefresh_interval: 0s", "refresh_interval must be greater than 0"],
    ["server: http://e:8761/eureka", "accepted"],
  ];
  for (const [yaml, want] of cases) assert.equal(problem(yaml), want, yaml);
  const config = parse("server: http://e:8761/eureka");
  assert.equal(config.refreshIntervalMs, 30_000);
  assert.equal(config.httpClient.followRedirects, true);
});

test("eureka decoding: Prometheus's client_test.go document (TestFetchApps, TestEurekaSDSendGroup)", async () => {
  const xml = await readFile(join(import.meta.dirname, "fixtures", "prometheus-client-test-apps.xml"), "utf8");
  const apps = decodeApplications(new XmlTokenizer(xml));
  assert.deepEqual(apps.map((a) => a.name), ["CONFIG-SERVICE", "META-SERVICE"]);
  assert.equal(apps[1]?.instances[0]?.instanceId, "meta-service002.test.com:meta-service:8080");
  assert.deepEqual(apps[1]?.instances[0]?.metadata, [{ name: "project", content: "meta-service" }, { name: "management.port", content: "8090" }]);
  const group = applicationsToGroup(apps);
  assert.equal(group.source, "eureka");
  assert.equal(group.targets.length, 4);
  assert.equal(group.targets[0]?.["__address__"], "config-service001.test.com:8080");
  assert.equal(group.targets[2]?.["__address__"], "meta-service002.test.com:8080");
  assert.deepEqual(group.targets[2], {
    __address__: "meta-service002.test.com:8080",
    instance: "meta-service002.test.com:meta-service:8080",
    __meta_eureka_app_name: "META-SERVICE",
    __meta_eureka_app_instance_hostname: "meta-service002.test.com",
    __meta_eureka_app_instance_homepage_url: "http://meta-service002.test.com:8080/",
    __meta_eureka_app_instance_statuspage_url: "http://meta-service002.test.com:8080/info",
    __meta_eureka_app_instance_healthcheck_url: "http://meta-service002.test.com:8080/health",
    __meta_eureka_app_instance_ip_addr: "192.133.87.237",
    __meta_eureka_app_instance_vip_address: "meta-service",
    __meta_eureka_app_instance_secure_vip_address: "meta-service",
    __meta_eureka_app_instance_status: "UP",
    __meta_eureka_app_instance_country_id: "1",
    __meta_eureka_app_instance_id: "meta-service002.test.com:meta-service:8080",
    __meta_eureka_app_instance_port: "8080",
    __meta_eureka_app_instance_port_enabled: "true",
    __meta_eureka_app_instance_secure_port: "443",
    __meta_eureka_app_instance_secure_port_enabled: "false",
    __meta_eureka_app_instance_datacenterinfo_name: "MyOwn",
    __meta_eureka_app_instance_metadata_project: "meta-service",
    __meta_eureka_app_instance_metadata_management_port: "8090",
  });
});

test("eureka decoding: XML that Go rejects fails the whole document; entities are never expanded", () => {
  const bad = [
    "", "   ", "<applications>", "<a><b></a>", "<a x=1/>", "<a>&e;</a>", "<a>&amp</a>", "<a>]]></a>", "<a>\u0001</a>",
    '<!DOCTYPE a [<!ENTITY e "x">]><a><application><instance><hostName>&e;</hostName></instance></application></a>',
    "<a><application><instance><countryId>1.5</countryId></instance></application></a>",
    "<a><application><instance><countryId>9223372036854775808</countryId></instance></application></a>",
  ];
  for (const xml of bad) assert.throws(() => decodeApplications(new XmlTokenizer(xml)), Error, JSON.stringify(xml));
  const deep = `<a>${"<x>".repeat(300)}${"</x>".repeat(300)}</a>`;
  assert.throws(() => decodeApplications(new XmlTokenizer(deep)), /nested deeper than 256/);
  // A quadratic-blowup attempt is just a directive to skip; its entities are undefined in the body.
  const billion = `<!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>`;
  assert.throws(() => decodeApplications(new XmlTokenizer(billion)), /invalid character entity &b;/);
});

const refreshFailures = (value: number): MetricExpectation => ({ name: "prometheus_sd_refresh_failures_total", labels: { mechanism: "eureka" }, value });
const addresses = (groups: readonly { targets: readonly Record<string, string>[] }[]): string[] => groups.flatMap((g) => g.targets.map((x) => x["__address__"] ?? ""));

test("eureka: server down at start, then 500, truncated, oversized and stalled bodies keep the last good targets", async (t) => {
  const probe = await startFakeEureka();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const config: EurekaConfig = { ...parse(`server: http://127.0.0.1:${port}/eureka\nrefresh_interval: 300ms`), maxBodyBytes: 4096 };
  const updates = pullUpdates(t, createEurekaDiscoverer(config, deps));
  const first = updates.pull();
  await waitForMetric(deps.registry, { ...refreshFailures(1), description: "connection refused is a failed refresh" });

  const app = { name: "A", instances: [{ instanceId: "a1", hostName: "h1", port: { port: 1 } }] };
  const eureka = await startFakeEureka({ applications: [app], port });
  t.after(() => eureka.close());
  ticks.tick();
  const up = await first;
  assert.ok(!up.done);
  assert.deepEqual(addresses(up.value), ["h1:1"]);

  const pending = updates.pull();
  const big = renderEurekaApplications([{ name: "B", instances: Array.from({ length: 40 }, (_, i) => ({ instanceId: `b${i}`, hostName: `h${i}`, port: { port: i } })) }]);
  const faults = [
    { status: 500, body: "" },
    { status: 200, body: big, truncateAfterBytes: 500 },
    { status: 200, body: big },
    { status: 200, body: big.slice(0, 3000), stallAfterBytes: 1000 },
  ];
  for (const [i, fault] of faults.entries()) {
    eureka.script.next(fault);
    ticks.tick();
    await waitForMetric(deps.registry, { ...refreshFailures(i + 2), description: `fault ${i + 1}` });
  }
  eureka.setApplications([]);
  ticks.tick();
  const recovered = await pending;
  assert.ok(!recovered.done);
  assert.deepEqual(recovered.value, [{ source: "eureka", labels: {}, targets: [] }]);
  await updates.stop();
});

test("eureka: each distinct error is logged once, and recovery once", async (t) => {
  const eureka = await startFakeEureka({ applications: [] });
  t.after(() => eureka.close());
  const lines: string[] = [];
  const logger: Logger = { ...silentLogger, error: (_, msg) => void lines.push(`error ${msg}`), info: (_, msg) => void lines.push(`info ${msg}`), child: () => logger };
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep, logger });
  eureka.script.next({ status: 500, body: "" });
  eureka.script.next({ status: 500, body: "" });
  eureka.script.next({ status: 500, body: "" });
  const updates = pullUpdates(t, createEurekaDiscoverer(parse(`server: ${eureka.url}`), deps));
  const pending = updates.pull();
  for (let i = 1; i <= 3; i++) {
    await waitForMetric(deps.registry, refreshFailures(i));
    ticks.tick();
  }
  assert.ok(!(await pending).done);
  assert.deepEqual(lines, ["error Unable to refresh target groups", "info Refreshing target groups succeeded again"]);
  await updates.stop();
});
