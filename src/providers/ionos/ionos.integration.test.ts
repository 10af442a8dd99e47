/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` reach the same fake api.ionos.com through `proxy_url` (a loopback CONNECT
 * proxy) and `tls_config.ca_file`, from the config alone, both inside a loopback-only network namespace.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { FakeAnswer } from "../../testing/cloud/api-fake.js";
import { configOracleMismatches } from "../../testing/config-oracle.js";
import { assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakeIonos } from "./fake-ionos.js";

const DATACENTER = "8feda53f-15f0-447f-badf-ebe32dad2fc0";
const mock = JSON.parse(readFileSync(new URL("./fixtures/servers.json", import.meta.url), "utf8")) as { id: string; items: Record<string, unknown>[] };
const [first = {}] = mock.items;
const nic = (name: string | null, ips: string[]) => ({ id: `nic-${name}`, properties: { ...(name === null ? {} : { name }), ips } });
const server = (id: string, nics: unknown[], extra: Record<string, unknown> = {}) => ({ ...first, id, entities: { nics: { items: nics }, volumes: { items: [] } }, ...extra });
const odd = {
  id: `${DATACENTER}/servers`,
  items: [
    server("three-nics", [nic("a b", ["10.0.0.1", "10.0.0.2"]), nic(null, ["10.0.1.1"]), nic("c", ["2001:db8::1"])]),
    server("no-ips", [nic("x", [])]),
    server("no-entities", [], { entities: null }),
    server("volume-image", [nic("m", ["1.1.1.1"])], { entities: { nics: { items: [nic("m", ["1.1.1.1"])] }, volumes: { items: [{ properties: { image: "img-1" } }] } } }),
  ],
};

// NIC names that repeat after another NIC: Prometheus's shared Go slices overwrite IP list entries.
const aliasing = {
  id: `${DATACENTER}/servers`,
  items: [
    server("repeat-after-other", [nic(null, ["10.0.0.1"]), nic("x", ["10.0.0.2"]), nic(null, ["10.0.0.3"])]),
    server("repeat-three-ips", [nic("a", ["1.1.1.1", "1.1.1.2", "1.1.1.3"]), nic("b", ["2.2.2.2"]), nic("a", ["3.3.3.3"])]),
    server("repeat-both", [nic("a", ["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5"]), nic("b", ["2.2.2.2", "2.2.2.3"]), nic("a", ["3.3.3.3"]), nic("b", ["4.4.4.4"])]),
    server("five-after-two", [nic(null, ["10.1.0.1"]), nic("x", ["10.1.0.2"]), nic(null, ["10.1.0.3", "10.1.0.4", "10.1.0.5", "10.1.0.6", "10.1.0.7"])]),
    server("two-two", [nic("p", ["10.2.0.1", "10.2.0.2"]), nic("q", ["10.2.0.3"]), nic("p", ["10.2.0.4", "10.2.0.5"])]),
  ],
};

const CORPUS: { name: string; servers?: unknown; answer?: FakeAnswer }[] = [
  { name: "Prometheus's test data", servers: mock },
  { name: "NIC order, unnamed NICs, no IPs, no entities, boot image", servers: odd },
  { name: "repeated NIC names (Go slice aliasing)", servers: aliasing },
  { name: "no servers", servers: { id: `${DATACENTER}/servers`, items: [] } },
  { name: "500", answer: { status: 500, body: { httpStatus: 500, messages: [{ errorCode: "100", message: "boom" }] } } },
  { name: "truncated", answer: { body: JSON.stringify(mock), truncateAfterBytes: 100 } },
];

test("ionos (oracle): promtool 2.42 and promsd sd print the same targets for every fake IONOS state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeIonos(dir, { authorization: `Basic ${Buffer.from("u:p").toString("base64")}`, datacenterId: DATACENTER, servers: c.servers ?? {} });
    const netns = await openLoopbackNetns(dir, fake.ports);
    try {
      if (c.answer) fake.answerAlways(c.answer);
      await writeOneJobConfig(dir, "ionos_sd_configs", `datacenter_id: ${DATACENTER}\nbasic_auth: {username: u, password: p}\nport: 9100\n${fake.clientYaml}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000, commandPrefix: netns.commandPrefix }), c.name);
      compared += want.length;
      assert.deepEqual([...new Set(fake.requests.map((r) => `${r.host} ${r.url.pathname}`))], [`api.ionos.com /cloudapi/v6/datacenters/${DATACENTER}/servers`], c.name);
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
  assert.ok(compared >= 9, `only ${compared} targets compared`);
});

test("ionos (oracle): promtool check config 2.42 and promsd accept and reject the same blocks, with its messages", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "key"), "6d6579e5-a5b9-49fc-a35f-b4feb9b87301\n");
  assert.deepEqual(await configOracleMismatches(dir, "ionos_sd_configs", [
  { name: "datacenter", block: "datacenter_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\nbasic_auth: {username: u, password: p}" },
  { name: "datacenter missing", block: "port: 9100" },
  { name: "empty datacenter", block: "datacenter_id: ''" },
  { name: "unknown key", block: "datacenter_id: x\nlocation: de/fra" },
  { name: "datacenter check before HTTP client checks", block: "bearer_token: a\nbearer_token_file: b" },
  ]), []);
});
