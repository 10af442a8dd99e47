/**
 * Every credential source of the AWS mechanisms, end to end: an EC2 discoverer (the real SDK) against the
 * fake EC2 on loopback, and the fake records which access key and session token each request was signed
 * with. STS and the instance metadata service are loopback fakes too (src/testing/cloud/aws/), reached
 * through the SDK's own switches (`AWS_ENDPOINT_URL_STS`, `AWS_EC2_METADATA_SERVICE_ENDPOINT`); the metadata
 * service is disabled in every test that does not point it at its fake, so nothing can leave loopback.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { parseEc2Config } from "../../providers/ec2/config.js";
import { createEc2Discoverer } from "../../providers/ec2/discoverer.js";
import { startFakeEc2, type FakeEc2 } from "../../providers/ec2/fake-ec2-server.js";
import { ec2ErrorAnswer } from "../../testing/cloud/aws/aws-fake.js";
import { startFakeImds } from "../../testing/cloud/aws/imds-fake.js";
import { startFakeSts, type FakeSts } from "../../testing/cloud/aws/sts-fake.js";
import { parseConfigYaml, pullUpdates, tempDir, testDeps } from "../../testing/index.js";
import { manualTicks } from "../../testing/manual-ticks.js";

const AWS_ENV = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL_STS", "AWS_EC2_METADATA_DISABLED", "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"];

/** Sets exactly `vars` among the AWS variables for this test (metadata disabled unless given), restores after. */
async function awsEnv(t: TestContext, vars: Record<string, string>): Promise<string> {
  const saved = new Map(AWS_ENV.map((name) => [name, process.env[name]]));
  const dir = await tempDir(t);
  // Empty shared files unless the test writes its own: the machine's ~/.aws must not matter.
  await writeFile(join(dir, "empty"), "");
  for (const name of AWS_ENV) delete process.env[name];
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: join(dir, "empty"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "empty") }, vars);
  t.after(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
  return dir;
}

async function fakes(t: TestContext): Promise<{ ec2: FakeEc2; sts: FakeSts }> {
  const ec2 = await startFakeEc2({ reservations: [{ OwnerId: "1", Instances: [{ InstanceId: "i-1", ImageId: "ami", PrivateIpAddress: "10.0.0.1", State: { Name: "running" }, Placement: { AvailabilityZone: "us-east-1a" }, InstanceType: "t3.micro" }] }] });
  const sts = await startFakeSts();
  t.after(() => Promise.all([ec2.close(), sts.close()]));
  return { ec2, sts };
}

