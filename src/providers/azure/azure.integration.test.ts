/**
 * Differential test against promtool 2.42 (prometheus-oracle.md): promtool and `promsd sd --profile=v2.42`
 * run inside a loopback-only network namespace (src/testing/loopback-netns.ts) with `environment:
 * AzureStackCloud` and AZURE_ENVIRONMENT_FILEPATH naming an environment whose AD and ARM endpoints are the
 * HTTPS fake (its CA in `tls_config` for ARM and, for 2.42's adal token client, in SSL_CERT_FILE). The two
 * must print the same targets. promtool gets its tokens from adal (AAD v1 `oauth2/token`), promsd from
 * @azure/identity (v2 `oauth2/v2.0/token`); both must have asked.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { assertPromtoolInstalled, assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakeAzure, SUBSCRIPTION, type FakeAzure } from "./fake-azure.js";

const OAUTH = "tenant_id: t1\nclient_id: c1\nclient_secret: secret";
const CASES: { name: string; block: string; prepare?: (fake: FakeAzure) => void; env?: (fake: FakeAzure) => Record<string, string>; minTargets: number; flows: string[] }[] = [
  { name: "OAuth, the whole subscription", block: OAUTH, minTargets: 5, flows: ["v1", "v2"] },
  { name: "OAuth, one resource group, pages of 2, port 9100", block: `${OAUTH}\nresource_group: RG-One\nport: 9100`, prepare: (fake) => void (fake.pageSize = 2), minTargets: 5, flows: ["v1", "v2"] },
  { name: "a VM without a private IP fails the refresh", block: OAUTH, prepare: (fake) => {
    const nic = fake.data.nics.find((n) => String(n["id"]).endsWith("nic-windows")) as { properties: { ipConfigurations: { properties: Record<string, unknown> }[] } }; // our own fixture
    nic.properties.ipConfigurations = [{ properties: {} }];
  }, minTargets: 0, flows: ["v1", "v2"] },
];

test("azure (oracle): promtool 2.42 and promsd sd print the same targets from the same fake Azure, inside a loopback-only netns", async (t) => {
  assertPromtoolInstalled();
  const limit = createLimiter(3); // three cases, each mostly waiting out its 8 s timeout
  // promsd loads @azure/identity and asks AAD before its first listing: under load that takes seconds.
  await Promise.all(CASES.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeAzure(dir);
    const netns = await openLoopbackNetns(dir, [fake.port]);
    try {
      c.prepare?.(fake);
      const env = { AZURE_ENVIRONMENT_FILEPATH: fake.writeEnvironmentFile(join(dir, "azure-env.json")), SSL_CERT_FILE: fake.caFile, ...c.env?.(fake) };
      await writeOneJobConfig(dir, "azure_sd_configs", `environment: AzureStackCloud\nsubscription_id: ${SUBSCRIPTION}\ntls_config: {ca_file: ${fake.caFile}}\n${c.block}`);
      const runs = await runPromtoolAndPromsd(dir, { timeoutMs: 8000, env, commandPrefix: netns.commandPrefix });
      // Both programs got as far as the scale set listing within the timeout (so an empty result is an agreement, not a race).
      assert.ok(fake.requests.filter((r) => r.includes("/virtualMachineScaleSets?")).length >= 2, `${c.name}: both listed scale sets\n${runs.promsd.stderr}`);
      const want = assertSameSdEntries(runs, c.name);
      assert.ok(want.length >= c.minTargets, `${c.name}: ${want.length} targets`);
      assert.deepEqual([...new Set(fake.tokenRequests.map((r) => r.flow))].sort(), c.flows, `${c.name}: token flows`);
    } finally {
      await netns.close();
      await fake.close();
    }
  })));
});
