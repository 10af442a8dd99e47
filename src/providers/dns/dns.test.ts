import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Registry } from "prom-client";
import { ConfigLocation } from "../../yaml/location.js";
import { parseYaml } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { silentLogger } from "../../logging.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Profile } from "../../profile.js";
import type { DiscovererDeps } from "../provider.js";
import { parseDnsConfig, type DnsConfig } from "./config.js";
import { createDnsDiscoverer } from "./discoverer.js";
import { startFakeDnsServer, type FakeAnswer, type FakeQuery } from "./fake-dns-server.js";
import { candidateNames, parseResolvConf } from "./resolv-conf.js";
import { formatIpv6, RecordType } from "./wire.js";

const at = new ConfigLocation("prometheus.yml", 3, "scrape_configs[0].dns_sd_configs[0]");
function parse(yaml: string, profile: Profile = "v3"): DnsConfig {
  return parseDnsConfig(parseYaml(yaml, "prometheus.yml"), at, { configDir: "/etc/prometheus", profile });
}

test("dns config: defaults are SRV, port 0, 30s", () => {
  assert.deepEqual(parse("names: [_x._tcp.example.com.]"), { names: ["_x._tcp.example.com."], type: "SRV", port: 0, refreshIntervalMs: 30_000, hasNsSupport: true });
});

test("dns config: the type is matched case-insensitively", () => {
  assert.equal(parse("{names: [a], type: Aaaa, port: 1}").type, "AAAA");
  assert.equal(parse("{names: [a], type: srv}").type, "SRV");
});

const configErrors: [string, string, Profile][] = [
  ["names: []", "DNS-SD config must contain at least one SRV record name", "v3"],
  ["type: A", "DNS-SD config must contain at least one SRV record name", "v3"],
  ["{names: [a], type: A}", "a port is required in DNS-SD configs for all record types except SRV", "v3"],
  ["{names: [a], type: MX, port: 0}", "a port is required in DNS-SD configs for all record types except SRV", "v3"],
  ["{names: [a], type: NS}", "a port is required in DNS-SD configs for all record types except SRV", "v3"],
  ["{names: [a], type: NS, port: 53}", "invalid DNS-SD records type NS", "v2.42"],
  ["{names: [a], type: PTR}", "invalid DNS-SD records type PTR", "v3"],
  ["{names: [a], type: ''}", "invalid DNS-SD records type ", "v3"],
  ["{names: [a], refresh_interval: 0s}", "refresh_interval must be greater than 0", "v3"],
  ["{names: [a], refresh_interval: 30}", 'not a valid duration string: "30"', "v3"],
  ["{names: [a], typo: 1}", "yaml: unmarshal errors:\n  line 1: field typo not found in type dns.SDConfig", "v3"],
];
for (const [yaml, problem, profile] of configErrors) {
  test(`dns config: ${JSON.stringify(yaml)} fails with "${problem.split("\n").pop()}" (${profile})`, () => {
    assert.throws(() => parse(yaml, profile), (error) => error instanceof ConfigError && error.problem === problem);
  });
}

test("dns config: a negative port is accepted and printed as written", () => {
  assert.equal(parse("{names: [a], type: A, port: -1}").port, -1);
});

test("resolv.conf: servers, search, domain and ndots as miekg/dns reads them", () => {
  const conf = parseResolvConf("# comment\nnameserver 10.0.0.1\nnameserver ::1 extra\ndomain d.example\nsearch a.example b.example\noptions ndots:20 timeout:1 rotate\n");
  assert.deepEqual(conf, { servers: ["10.0.0.1", "::1"], search: ["a.example", "b.example"], ndots: 15 });
  assert.equal(parseResolvConf("options ndots:x").ndots, 0);
  assert.equal(parseResolvConf("options ndots:-3").ndots, 0);
  assert.deepEqual(parseResolvConf("search a\ndomain").search, []);
  assert.deepEqual(parseResolvConf("").servers, []);
});