/** Runs one refresh of an EC2 discoverer with `block` (plus region and endpoint) and returns its source. */
async function refreshOnce(t: TestContext, ec2: FakeEc2, block: string, region = "region: us-east-1\n"): Promise<string | undefined> {
  const config = parseConfigYaml(parseEc2Config, `${region}endpoint: ${ec2.url}\n${block}`);
  const updates = pullUpdates(t, createEc2Discoverer(config, testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.targets.length, 1);
  await updates.stop();
  return group?.source;
}

const signedWith = (ec2: FakeEc2) => ec2.requestsOf("DescribeInstances").map((r) => `${r.accessKeyId}/${r.sessionToken}`);

test("aws credentials: static access_key and secret_key sign the requests", async (t) => {
  await awsEnv(t, { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env" });
  const { ec2 } = await fakes(t);
  await refreshOnce(t, ec2, "access_key: AKIDSTATIC\nsecret_key: s");
  assert.deepEqual(signedWith(ec2), ["AKIDSTATIC/"]);
});

test("aws credentials: the environment's keys and session token when the config has none", async (t) => {
  await awsEnv(t, { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env", AWS_SESSION_TOKEN: "env-token" });
  const { ec2 } = await fakes(t);
  await refreshOnce(t, ec2, "port: 80");
  assert.deepEqual(signedWith(ec2), ["AKIDENV/env-token"]);
});

test("aws credentials: `profile` reads the shared credentials file and wins over the environment, as in Go", async (t) => {
  const dir = await awsEnv(t, { AWS_ACCESS_KEY_ID: "AKIDENV", AWS_SECRET_ACCESS_KEY: "env" });
  await writeFile(join(dir, "credentials"), "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = d\n\n[team]\naws_access_key_id = AKIDTEAM\naws_secret_access_key = t\n");
  await writeFile(join(dir, "config"), "[profile team]\nregion = eu-north-1\n");
  process.env["AWS_SHARED_CREDENTIALS_FILE"] = join(dir, "credentials");
  process.env["AWS_CONFIG_FILE"] = join(dir, "config");
  const { ec2 } = await fakes(t);
  await refreshOnce(t, ec2, "profile: team");
  assert.deepEqual(signedWith(ec2), ["AKIDTEAM/"]);
});

test("aws credentials: a profile in the shared config that assumes a role through STS (source_profile)", async (t) => {
  const dir = await awsEnv(t, {});
  const { ec2, sts } = await fakes(t);
  process.env["AWS_ENDPOINT_URL_STS"] = sts.url;
  await writeFile(join(dir, "credentials"), "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = b\n");
  await writeFile(join(dir, "config"), "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops\nsource_profile = base\nregion = us-east-1\n");
  process.env["AWS_SHARED_CREDENTIALS_FILE"] = join(dir, "credentials");
  process.env["AWS_CONFIG_FILE"] = join(dir, "config");
  await refreshOnce(t, ec2, "profile: ops");
  const [assume] = sts.requestsOf("AssumeRole");
  assert.equal(assume?.accessKeyId, "AKIDBASE");
  assert.equal(assume?.form.get("RoleArn"), "arn:aws:iam::123456789012:role/ops");
  assert.deepEqual(signedWith(ec2), ["ASIAFAKE1/token-1"]);
});

test("aws credentials: role_arn assumes the role with the static keys and external_id; EC2 sees the role's credentials", async (t) => {
  await awsEnv(t, {});
  const { ec2, sts } = await fakes(t);
  process.env["AWS_ENDPOINT_URL_STS"] = sts.url;
  await refreshOnce(t, ec2, "access_key: AKIDSTATIC\nsecret_key: s\nrole_arn: arn:aws:iam::123456789012:role/discovery\nexternal_id: ext-42");
  const calls = sts.requestsOf("AssumeRole");
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.accessKeyId, "AKIDSTATIC");
  assert.equal(calls[0]?.signingRegion, "us-east-1");
  assert.equal(calls[0]?.form.get("RoleArn"), "arn:aws:iam::123456789012:role/discovery");
  assert.equal(calls[0]?.form.get("ExternalId"), "ext-42");
  assert.match(calls[0]?.form.get("RoleSessionName") ?? "", /^promsd-\d+$/);
  assert.deepEqual(signedWith(ec2), ["ASIAFAKE1/token-1"]);
});

test("aws credentials: web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, as IRSA sets them)", async (t) => {
  const dir = await awsEnv(t, {});
  const { ec2, sts } = await fakes(t);
  await writeFile(join(dir, "token"), "eyJ.web.identity");
  Object.assign(process.env, { AWS_ENDPOINT_URL_STS: sts.url, AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, "token"), AWS_ROLE_ARN: "arn:aws:iam::123456789012:role/irsa" });
  await refreshOnce(t, ec2, "port: 80");
  const [call] = sts.requestsOf("AssumeRoleWithWebIdentity");
  assert.equal(call?.form.get("WebIdentityToken"), "eyJ.web.identity");
  assert.equal(call?.form.get("RoleArn"), "arn:aws:iam::123456789012:role/irsa");
  assert.equal(call?.accessKeyId, "", "AssumeRoleWithWebIdentity is not signed");
  assert.deepEqual(signedWith(ec2), ["ASIAFAKE1/token-1"]);
});

test("aws credentials: the instance metadata service (IMDSv2, a loopback fake) gives the role's credentials and, with no region configured, the region", async (t) => {
  await awsEnv(t, {});
  const imds = await startFakeImds({ region: "ap-southeast-2", accessKeyId: "ASIAINSTANCE" });
  t.after(() => imds.close());
  delete process.env["AWS_EC2_METADATA_DISABLED"];
  process.env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = imds.url;
  const { ec2 } = await fakes(t);
  const source = await refreshOnce(t, ec2, "port: 80", "");
  assert.equal(source, "ap-southeast-2");
  assert.deepEqual(signedWith(ec2), ["ASIAINSTANCE/imds-token"]);
  assert.equal(ec2.requestsOf("DescribeInstances")[0]?.signingRegion, "ap-southeast-2");
  assert.ok(imds.paths.includes("PUT /latest/api/token"));
  assert.ok(imds.paths.includes("GET /latest/dynamic/instance-identity/document"));
});

test("aws region: AWS_REGION, then AWS_DEFAULT_REGION, then the shared config; none and no IMDS is a clear error", async (t) => {
  const dir = await awsEnv(t, { AWS_DEFAULT_REGION: "sa-east-1" });
  const { ec2 } = await fakes(t);
  assert.equal(await refreshOnce(t, ec2, "access_key: A\nsecret_key: s", ""), "sa-east-1");
  process.env["AWS_REGION"] = "ca-central-1";
  assert.equal(await refreshOnce(t, ec2, "access_key: A\nsecret_key: s", ""), "ca-central-1");
  delete process.env["AWS_REGION"];
  delete process.env["AWS_DEFAULT_REGION"];
  await writeFile(join(dir, "config"), "[default]\nregion = me-south-1\n");
  process.env["AWS_CONFIG_FILE"] = join(dir, "config");
  assert.equal(await refreshOnce(t, ec2, "access_key: A\nsecret_key: s", ""), "me-south-1");
  process.env["AWS_CONFIG_FILE"] = join(dir, "empty");
  const errors: string[] = [];
  const deps = testDeps({ sleep: manualTicks().sleep });
  const logger = { ...deps.logger, error: (fields: { err?: string }) => void errors.push(String(fields.err)) } as typeof deps.logger;
  const updates = pullUpdates(t, createEc2Discoverer(parseConfigYaml(parseEc2Config, `endpoint: ${ec2.url}\naccess_key: A\nsecret_key: s`), { ...deps, logger }));
  const pending = updates.pull();
  const { waitFor } = await import("../../testing/index.js");
  await waitFor(() => errors.length > 0, { timeoutMs: 5000, description: "a refresh error" });
  assert.match(errors[0] ?? "", /could not determine AWS region: .*AWS_EC2_METADATA_DISABLED/);
  await updates.stop(pending);
});

test("aws credentials: temporary credentials near their expiry are renewed before a refresh; fresh ones are reused", async (t) => {
  await awsEnv(t, {});
  const { ec2, sts } = await fakes(t);
  process.env["AWS_ENDPOINT_URL_STS"] = sts.url;
  // The SDK renews credentials that expire within 5 minutes: 2 minutes is "about to expire".
  sts.setLifetimeMs(120_000);
  const ticks = manualTicks();
  const config = parseConfigYaml(parseEc2Config, `region: us-east-1\nendpoint: ${ec2.url}\naccess_key: A\nsecret_key: s\nrole_arn: arn:aws:iam::1:role/r`);
  const updates = pullUpdates(t, createEc2Discoverer(config, testDeps({ sleep: ticks.sleep })));
  await updates.next();
  ticks.tick();
  await updates.next();
  // Credentials about to expire are never used again: each signed request got freshly assumed ones.
  const renewed = signedWith(ec2);
  assert.equal(renewed.length, 2);
  assert.notEqual(renewed[0], renewed[1]);
  assert.ok(sts.requestsOf("AssumeRole").length >= 2);
  // An hour-long credential is kept across refreshes: one more AssumeRole, then none.
  sts.setLifetimeMs(3_600_000);
  const before = sts.requestsOf("AssumeRole").length;
  ticks.tick();
  await updates.next();
  ticks.tick();
  await updates.next();
  assert.equal(sts.requestsOf("AssumeRole").length, before + 1);
  const [third, fourth] = signedWith(ec2).slice(2);
  assert.equal(third, fourth);
  assert.equal(third, `ASIAFAKE${before + 1}/token-${before + 1}`);
  await updates.stop();
});

test("aws credentials: an AuthFailure answer drops the client, so the next refresh builds fresh credentials", async (t) => {
  await awsEnv(t, {});
  const { ec2, sts } = await fakes(t);
  process.env["AWS_ENDPOINT_URL_STS"] = sts.url;
  const ticks = manualTicks();
  const config = parseConfigYaml(parseEc2Config, `region: us-east-1\nendpoint: ${ec2.url}\naccess_key: A\nsecret_key: s\nrole_arn: arn:aws:iam::1:role/r`);
  const updates = pullUpdates(t, createEc2Discoverer(config, testDeps({ sleep: ticks.sleep })));
  await updates.next();
  ec2.failNext(ec2ErrorAnswer("AuthFailure", 401, "AWS was not able to validate the provided access credentials"), { operation: "DescribeInstances" });
  const pending = updates.pull();
  ticks.tick();
  ticks.tick();
  await pending;
  assert.equal(sts.requestsOf("AssumeRole").length, 2, "a new client assumed the role again");
  assert.deepEqual(signedWith(ec2), ["ASIAFAKE1/token-1", "ASIAFAKE1/token-1", "ASIAFAKE2/token-2"]);
  await updates.stop();
});
