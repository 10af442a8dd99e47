/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md "The other mechanisms"):
 * promtool and `promsd sd --profile=v2.42` run inside a loopback-only network namespace with
 * `AWS_EC2_METADATA_DISABLED=true`, both pointed at the same fake Lightsail (JSON protocol) by `endpoint`
 * with region and keys set; their printed targets must be the same set. Also: a fake whose answers carry
 * `nextPageToken` shows that both stop after the first page, and config loading agrees with promtool
 * check config.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configOracleMismatches } from "../../testing/config-oracle.js";
import { assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { startFakeLightsail } from "./fake-lightsail-server.js";
import type { LightsailInstance } from "./instances.js";
import corpus from "./fixtures/differential-corpus.json" with { type: "json" };

interface CorpusCase {
  readonly name: string;
  readonly instances: LightsailInstance[];
  readonly block?: string;
  readonly minTargets: number;
}

// promsd loads the AWS SDK (~1.5 s idle, several times that on a loaded 2-core machine) before its first
// refresh; promtool always waits the whole timeout.
const TIMEOUT_MS = 8000;
const NO_METADATA = { AWS_EC2_METADATA_DISABLED: "true" };

test("lightsail (oracle): promtool 2.42 and promsd sd print the same targets for every fake Lightsail state", async (t) => {
  const cases = corpus as CorpusCase[];
  const pagedInstances = Array.from({ length: 5 }, (_, i) => ({ name: `paged-${i}`, location: { availabilityZone: "us-east-1a" }, blueprintId: "b", bundleId: "c", state: { name: "running" }, supportCode: "s", privateIpAddress: `172.26.9.${i + 1}` }));
  const fakes = await Promise.all([...cases.map((c) => startFakeLightsail({ instances: c.instances })), startFakeLightsail({ instances: pagedInstances, pageSize: 2 })]);
  t.after(() => Promise.all(fakes.map((fake) => fake.close())));
  const ns = await openLoopbackNetns(await tempDir(t), fakes.map((fake) => fake.port));
  t.after(() => ns.close());
  const limit = createLimiter(2);
  const runs: CorpusCase[] = [...cases, { name: "more than one page: both programs show only the first, as Prometheus does not page GetInstances", instances: pagedInstances, minTargets: 2 }];
  let compared = 0;
  await Promise.all(runs.map((c, i) => limit(async () => {
    const fake = fakes[i]!;
    const dir = await tempDir(t);
    await writeOneJobConfig(dir, "lightsail_sd_configs", `region: us-east-1\nendpoint: ${fake.url}\naccess_key: AKIDEXAMPLE\nsecret_key: secret${c.block === undefined ? "" : `\n${c.block}`}`);
    const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: TIMEOUT_MS, commandPrefix: ns.commandPrefix, env: NO_METADATA }), c.name);
    assert.ok(want.length >= c.minTargets, `${c.name}: only ${want.length} targets`);
    compared += want.length;
    assert.ok(fake.requestsOf("GetInstances").length >= 2, `${c.name}: both programs asked`);
    for (const request of fake.requests) assert.equal(request.accessKeyId, "AKIDEXAMPLE");
  })));
  assert.ok(compared >= 6, `only ${compared} targets compared`);
  const paged = fakes.at(-1)!;
  assert.ok(paged.requestsOf("GetInstances").every((r) => !r.body.includes("pageToken")), "neither program asked for a second page");
});

test("lightsail (config oracle): promtool 2.42 check config and promsd accept and reject the same blocks", async (t) => {
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
  const mismatches = await configOracleMismatches(await tempDir(t), "lightsail_sd_configs", [
    { name: "minimal", block: "region: us-east-1" },
    { name: "every key", block: "region: us-east-1\nendpoint: http://127.0.0.1:1\naccess_key: a\nsecret_key: s\nprofile: p\nrole_arn: arn:aws:iam::1:role/r\nrefresh_interval: 5m\nport: 9100" },
    { name: "unknown key", block: "region: us-east-1\nfilters: []" },
    { name: "external_id is 3.x only", block: "region: us-east-1\nexternal_id: x" },
    { name: "port not a number", block: "region: us-east-1\nport: http" },
    { name: "bad refresh_interval", block: "region: us-east-1\nrefresh_interval: 1x" },
    { name: "tls_config", block: "region: us-east-1\ntls_config: {insecure_skip_verify: true}" },
  ]);
  assert.deepEqual(mismatches, []);
});
