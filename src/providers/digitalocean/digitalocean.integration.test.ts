/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` reach the same fake api.digitalocean.com through `proxy_url` (a loopback
 * CONNECT proxy) and `tls_config.ca_file`, from the config alone; neither resolves the API's name (the
 * proxy receives it in CONNECT), and both run in a loopback-only network namespace besides (openLoopbackNetns). 2.42 has no databases role: that role is
 * proven by Prometheus's own fixtures in digitalocean.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { FakeAnswer } from "../../testing/cloud/api-fake.js";
import { configOracleMismatches } from "../../testing/config-oracle.js";
import { assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakeDigitalOcean } from "./fake-digitalocean.js";

const fixture = (name: string): Record<string, unknown>[] => (JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as { droplets: Record<string, unknown>[] }).droplets;
const mock = [...fixture("droplets-page1.json"), ...fixture("droplets-page2.json")];
const [first = {}] = mock;
const v4 = (ip: string, type: string) => ({ ip_address: ip, netmask: "255.255.240.0", gateway: "10.0.0.1", type });

const odd = [
  { ...first, id: 1, name: "no-networks", networks: null },
  { ...first, id: 2, name: "v6-only", networks: { v4: [], v6: [{ ip_address: "2a03::1", type: "public" }] } },
  { ...first, id: 3, name: "two-publics", networks: { v4: [v4("10.1.1.1", "private"), v4("5.5.5.5", "public"), v4("6.6.6.6", "public")], v6: [] }, tags: ["a", "b c"], features: [] },
  { ...first, id: 4, name: "private-only", networks: { v4: [v4("10.2.2.2", "private")] }, vpc_uuid: null, tags: null },
  { ...first, id: 5, name: "v6 host", networks: { v4: [v4("2a03:b0c0::1", "public")] } },
];
const many = Array.from({ length: 45 }, (_, i) => ({ ...first, id: 100 + i, name: `bulk-${i}` }));

const CORPUS: { name: string; droplets?: unknown[]; answer?: FakeAnswer }[] = [
  { name: "Prometheus's mock droplets", droplets: mock },
  { name: "no networks, IPv6 only, two publics, private only, IPv6 as IPv4", droplets: odd },
  { name: "45 droplets over 3 pages", droplets: many },
  { name: "no droplets", droplets: [] },
  { name: "500", answer: { status: 500, body: { id: "server_error", message: "boom" } } },
  { name: "wrong type", answer: { body: { droplets: [{ id: "3164444", networks: { v4: [v4("1.1.1.1", "public")] } }] } } },
];

test("digitalocean (oracle): promtool 2.42 and promsd sd print the same targets for every fake DigitalOcean state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeDigitalOcean(dir, { token: "tok", state: { droplets: c.droplets ?? [], databases: [] } });
    const netns = await openLoopbackNetns(dir, fake.ports);
    try {
      if (c.answer) fake.answerAlways(c.answer);
      await writeOneJobConfig(dir, "digitalocean_sd_configs", `bearer_token: tok\nport: 9100\n${fake.clientYaml}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000, commandPrefix: netns.commandPrefix }), c.name);
      compared += want.length;
      assert.deepEqual([...new Set(fake.requests.map((r) => r.host))], ["api.digitalocean.com"], c.name);
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
  assert.ok(compared >= 50, `only ${compared} targets compared`);
});

test("digitalocean (oracle): promtool check config 2.42 and promsd accept and reject the same blocks, with its messages", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "key"), "6d6579e5-a5b9-49fc-a35f-b4feb9b87301\n");
  assert.deepEqual(await configOracleMismatches(dir, "digitalocean_sd_configs", [
  { name: "defaults", block: "{}" },
  { name: "token and port", block: "bearer_token: t\nport: 9100" },
  { name: "role is 3.12+", block: "role: droplets" },
  { name: "unknown key", block: "foo: 1" },
  { name: "basic auth and bearer", block: "basic_auth: {username: a}\nbearer_token: b" },
  ]), []);
});
