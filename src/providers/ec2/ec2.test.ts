/**
 * EC2 discovery against the fake EC2 (./fake-ec2-server.ts) on loopback, through the real AWS SDK: config
 * parsing as Prometheus decodes it, Prometheus's own refresh cases (fixtures/prometheus-refresh-cases.json,
 * carried over from ec2_test.go), paging, and the faults the SDK and promsd must survive: throttling,
 * a failing later page, a body over the cap, the server gone.
 * The SDK must never reach a metadata address: the instance metadata service is disabled for this process.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ec2ErrorAnswer, oversizedAnswer } from "../../testing/cloud/aws/aws-fake.js";
import { startConnectProxy } from "../../testing/cloud/connect-proxy.js";
import { generateHostCerts } from "../../testing/cloud/tls-fake.js";
import { configProblem, metricValue, parseConfigYaml, pullUpdates, tempDir, testDeps, waitForMetric } from "../../testing/index.js";
import { manualTicks } from "../../testing/manual-ticks.js";
import { parseEc2Config, type Ec2Config } from "./config.js";
import { createEc2Discoverer } from "./discoverer.js";
import { startFakeEc2, type FakeEc2 } from "./fake-ec2-server.js";
import { reservationsToTargets, type Ec2Instance } from "./instances.js";
import prometheusCases from "./fixtures/prometheus-refresh-cases.json" with { type: "json" };

process.env["AWS_EC2_METADATA_DISABLED"] = "true";

const keys = (fake: FakeEc2, extra = "") => `region: us-east-1\nendpoint: ${fake.url}\naccess_key: AKIDTEST\nsecret_key: s3cr3t${extra}`;
const instance = (n: number): Ec2Instance => ({ InstanceId: `i-${n}`, ImageId: "ami-1", PrivateIpAddress: `10.0.0.${n}`, State: { Name: "running" }, Placement: { AvailabilityZone: "us-east-1a" }, InstanceType: "t3.micro" });
const FAILURES = "prometheus_sd_refresh_failures_total";

test("ec2 config: Prometheus's defaults and its validation messages", () => {
  const config = parseConfigYaml(parseEc2Config, "region: eu-west-1");
  assert.equal(config.port, 80);
  assert.equal(config.refreshIntervalMs, 60_000);
  assert.deepEqual(config.filters, []);
  const named = parseConfigYaml(parseEc2Config, "region: r\nprofile: team\nrole_arn: arn:aws:iam::1:role/x\nexternal_id: e");
  assert.deepEqual([named.profile, named.roleArn, named.externalId, named.labelProfile], ["team", "arn:aws:iam::1:role/x", "e", "v3"], "the AWS profile is not promsd's behaviour profile");
  assert.equal(config.secretKey.toString(), "");
  assert.equal(configProblem(() => parseConfigYaml(parseEc2Config, "region: r\nfilters: [{name: tag:a, values: []}]")), "EC2 SD configuration filter values cannot be empty");
  assert.match(configProblem(() => parseConfigYaml(parseEc2Config, "region: r\nbogus: 1")), /field bogus not found in type aws\.plain/);
  assert.match(configProblem(() => parseConfigYaml(parseEc2Config, "region: r\nfilters: [{name: a, value: [b]}]")), /field value not found in type aws\.Filter/);
  assert.match(configProblem(() => parseConfigYaml(parseEc2Config, "region: r\nexternal_id: x", { profile: "v2.42" })), /field external_id not found in type aws\.plain/);
  assert.equal(configProblem(() => parseConfigYaml(parseEc2Config, "access_key: a", { profile: "v2.42" })), "EC2 SD configuration requires a region");
  assert.equal(configProblem(() => parseConfigYaml(parseEc2Config, "access_key: a")), "accepted", "3.x resolves the region when discovery starts");
  assert.equal(configProblem(() => parseConfigYaml(parseEc2Config, "region: r\nrefresh_interval: 0s")), "refresh_interval must be greater than 0");
  assert.match(configProblem(() => parseConfigYaml(parseEc2Config, "region: r\nbasic_auth: {username: u}\nbearer_token: t")), /at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured/);
  const secret = parseConfigYaml(parseEc2Config, "region: r\nsecret_key: hunter2");
  assert.ok(!JSON.stringify(secret).includes("hunter2"), "the secret key never prints");
});

for (const c of prometheusCases.cases) {
  test(`ec2 (Prometheus case ${c.name}): the fake's answer gives Prometheus's expected labels`, async (t) => {
    const fake = await startFakeEc2({ zones: Object.entries(c.azToAzId).map(([ZoneName, ZoneId]) => ({ ZoneName, ZoneId })), reservations: [{ OwnerId: c.ownerId, Instances: c.instances as Ec2Instance[] }] });
    t.after(() => fake.close());
    const config = parseConfigYaml(parseEc2Config, `region: ${c.region}\nendpoint: ${fake.url}\naccess_key: AKIDTEST\nsecret_key: s\nport: 4242`);
    const updates = pullUpdates(t, createEc2Discoverer(config, testDeps()));
    const [group] = await updates.next();
    assert.equal(group?.source, c.region);
    assert.deepEqual(group?.targets, c.expected);
    // The pure function gives the same from the same data.
    assert.deepEqual(reservationsToTargets([{ OwnerId: c.ownerId, Instances: c.instances as Ec2Instance[] }], { region: c.region, port: 4242, azToAzId: new Map(Object.entries(c.azToAzId)), profile: "v3" }), c.expected);
    await updates.stop();
  });
}

test("ec2: pages through NextToken and sends the filters as EC2 query parameters", async (t) => {
  const fake = await startFakeEc2({ pageSize: 2, reservations: [1, 2, 3, 4, 5].map((n) => ({ OwnerId: "1", Instances: [{ ...instance(n), Tags: [{ Key: "env", Value: "prod" }] }] })) });
  t.after(() => fake.close());
  const config = parseConfigYaml(parseEc2Config, keys(fake, "\nfilters: [{name: 'tag:env', values: [prod, dev]}]"));
  const updates = pullUpdates(t, createEc2Discoverer(config, testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.targets.length, 5);
  const pages = fake.requestsOf("DescribeInstances");
  assert.deepEqual(pages.map((r) => r.form.get("NextToken")), [null, "2", "4"]);
  for (const page of pages) {
    assert.equal(page.form.get("Filter.1.Name"), "tag:env");
    assert.deepEqual([page.form.get("Filter.1.Value.1"), page.form.get("Filter.1.Value.2")], ["prod", "dev"]);
    assert.equal(page.accessKeyId, "AKIDTEST");
    assert.equal(page.signingRegion, "us-east-1");
  }
  await updates.stop();
});

test("ec2: throttling is answered by the SDK's backoff and retries, then the targets arrive", async (t) => {
  const fake = await startFakeEc2({ reservations: [{ OwnerId: "1", Instances: [instance(1)] }] });
  t.after(() => fake.close());
  fake.failNext(ec2ErrorAnswer("RequestLimitExceeded", 503, "Request limit exceeded."), { times: 2, operation: "DescribeInstances" });
  const updates = pullUpdates(t, createEc2Discoverer(parseConfigYaml(parseEc2Config, keys(fake)), testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.targets.length, 1);
  const attempts = fake.requestsOf("DescribeInstances");
  assert.equal(attempts.length, 3);
  await updates.stop();
});

test("ec2: a server that always throttles costs 3 attempts per refresh, counted as one failure, never a tight loop", async (t) => {
  const fake = await startFakeEc2({ reservations: [] });
  t.after(() => fake.close());
  fake.failAlways(ec2ErrorAnswer("RequestLimitExceeded", 503));
  const deps = testDeps({ sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createEc2Discoverer(parseConfigYaml(parseEc2Config, keys(fake)), deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: FAILURES, labels: { mechanism: "ec2" }, value: 1 });
  // DescribeAvailabilityZones (3 attempts, its failure only logged) and DescribeInstances (3 attempts).
  assert.equal(fake.requestsOf("DescribeInstances").length, 3);
  const times = fake.requests.length;
  assert.ok(times <= 6, `${times} requests`);
  await updates.stop(pending);
});

test("ec2: a failing later page fails the whole refresh: no partial targets, the last good ones stay", async (t) => {
  const fake = await startFakeEc2({ pageSize: 1, reservations: [1, 2, 3].map((n) => ({ OwnerId: "1", Instances: [instance(n)] })) });
  t.after(() => fake.close());
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createEc2Discoverer(parseConfigYaml(parseEc2Config, keys(fake)), deps));
  assert.equal((await updates.next())[0]?.targets.length, 3);
  // Page 2 fails on every attempt (500 is retried by the SDK, then given up).
  fake.setReservations([4, 5, 6].map((n) => ({ OwnerId: "1", Instances: [instance(n)] })));
  fake.failNext({ status: 500, body: "<Response><Errors><Error><Code>InternalError</Code><Message>boom</Message></Error></Errors></Response>" }, { times: 3, operation: "DescribeInstances", match: (r) => r.form.get("NextToken") === "1" });
  const pending = updates.pull();
  ticks.tick();
  await waitForMetric(deps.registry, { name: FAILURES, labels: { mechanism: "ec2" }, value: 1 });
  ticks.tick();
  const next = await pending;
  assert.equal(next.done, false);
  assert.deepEqual(next.value?.[0]?.targets.map((l: Readonly<Record<string, string>>) => l["__meta_ec2_instance_id"]), ["i-4", "i-5", "i-6"], "the next good refresh replaces them whole");
  assert.equal(fake.requestsOf("DescribeInstances").filter((r) => r.form.get("NextToken") === "1").length, 5, "page 2: once in the first refresh, 3 failed attempts, then the good one");
  await updates.stop();
});

test("ec2: an answer over the body cap fails the refresh instead of filling memory", async (t) => {
  const fake = await startFakeEc2({ reservations: [] });
  t.after(() => fake.close());
  fake.failAlways(oversizedAnswer(64 * 1024));
  const config: Ec2Config = { ...parseConfigYaml(parseEc2Config, keys(fake)), maxBodyBytes: 16 * 1024 };
  const deps = testDeps({ sleep: manualTicks().sleep });
  const errors: string[] = [];
  const logger = { ...deps.logger, error: (fields: { err?: string }) => void errors.push(String(fields.err)) } as typeof deps.logger;
  const updates = pullUpdates(t, createEc2Discoverer(config, { ...deps, logger }));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: FAILURES, labels: { mechanism: "ec2" }, value: 1 });
  assert.match(errors.join("\n"), /larger than 16384 bytes/);
  await updates.stop(pending);
});

test("ec2: the server gone fails refreshes (counted) until it is back", async (t) => {
  const fake = await startFakeEc2({ reservations: [{ OwnerId: "1", Instances: [instance(1)] }] });
  const port = fake.port;
  const ticks = manualTicks();
  const deps = testDeps({ sleep: ticks.sleep });
  const updates = pullUpdates(t, createEc2Discoverer(parseConfigYaml(parseEc2Config, keys(fake)), deps));
  assert.equal((await updates.next())[0]?.targets.length, 1);
  await fake.close();
  const pending = updates.pull();
  ticks.tick();
  await waitForMetric(deps.registry, { name: FAILURES, labels: { mechanism: "ec2" }, value: 1 });
  // Back on the same port (the discoverer's endpoint names it).
  const revived = await startFakeEc2({ reservations: [{ OwnerId: "1", Instances: [instance(2)] }], port });
  t.after(() => revived.close());
  ticks.tick();
  const next = await pending;
  assert.deepEqual(next.value?.[0]?.targets.map((l: Readonly<Record<string, string>>) => l["__meta_ec2_instance_id"]), ["i-2"]);
  assert.equal(await metricValue(deps.registry, FAILURES, { mechanism: "ec2" }), 1);
  await updates.stop();
});

test("ec2: with no endpoint, the SDK's regional HTTPS endpoint is reached through proxy_url, trusting tls_config's CA", async (t) => {
  const dir = await tempDir(t);
  const certs = generateHostCerts(dir, ["ec2.eu-west-3.amazonaws.com"]);
  const fake = await startFakeEc2({ reservations: [{ OwnerId: "1", Instances: [instance(7)] }], tls: { cert: certs.cert, key: certs.key } });
  t.after(() => fake.close());
  const proxy = await startConnectProxy({ target: fake.port });
  t.after(() => proxy.close());
  const config = parseConfigYaml(parseEc2Config, `region: eu-west-3\naccess_key: AKIDTEST\nsecret_key: s\nproxy_url: ${proxy.url}\ntls_config: {ca_file: ${certs.caFile}}`);
  const updates = pullUpdates(t, createEc2Discoverer(config, testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.targets[0]?.["__meta_ec2_instance_id"], "i-7");
  assert.ok(proxy.connects.length > 0 && proxy.connects.every((authority) => authority === "ec2.eu-west-3.amazonaws.com:443"), proxy.connects.join());
  assert.equal(fake.requestsOf("DescribeInstances")[0]?.headers.host, "ec2.eu-west-3.amazonaws.com");
  await updates.stop();
});