test("resolv.conf: candidate names follow ndots and the search list", () => {
  const conf = { servers: [], search: ["a.example", "b.example"], ndots: 1 };
  assert.deepEqual(candidateNames("web", conf), ["web.a.example.", "web.b.example.", "web."]);
  assert.deepEqual(candidateNames("web.example.com", conf), ["web.example.com.", "web.example.com.a.example.", "web.example.com.b.example."]);
  assert.deepEqual(candidateNames("web.example.com.", conf), ["web.example.com."]);
  assert.deepEqual(candidateNames("nope.x", { ...conf, ndots: 2 }), ["nope.x.a.example.", "nope.x.b.example.", "nope.x."]);
  assert.deepEqual(candidateNames("web", { servers: [], search: [], ndots: 0 }), ["web."]);
});

test("wire: IPv6 text is RFC 5952 and IPv4-mapped addresses print as IPv4", () => {
  const v6 = (hex: string) => Buffer.from(hex, "hex");
  assert.equal(formatIpv6(v6("00000000000000000000000000000001")), "::1");
  assert.equal(formatIpv6(v6("20010db8000000000001000000000001")), "2001:db8::1:0:0:1");
  assert.equal(formatIpv6(v6("20010db8000100000001000100010001")), "2001:db8:1:0:1:1:1:1");
  assert.equal(formatIpv6(v6("00000000000000000000ffffc0000201")), "192.0.2.1");
  assert.equal(formatIpv6(v6("fe800000000000000000000000000000")), "fe80::");
});

interface Harness {
  readonly updates: AsyncIterator<readonly TargetGroup[]>;
  readonly registry: Registry;
  /** Lets the refresh loop run its next refresh. */
  tick(): void;
  metric(name: string): Promise<number>;
}

