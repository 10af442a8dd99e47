/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md "The other mechanisms"):
 * promtool and `promsd sd --profile=v2.42` run inside a loopback-only network namespace with
 * `AWS_EC2_METADATA_DISABLED=true`, both pointed at the same fake EC2 by `endpoint` with region and keys
 * set; their printed targets must be the same set. Each corpus case is one state of the fake, paged in
 * pages of 2 reservations so both programs follow NextToken.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertSameSdEntries, createLimiter, openLoopbackNetns, runPromtoolAndPromsd, tempDir, writeOneJobConfig } from "../../testing/index.js";
import { ec2ErrorAnswer } from "../../testing/cloud/aws/aws-fake.js";
import { configOracleMismatches } from "../../testing/config-oracle.js";
import { startFakeEc2, type FakeEc2Reservation } from "./fake-ec2-server.js";
import corpus from "./fixtures/differential-corpus.json" with { type: "json" };

interface CorpusCase {
  readonly name: string;
  readonly reservations: FakeEc2Reservation[];
  readonly block?: string;
  readonly minTargets: number;
}

// promsd loads the AWS SDK (~1.5 s idle, several times that on a loaded 2-core machine) before its first
// refresh; promtool always waits the whole timeout.
const TIMEOUT_MS = 8000;
const NO_METADATA = { AWS_EC2_METADATA_DISABLED: "true" };
const ZONES = [{ ZoneName: "us-east-1a", ZoneId: "use1-az1" }, { ZoneName: "us-east-1b", ZoneId: "use1-az2" }];

test("ec2 (oracle): promtool 2.42 and promsd sd print the same targets for every fake EC2 state", async (t) => {
  const cases = corpus as CorpusCase[];
  const fakes = await Promise.all(cases.map((c) => startFakeEc2({ pageSize: 2, zones: ZONES, reservations: c.reservations })));
  t.after(() => Promise.all(fakes.map((fake) => fake.close())));
  const ns = await openLoopbackNetns(await tempDir(t), fakes.map((fake) => fake.port));
  t.after(() => ns.close());
  const inNetns = { commandPrefix: ns.commandPrefix, env: NO_METADATA };
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(cases.map((c, i) => limit(async () => {
    const fake = fakes[i]!;
    const dir = await tempDir(t);
    await writeOneJobConfig(dir, "ec2_sd_configs", `region: us-east-1\nendpoint: ${fake.url}\naccess_key: AKIDEXAMPLE\nsecret_key: secret${c.block === undefined ? "" : `\n${c.block}`}`);
    const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: TIMEOUT_MS, ...inNetns }), c.name);
    assert.ok(want.length >= c.minTargets, `${c.name}: only ${want.length} targets`);
    compared += want.length;
    assert.ok(fake.requestsOf("DescribeInstances").length >= 2, `${c.name}: both programs asked`);
    for (const request of fake.requests) assert.equal(request.accessKeyId, "AKIDEXAMPLE");
  })));
  assert.ok(compared >= 10, `only ${compared} targets compared`);
});

test("ec2 (oracle): a throttled first page is retried by both SDKs and the targets agree", async (t) => {
  const dir = await tempDir(t);
  const fake = await startFakeEc2({ reservations: (corpus as CorpusCase[])[0]?.reservations ?? [] });
  t.after(() => fake.close());
  const ns = await openLoopbackNetns(dir, [fake.port]);
  t.after(() => ns.close());
  fake.failNext(ec2ErrorAnswer("RequestLimitExceeded", 503, "Request limit exceeded."), { times: 2, operation: "DescribeInstances" });
  await writeOneJobConfig(dir, "ec2_sd_configs", `region: us-east-1\nendpoint: ${fake.url}\naccess_key: AKIDEXAMPLE\nsecret_key: secret`);
  const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: TIMEOUT_MS + 1000, commandPrefix: ns.commandPrefix, env: NO_METADATA }));
  assert.ok(want.length > 0);
  assert.ok(fake.requestsOf("DescribeInstances").length >= 4, "the throttled requests were retried");
});

test("ec2 (config oracle): promtool 2.42 check config and promsd accept and reject the same blocks", async (t) => {
  // promtool asks IMDS at load only when region is empty; every case sets one, and IMDS is disabled anyway.
  process.env["AWS_EC2_METADATA_DISABLED"] = "true";
  const mismatches = await configOracleMismatches(await tempDir(t), "ec2_sd_configs", [
    { name: "minimal", block: "region: us-east-1" },
    { name: "every key", block: "region: us-east-1\nendpoint: http://127.0.0.1:1\naccess_key: a\nsecret_key: s\nprofile: p\nrole_arn: arn:aws:iam::1:role/r\nrefresh_interval: 5m\nport: 9100\nfilters: [{name: 'tag:a', values: [b]}]" },
    { name: "filter without values", block: "region: us-east-1\nfilters: [{name: 'tag:a', values: []}]" },
    { name: "filter with an unknown key", block: "region: us-east-1\nfilters: [{name: a, value: [b]}]" },
    { name: "external_id is 3.x only", block: "region: us-east-1\nexternal_id: x" },
    { name: "unknown key", block: "region: us-east-1\nclusters: [a]" },
    { name: "filters not a list", block: "region: us-east-1\nfilters: abc" },
    { name: "port not a number", block: "region: us-east-1\nport: http" },
  ]);
  assert.deepEqual(mismatches, []);
});
