/**
 * Differential test against promtool 2.42 (prometheus-oracle.md): GCE has no endpoint key, so both programs
 * are pointed at the fake through the environment only: GOOGLE_APPLICATION_CREDENTIALS (a service-account
 * key whose `token_uri` is the fake), HTTPS_PROXY (a loopback CONNECT proxy that hands compute.googleapis.com
 * and oauth2.googleapis.com to the TLS fake), SSL_CERT_FILE (the fake's CA) and GCE_METADATA_HOST=127.0.0.1:1.
 * Both run inside a loopback-only network namespace (src/testing/loopback-netns.ts) and must print the same
 * targets.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { startConnectProxy } from "../../testing/cloud/connect-proxy.js";
import { assertPromtoolInstalled, assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { fakeGceInstances, startFakeGce, type FakeGce } from "./fake-gce.js";

const CASES: { name: string; block: string; prepare?: (fake: FakeGce) => void; minTargets: number }[] = [
  { name: "one zone, defaults", block: "project: p1\nzone: europe-west1-b", minTargets: 3 },
  { name: "pages of 1, filter, port and tag separator", block: "project: p1\nzone: europe-west1-b\nfilter: 'status = RUNNING'\nport: 9100\ntag_separator: ';'", prepare: (fake) => void (fake.pageSize = 1), minTargets: 3 },
  { name: "a permission error", block: "project: p1\nzone: europe-west1-b", prepare: (fake) => fake.failNext("/compute", { status: 403, body: '{"error":{"code":403,"message":"denied"}}' }, 100), minTargets: 0 },
  { name: "many instances on pages of 50", block: "project: p1\nzone: europe-west1-b", prepare: (fake) => {
    const [first] = fakeGceInstances();
    fake.instances = Array.from({ length: 120 }, (_, i) => ({ ...(first as object), id: String(1000 + i), name: `vm-${i}`, labels: { n: String(i) } }));
    fake.pageSize = 50;
  }, minTargets: 120 },
];

test("gce (oracle): promtool 2.42 and promsd sd print the same targets from the same fake Compute Engine, inside a loopback-only netns", async (t) => {
  assertPromtoolInstalled();
  const limit = createLimiter(2);
  await Promise.all(CASES.map((c) => limit(async () => {
    const dir = await tempDir(t);
    const fake = await startFakeGce(dir);
    const proxy = await startConnectProxy({ target: fake.port });
    const netns = await openLoopbackNetns(dir, [fake.port, Number(new URL(proxy.url).port)]);
    try {
      c.prepare?.(fake);
      const env = { GOOGLE_APPLICATION_CREDENTIALS: fake.writeServiceAccountFile(join(dir, "sa.json")), HTTPS_PROXY: proxy.url, SSL_CERT_FILE: fake.caFile, GCE_METADATA_HOST: "127.0.0.1:1", NO_PROXY: "", METADATA_SERVER_DETECTION: "none" };
      await writeOneJobConfig(dir, "gce_sd_configs", c.block);
      const runs = await runPromtoolAndPromsd(dir, { timeoutMs: 5000, env, commandPrefix: netns.commandPrefix });
      const want = assertSameSdEntries(runs, c.name);
      assert.ok(want.length >= c.minTargets, `${c.name}: ${want.length} targets`);
      assert.ok(fake.requests.filter((r) => r.includes("/instances?")).length >= 2, `${c.name}: both listed instances\n${runs.promsd.stderr}\n${runs.promtool.stderr}`);
      assert.ok(fake.tokenRequests.length >= 2, `${c.name}: both asked for a token`);
    } finally {
      await netns.close();
      await proxy.close();
      await fake.close();
    }
  })));
});