async function startDiscovery(t: TestContext, config: Partial<DnsConfig>, handler: (q: FakeQuery) => FakeAnswer, resolv = ""): Promise<Harness & { server: Awaited<ReturnType<typeof startFakeDnsServer>> }> {
  const server = await startFakeDnsServer(handler);
  const dir = await mkdtemp(join(tmpdir(), "promsd-dns-"));
  const resolvConfPath = join(dir, "resolv.conf");
  await writeFile(resolvConfPath, `nameserver 127.0.0.1\n${resolv}`);
  const stop = new AbortController();
  t.after(async () => {
    stop.abort();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  // A refresh permit per tick(): the loop's sleep takes one, or waits until the test grants one.
  let permits = 0;
  let release: (() => void) | undefined;
  const registry = new Registry();
  const deps: DiscovererDeps = {
    logger: silentLogger, registry, jobNames: ["j"], fetch: globalThis.fetch,
    sleep: (_ms, signal) => new Promise((resolve) => {
      if (permits > 0) {
        permits--;
        return resolve(true);
      }
      release = () => resolve(true);
      signal.addEventListener("abort", () => resolve(false), { once: true });
    }),
  };
  const full: DnsConfig = { names: ["n."], type: "SRV", port: 0, refreshIntervalMs: 30_000, hasNsSupport: true, ...config };
  const updates = createDnsDiscoverer(full, deps, { resolvConfPath, port: server.port }).discover(stop.signal)[Symbol.asyncIterator]();
  return {
    server, updates, registry,
    tick: () => {
      if (release) {
        const r = release;
        release = undefined;
        r();
      } else permits++;
    },
    metric: async (name) => (await registry.getSingleMetric(name)?.get())?.values.reduce((sum, v) => sum + v.value, 0) ?? 0,
  };
}

async function next(h: Harness): Promise<readonly TargetGroup[]> {
  const result = await h.updates.next();
  assert.equal(result.done, false);
  return result.value as readonly TargetGroup[];
}

test("dns: D1 A record becomes ip:port with the name label", async (t) => {
  const h = await startDiscovery(t, { names: ["web.example.com."], type: "A", port: 80 }, () => ({ records: [{ type: "A", address: "192.0.2.2" }] }));
  assert.deepEqual(await next(h), [{ source: "web.example.com.", labels: {}, targets: [{ __address__: "192.0.2.2:80", __meta_dns_name: "web.example.com." }] }]);
});

test("dns: D2 AAAA record is bracketed", async (t) => {
  const h = await startDiscovery(t, { names: ["web.example.com."], type: "AAAA", port: 80 }, () => ({ records: [{ type: "AAAA", address: "::1" }] }));
  assert.deepEqual((await next(h))[0]?.targets, [{ __address__: "[::1]:80", __meta_dns_name: "web.example.com." }]);
});

test("dns: D3 SRV records keep the raw target and drop TXT records", async (t) => {
  const name = "_mysql._tcp.db.example.com.";
  const h = await startDiscovery(t, { names: [name] }, () => ({ records: [
    { type: "SRV", target: "db1.example.com.", port: 3306 }, { type: "TXT", text: "x" }, { type: "SRV", target: "db2.example.com.", port: 3306 },
  ] }));
  assert.deepEqual(await next(h), [{ source: name, labels: {}, targets: [
    { __address__: "db1.example.com:3306", __meta_dns_name: name, __meta_dns_srv_record_target: "db1.example.com.", __meta_dns_srv_record_port: "3306" },
    { __address__: "db2.example.com:3306", __meta_dns_name: name, __meta_dns_srv_record_target: "db2.example.com.", __meta_dns_srv_record_port: "3306" },
  ] }]);
  assert.deepEqual(h.server.queries.map((q) => [q.name, q.type, q.transport, q.hasEdns]), [[name, RecordType.SRV, "udp", true]]);
});

test("dns: D4 MX and D5 NS records use the configured port", async (t) => {
  const mx = await startDiscovery(t, { names: ["example.com."], type: "MX", port: 25 }, () => ({ records: [{ type: "MX", exchange: "smtp1.example.com." }, { type: "MX", exchange: "smtp2.example.com.", preference: 10 }] }));
  assert.deepEqual((await next(mx))[0]?.targets, [
    { __address__: "smtp1.example.com:25", __meta_dns_name: "example.com.", __meta_dns_mx_record_target: "smtp1.example.com." },
    { __address__: "smtp2.example.com:25", __meta_dns_name: "example.com.", __meta_dns_mx_record_target: "smtp2.example.com." },
  ]);
  const ns = await startDiscovery(t, { names: ["example.com."], type: "NS", port: 53 }, () => ({ records: [{ type: "NS", host: "a.iana-servers.net." }] }));
  assert.deepEqual((await next(ns))[0]?.targets, [{ __address__: "a.iana-servers.net:53", __meta_dns_name: "example.com.", __meta_dns_ns_record_target: "a.iana-servers.net." }]);
});

test("dns: an SRV root target gives an empty host, a CNAME is skipped silently", async (t) => {
  const h = await startDiscovery(t, { names: ["s."] }, () => ({ records: [{ type: "CNAME", target: "x." }, { type: "SRV", target: ".", port: 3306 }] }));
  assert.deepEqual((await next(h))[0]?.targets, [{ __address__: ":3306", __meta_dns_name: "s.", __meta_dns_srv_record_target: ".", __meta_dns_srv_record_port: "3306" }]);
});

test("dns: D6 NXDOMAIN empties the group, SERVFAIL keeps the old targets and counts a failure", async (t) => {
  let answer: FakeAnswer = { records: [{ type: "SRV", target: "db1.", port: 1 }] };
  const h = await startDiscovery(t, { names: ["s."] }, () => answer);
  assert.equal((await next(h))[0]?.targets.length, 1);
  answer = { rcode: 3 };
  h.tick();
  assert.deepEqual(await next(h), [{ source: "s.", labels: {}, targets: [] }]);
  answer = { rcode: 2 };
  h.tick();
  assert.deepEqual(await next(h), []);
  assert.equal(await h.metric("prometheus_sd_dns_lookups_total"), 3);
  assert.equal(await h.metric("prometheus_sd_dns_lookup_failures_total"), 1);
  assert.equal(await h.metric("prometheus_sd_refresh_failures_total"), 0);
});

test("dns: D7 NOERROR with no answer stops the search list (NODATA)", async (t) => {
  const h = await startDiscovery(t, { names: ["web"], type: "A", port: 9100 }, () => ({ records: [] }), "search a.example b.example\noptions ndots:1\n");
  assert.deepEqual(await next(h), [{ source: "web", labels: {}, targets: [] }]);
  assert.deepEqual(h.server.queries.map((q) => q.name), ["web.a.example."]);
});

test("dns: D7 NXDOMAIN moves on to the next search domain", async (t) => {
  const h = await startDiscovery(t, { names: ["web"], type: "A", port: 9100 }, (q) =>
    q.name === "web.b.example." ? { records: [{ type: "A", address: "10.0.0.7" }] } : { rcode: 3 }, "search a.example b.example\n");
  assert.deepEqual(await next(h), [{ source: "web", labels: {}, targets: [{ __address__: "10.0.0.7:9100", __meta_dns_name: "web" }] }]);
  assert.deepEqual(h.server.queries.map((q) => q.name), ["web.a.example.", "web.b.example."]);
});

test("dns: a failing search domain makes the name fail instead of returning no targets", async (t) => {
  const h = await startDiscovery(t, { names: ["web"], type: "A", port: 1 }, (q) => (q.name === "web.a.example." ? { rcode: 2 } : { rcode: 3 }), "search a.example\n");
  assert.deepEqual(await next(h), []);
  assert.equal(await h.metric("prometheus_sd_dns_lookup_failures_total"), 1);
});

test("dns: D8 a truncated UDP reply is asked again over TCP without EDNS0", async (t) => {
  const records = [{ type: "SRV", target: "a.", port: 1 }, { type: "SRV", target: "b.", port: 2 }] as const;
  const h = await startDiscovery(t, { names: ["_svc._tcp.example.com."] }, () => ({ records: [...records], truncateUdp: true }));
  assert.deepEqual((await next(h))[0]?.targets.map((x) => x.__address__), ["a:1", "b:2"]);
  assert.deepEqual(h.server.queries.map((q) => [q.transport, q.hasEdns]), [["udp", true], ["tcp", false]]);
});

test("dns: a name that never resolves keeps nothing but does not block the other names", async (t) => {
  const h = await startDiscovery(t, { names: ["ok.", "bad."], type: "A", port: 1 }, (q) => (q.name === "ok." ? { records: [{ type: "A", address: "10.0.0.1" }] } : { rcode: 5 }));
  assert.deepEqual(await next(h), [{ source: "ok.", labels: {}, targets: [{ __address__: "10.0.0.1:1", __meta_dns_name: "ok." }] }]);
});

test("dns: a missing resolv.conf fails the name with a clear error", async (t) => {
  const stop = new AbortController();
  t.after(() => stop.abort());
  const registry = new Registry();
  const errors: string[] = [];
  const logger = { ...silentLogger, error: (fields: Record<string, unknown>) => { errors.push(String(fields.err)); } };
  const discoverer = createDnsDiscoverer({ names: ["x."], type: "A", port: 1, refreshIntervalMs: 1000, hasNsSupport: true },
    { logger, registry, jobNames: ["j"], fetch, sleep: async () => false }, { resolvConfPath: "/nonexistent/resolv.conf", port: 53 });
  const first = await discoverer.discover(stop.signal)[Symbol.asyncIterator]().next();
  assert.deepEqual(first.value, []);
  assert.match(errors[0] ?? "", /^could not load resolv.conf: ENOENT/);
});

test("dns: servers are tried in resolv.conf order until one gives a viable answer", async (t) => {
  // Two servers on one port (Prometheus always uses port 53): the first answers SERVFAIL, the second works.
  const second = await startFakeDnsServer(() => ({ records: [{ type: "A", address: "10.0.0.9" }] }), { host: "127.0.0.2" })
    .catch(() => undefined);
  assert.ok(second, "could not listen on 127.0.0.2");
  const first = await startFakeDnsServer(() => ({ rcode: 2 }), { port: second.port });
  const dir = await mkdtemp(join(tmpdir(), "promsd-dns-"));
  t.after(async () => {
    await first.close();
    await second.close();
    await rm(dir, { recursive: true, force: true });
  });
  const resolvConfPath = join(dir, "resolv.conf");
  await writeFile(resolvConfPath, "nameserver 127.0.0.1\nnameserver 127.0.0.2\n");
  const stop = new AbortController();
  t.after(() => stop.abort());
  const discoverer = createDnsDiscoverer({ names: ["x."], type: "A", port: 1, refreshIntervalMs: 1000, hasNsSupport: true },
    { logger: silentLogger, registry: new Registry(), jobNames: ["j"], fetch, sleep: async () => false }, { resolvConfPath, port: second.port });
  const result = await discoverer.discover(stop.signal)[Symbol.asyncIterator]().next();
  assert.deepEqual(result.value, [{ source: "x.", labels: {}, targets: [{ __address__: "10.0.0.9:1", __meta_dns_name: "x." }] }]);
  assert.equal(first.queries.length, 1);
  assert.equal(second.queries.length, 1);
});
