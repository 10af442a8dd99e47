/**
 * Differential test against promtool 2.42 (prometheus-oracle.md): promtool and `promsd sd --profile=v2.42`
 * run inside a loopback-only network namespace (src/testing/loopback-netns.ts) and discover from the same
 * fake Keystone + Nova through `identity_endpoint`; the token's catalog points back at the fake. The two must
 * print the same targets, and must have sent the same Keystone token requests.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertPromtoolInstalled, assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { prometheusFixtureData, startFakeOpenStack } from "./fake-openstack.js";

const CASES: { name: string; block: string; pageSize?: number; minTargets: number }[] = [
  { name: "instances, password by user name + domain, project by name", block: "role: instance\nusername: u\npassword: p\ndomain_name: d\nproject_name: x\nall_tenants: true", minTargets: 1 },
  { name: "instances on Nova pages of 1, user id + project id, port 9100", block: "role: instance\nuserid: uid\npassword: p\nproject_id: pid\nport: 9100", pageSize: 1, minTargets: 1 },
  { name: "instances, application credential id", block: "role: instance\napplication_credential_id: ac\napplication_credential_secret: s", minTargets: 1 },
  { name: "instances, internal endpoints of the catalog", block: "role: instance\nusername: u\npassword: p\ndomain_id: did\navailability: internal", minTargets: 1 },
  { name: "hypervisors", block: "role: hypervisor\nusername: u\npassword: p\ndomain_name: d\nport: 9100", minTargets: 2 },
  { name: "a region the catalog lacks", block: "role: hypervisor\nusername: u\npassword: p\ndomain_name: d\nregion: Nowhere", minTargets: 0 },
];

test("openstack (oracle): promtool 2.42 and promsd sd print the same targets from the same fake OpenStack, inside a loopback-only netns", async (t) => {
  assertPromtoolInstalled();
  const limit = createLimiter(2);
  await Promise.all(CASES.map((c) => limit(async () => {
    const data = prometheusFixtureData();
    // Give 2.42 something to label: its flavor label needs a flavor id.
    data.servers = data.servers.map((s, i) => (i >= 2 ? { ...(s as object), flavor: { id: `f${i}`, original_name: `m${i}` } } : s));
    const fake = await startFakeOpenStack(data);
    const dir = await tempDir(t);
    const netns = await openLoopbackNetns(dir, [fake.port]);
    try {
      if (c.pageSize) fake.pageSize = c.pageSize;
      const region = c.block.includes("region:") ? "" : "\nregion: RegionOne";
      await writeOneJobConfig(dir, "openstack_sd_configs", `identity_endpoint: ${fake.url}/v3\n${c.block}${region}`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000, commandPrefix: netns.commandPrefix }), c.name);
      assert.ok(want.length >= c.minTargets, `${c.name}: ${want.length} targets`);
      const [first, ...rest] = fake.authBodies;
      assert.ok(first !== undefined && rest.length >= 1, `${c.name}: both programs authenticated`);
      for (const body of rest) assert.deepEqual(body, first, `${c.name}: same token request`);
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
});
