/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` reach the same fake Hetzner (api.hetzner.cloud / robot-ws.your-server.de on
 * loopback) through `proxy_url` (a CONNECT proxy) and `tls_config.ca_file`, from the config alone. The
 * clients never resolve the API host names (the proxy gets the name in CONNECT; checked with strace: promtool's only
 * connect() is to the proxy), and both run in a loopback-only network namespace besides (openLoopbackNetns).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { configOracleMismatches } from "../../testing/config-oracle.js";
import { assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import type { FakeAnswer } from "../../testing/cloud/api-fake.js";
import { startFakeHetzner, type HetznerState } from "./fake-hetzner.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const mockServers = (fixture("hcloud-servers.json") as { servers: Record<string, unknown>[] }).servers;
const networks = (fixture("hcloud-networks.json") as { networks: Record<string, unknown>[] }).networks;
const robotServers = fixture("robot-servers.json") as unknown[];
const datacenter = { id: 4, name: "fsn1-dc14", description: "Falkenstein 1 DC14", location: { id: 1, name: "fsn1", network_zone: "eu-central" } };
const servers = mockServers.map((s) => ({ ...s, datacenter }));
const [first = {}, second = {}] = servers;

const odd = [
  { ...first, id: 7, name: "no-ipv4", public_net: { ipv4: null, ipv6: { ip: "2a01:4f8:0:0:0:0:0:0/64" }, floating_ips: [] }, private_net: [{ network: 4711, ip: "10.0.0.9" }, { network: 99, ip: "10.9.9.9" }] },
  { ...second, id: 8, name: "bad-ipv6", public_net: { ipv4: { ip: "1.2.3.9" }, ipv6: { ip: "not-a-cidr" } }, labels: { "a.b/c": "x", "ünï": "y" }, server_type: { name: "cx22", cores: 2, memory: 3.75, disk: 40, cpu_type: "dedicated" }, image: null },
];
const many = Array.from({ length: 120 }, (_, i) => ({ ...first, id: 5000 + i, name: `bulk-${i}`, labels: {} }));

const CORPUS: { name: string; role: "hcloud" | "robot"; state?: Partial<HetznerState>; answer?: FakeAnswer }[] = [
  { name: "Prometheus's mock servers", role: "hcloud" },
  { name: "no IPv4, bad IPv6, unknown network, odd label keys, fractional memory", role: "hcloud", state: { servers: odd, networks: [...networks, { id: 5, name: "other-net.x" }] } },
  { name: "120 servers over 3 pages", role: "hcloud", state: { servers: many } },
  { name: "no servers", role: "hcloud", state: { servers: [] } },
  { name: "hcloud 500", role: "hcloud", answer: { status: 500, body: { error: { code: "server_error", message: "boom" } } } },
  { name: "Prometheus's mock robot servers", role: "robot" },
  { name: "robot: several subnets, bad IP, upper-case dc", role: "robot", state: { robotServers: [{ server: { server_ip: "5.6.7.8", server_number: 9, server_name: "", dc: "HEL1-DC2", status: "ready", product: "AX41", cancelled: true, subnet: [{ ip: "5.6.7.0", mask: "29" }, { ip: "bogus", mask: "64" }, { ip: "2a01::", mask: "64" }] } }] } },
  { name: "robot truncated body", role: "robot", answer: { status: 200, body: JSON.stringify(robotServers), truncateAfterBytes: 30 } },
];

test("hetzner (oracle): promtool 2.42 and promsd sd print the same targets for every fake Hetzner state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeHetzner(dir, { token: "tok", robotAuth: "u:p", state: { servers, networks, robotServers, ...c.state } });
    const netns = await openLoopbackNetns(dir, fake.ports);
    try {
      if (c.answer) fake.answerAlways(c.answer);
      const auth = c.role === "hcloud" ? "bearer_token: tok" : "basic_auth: {username: u, password: p}";
      await writeOneJobConfig(dir, "hetzner_sd_configs", `role: ${c.role}\n${auth}\nport: 9100\n${fake.clientYaml}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000, commandPrefix: netns.commandPrefix }), c.name);
      compared += want.length;
      const hosts = new Set(fake.requests.map((r) => r.host));
      assert.deepEqual([...hosts], [c.role === "hcloud" ? "api.hetzner.cloud" : "robot-ws.your-server.de"], c.name);
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
  assert.ok(compared >= 120, `only ${compared} targets compared`);
});

test("hetzner (oracle): promtool check config 2.42 and promsd accept and reject the same blocks, with its messages", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "key"), "6d6579e5-a5b9-49fc-a35f-b4feb9b87301\n");
  assert.deepEqual(await configOracleMismatches(dir, "hetzner_sd_configs", [
  { name: "defaults", block: "role: hcloud" },
  { name: "robot with basic auth", block: "role: robot\nbasic_auth: {username: u, password: p}\nport: 9100\nrefresh_interval: 5m" },
  { name: "role missing", block: "port: 80" },
  { name: "unknown role", block: "role: vps" },
  { name: "label_selector is 3.5+", block: "role: hcloud\nlabel_selector: a=b" },
  { name: "unknown key", block: "role: hcloud\nfoo: 1" },
  { name: "port not a number", block: "role: hcloud\nport: http" },
  { name: "bearer token and file", block: "role: hcloud\nbearer_token: a\nbearer_token_file: b" },
  { name: "bad duration", block: "role: hcloud\nrefresh_interval: 5" },
  ]), []);
});
