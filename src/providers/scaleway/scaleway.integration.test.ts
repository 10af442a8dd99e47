/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): promtool and
 * `promsd sd --profile=v2.42` read the same fake Scaleway API through `api_url` (plain HTTP on loopback),
 * both inside a loopback-only network namespace. 2.42's instance role only targets servers with a
 * private IP and has no IPAM; the 3.x rules are proven by Prometheus's fixtures in scaleway.test.ts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import type { FakeAnswer } from "../../testing/cloud/api-fake.js";
import { configOracleMismatches } from "../../testing/config-oracle.js";
import { assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakeScaleway, type ScalewayState } from "./fake-scaleway.js";

const PROJECT = "8feda53f-15f0-447f-badf-ebe32dad2fc0";
const SECRET = "6d6579e5-a5b9-49fc-a35f-b4feb9b87301";
const instances = (JSON.parse(readFileSync(new URL("./fixtures/instance.json", import.meta.url), "utf8")) as { servers: Record<string, unknown>[] }).servers;
const [first = {}] = instances;
const base: ScalewayState = { zone: "fr-par-1", instances, baremetal: [], offers: [], systems: [], ipamIps: [] };
const oddInstances = [
  { ...first, id: "no-image", image: null, location: null, security_group: null, tags: ["a,b", "c"], private_ip: "10.1.1.1", public_ip: { address: "2001:bc8:0:0::0001", family: "inet6" }, ipv6: { address: "2001:0bc8::1" } },
  { ...first, id: "unknown-zone", zone: "xx-yyy-9", private_ip: "10.1.1.2" },
  { ...first, id: "no-private", private_ip: null },
];
const metal = [
  { id: "bm-1", name: "metal", zone: "fr-par-1", status: "ready", project_id: PROJECT, offer_id: "o-1", install: { os_id: "os-1" }, tags: ["x"], ips: [{ address: "2001:bc8::1", version: "IPv6" }, { address: "51.15.0.1", version: "IPv4" }, { address: "51.15.0.2", version: "IPv4" }] },
  { id: "bm-2", name: "bare", zone: "fr-par-1", status: "stopped", project_id: PROJECT, offer_id: "o-x", install: null, tags: [], ips: [{ address: "2001:bc8::0002", version: "IPv6" }] },
  { id: "bm-3", name: "noip", zone: "fr-par-1", status: "ready", project_id: PROJECT, offer_id: "o-2", install: { os_id: "os-9" }, ips: [] },
];
const metalState = { ...base, baremetal: metal, offers: [{ id: "o-1", name: "EM-A" }, { id: "o-2", name: "EM-B" }], systems: [{ id: "os-1", name: "Ubuntu", version: "22.04" }] };

const CORPUS: { name: string; role: "instance" | "baremetal"; state: ScalewayState; extra?: string; answer?: FakeAnswer }[] = [
  { name: "Prometheus's instance test data", role: "instance", state: base },
  { name: "instances: nulls, unknown zone, inet6 public_ip, no private IP", role: "instance", state: { ...base, instances: oddInstances } },
  { name: "120 instances over 3 pages, name and tags filters", role: "instance", state: { ...base, instances: Array.from({ length: 120 }, (_, i) => ({ ...first, id: `i-${i}`, name: `${i % 3 === 0 ? "web" : "db"}-${i}`, private_ip: `10.0.0.${i}`, tags: ["t1", "t2"] })) }, extra: "name_filter: web\ntags_filter: [t1, t2]" },
  { name: "baremetal servers, offers and OS", role: "baremetal", state: metalState },
  { name: "baremetal 500", role: "baremetal", state: metalState, answer: { status: 500, body: { message: "internal error" } } },
  { name: "instance truncated", role: "instance", state: base, answer: { body: JSON.stringify({ servers: instances }), truncateAfterBytes: 40 } },
];

test("scaleway (oracle): promtool 2.42 and promsd sd print the same targets for every fake Scaleway state", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeScaleway({ secretKey: SECRET, state: c.state });
    const netns = await openLoopbackNetns(dir, fake.ports);
    try {
      if (c.answer) fake.answerAlways(c.answer);
      const block = `role: ${c.role}\napi_url: ${fake.origin}\nproject_id: ${PROJECT}\naccess_key: SCW0W8NG6024YHRJ7723\nsecret_key: ${SECRET}\nport: 9100${c.extra === undefined ? "" : `\n${c.extra}`}`;
      await writeOneJobConfig(dir, "scaleway_sd_configs", block);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000, commandPrefix: netns.commandPrefix }), c.name);
      compared += want.length;
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
  assert.ok(compared >= 45, `only ${compared} targets compared`);
});

test("scaleway (oracle): promtool check config 2.42 and promsd accept and reject the same blocks, with its messages", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "key"), "6d6579e5-a5b9-49fc-a35f-b4feb9b87301\n");
  assert.deepEqual(await configOracleMismatches(dir, "scaleway_sd_configs", [
  { name: "instance", block: "role: instance\nproject_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\naccess_key: SCW0W8NG6024YHRJ7723\nsecret_key: 6d6579e5-a5b9-49fc-a35f-b4feb9b87301" },
  { name: "baremetal with filters", block: "role: baremetal\nzone: nl-ams-1\nproject_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\naccess_key: SCW0W8NG6024YHRJ7723\nsecret_key_file: key\nname_filter: web\ntags_filter: [a]" },
  { name: "role missing", block: "project_id: p" },
  { name: "unknown role", block: "role: vm" },
  { name: "project missing", block: "role: instance" },
  { name: "no secret", block: "role: instance\nproject_id: p" },
  { name: "both secrets", block: "role: instance\nproject_id: p\nsecret_key: s\nsecret_key_file: f" },
  { name: "access key missing", block: "role: instance\nproject_id: p\nsecret_key: s" },
  { name: "bad access key", block: "role: instance\nproject_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\naccess_key: SCW1\nsecret_key: 6d6579e5-a5b9-49fc-a35f-b4feb9b87301" },
  { name: "bad secret key", block: "role: instance\nproject_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\naccess_key: SCW0W8NG6024YHRJ7723\nsecret_key: nope" },
  { name: "bad project", block: "role: instance\nproject_id: p\naccess_key: SCW0W8NG6024YHRJ7723\nsecret_key: 6d6579e5-a5b9-49fc-a35f-b4feb9b87301" },
  { name: "api_url with a trailing slash", block: "role: instance\nproject_id: 8feda53f-15f0-447f-badf-ebe32dad2fc0\naccess_key: SCW0W8NG6024YHRJ7723\nsecret_key: 6d6579e5-a5b9-49fc-a35f-b4feb9b87301\napi_url: 'http://x/'" },
  { name: "unknown key", block: "role: instance\nregion: fr-par" },
  ]), []);
});
