/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` reach the same fake api.vultr.com through `proxy_url` (a loopback CONNECT
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
import { startFakeVultr } from "./fake-vultr.js";

const mock = (JSON.parse(readFileSync(new URL("./fixtures/instances.json", import.meta.url), "utf8")) as { instances: Record<string, unknown>[] }).instances;
const [first = {}] = mock;
const odd = [
  { ...first, id: "v6", main_ip: "2001:19f0::1", v6_main_ip: "2001:19f0::1", features: ["ipv6", "auto_backups"], tags: null },
  { ...first, id: "empty", main_ip: "", label: "", hostname: "", os_id: 0, tags: ["a,b"] },
  { ...first, id: "nulls", ram: null, disk: null, features: null, internal_ip: null },
];

const CORPUS: { name: string; instances?: unknown[]; answer?: FakeAnswer }[] = [
  { name: "Prometheus's mock instances", instances: mock },
  { name: "IPv6 main IP, empty fields, nulls", instances: odd },
  { name: "230 instances over 3 cursor pages", instances: Array.from({ length: 230 }, (_, i) => ({ ...first, id: `bulk-${i}`, main_ip: `10.0.${i >> 8}.${i & 255}` })) },
  { name: "no instances", instances: [] },
  { name: "401", answer: { status: 401, body: { error: "Invalid API token.", status: 401 } } },
  { name: "wrong type", answer: { body: { instances: [{ id: 7 }], meta: { links: { next: "" } } } } },
];

test("vultr (oracle): promtool 2.42 and promsd sd print the same targets for every fake Vultr state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeVultr(dir, { token: "tok", instances: c.instances ?? [] });
    const netns = await openLoopbackNetns(dir, fake.ports);
    try {
      if (c.answer) fake.answerAlways(c.answer);
      await writeOneJobConfig(dir, "vultr_sd_configs", `authorization: {credentials: tok}\nport: 9100\n${fake.clientYaml}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000, commandPrefix: netns.commandPrefix }), c.name);
      compared += want.length;
      assert.deepEqual([...new Set(fake.requests.map((r) => r.host))], ["api.vultr.com"], c.name);
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
  assert.ok(compared >= 230, `only ${compared} targets compared`);
});

test("vultr (oracle): promtool check config 2.42 and promsd accept and reject the same blocks, with its messages", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "key"), "6d6579e5-a5b9-49fc-a35f-b4feb9b87301\n");
  assert.deepEqual(await configOracleMismatches(dir, "vultr_sd_configs", [
  { name: "defaults", block: "{}" },
  { name: "authorization", block: "authorization: {credentials: k}\nport: 9100" },
  { name: "unknown key", block: "region: ewr" },
  { name: "bad port", block: "port: x" },
  ]), []);
});
