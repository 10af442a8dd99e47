/**
 * Lightsail discovery against the fake Lightsail (./fake-lightsail-server.ts) on loopback, through the real
 * AWS SDK: config as Prometheus decodes it, every label, the single GetInstances call, and the faults
 * (JSON-protocol throttling retried by the SDK, a body over the cap, an AuthFailure). The instance
 * metadata service is disabled for this process.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonErrorAnswer, oversizedAnswer } from "../../testing/cloud/aws/aws-fake.js";
import { configProblem, parseConfigYaml, pullUpdates, testDeps, waitForMetric } from "../../testing/index.js";
import { manualTicks } from "../../testing/manual-ticks.js";
import { parseLightsailConfig, type LightsailConfig } from "./config.js";
import { createLightsailDiscoverer } from "./discoverer.js";
import { startFakeLightsail, type FakeLightsail } from "./fake-lightsail-server.js";
import corpus from "./fixtures/differential-corpus.json" with { type: "json" };

process.env["AWS_EC2_METADATA_DISABLED"] = "true";

const keys = (fake: FakeLightsail, extra = "") => `region: us-east-1\nendpoint: ${fake.url}\naccess_key: AKIDTEST\nsecret_key: s${extra}`;
const FAILURES = "prometheus_sd_refresh_failures_total";

test("lightsail config: Prometheus's defaults and checks", () => {
  const config = parseConfigYaml(parseLightsailConfig, "region: eu-west-2\nprofile: team");
  assert.deepEqual([config.port, config.refreshIntervalMs, config.profile], [80, 60_000, "team"]);
  assert.match(configProblem(() => parseConfigYaml(parseLightsailConfig, "region: r\nfilters: []")), /field filters not found in type aws\.plain/);
  assert.equal(configProblem(() => parseConfigYaml(parseLightsailConfig, "port: 1", { profile: "v2.42" })), "Lightsail SD configuration requires a region");
  assert.equal(configProblem(() => parseConfigYaml(parseLightsailConfig, "port: 1")), "accepted");
  assert.equal(configProblem(() => parseConfigYaml(parseLightsailConfig, "region: r\nrefresh_interval: 0s")), "refresh_interval must be greater than 0");
});

test("lightsail: every label of every instance with a private IP, from one signed GetInstances call", async (t) => {
  const fake = await startFakeLightsail({ instances: corpus[0]?.instances ?? [] });
  t.after(() => fake.close());
  const updates = pullUpdates(t, createLightsailDiscoverer(parseConfigYaml(parseLightsailConfig, keys(fake, "\nport: 9100")), testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.source, "us-east-1");
  assert.deepEqual(group?.targets[0], {
    __address__: "172.26.0.1:9100",
    __meta_lightsail_availability_zone: "us-east-1a",
    __meta_lightsail_blueprint_id: "ubuntu_22_04",
    __meta_lightsail_bundle_id: "nano_3_0",
    __meta_lightsail_instance_name: "web-1",
    __meta_lightsail_instance_state: "running",
    __meta_lightsail_instance_support_code: "123/i-0a",
    __meta_lightsail_private_ip: "172.26.0.1",
    __meta_lightsail_public_ip: "3.4.5.6",
    __meta_lightsail_ipv6_addresses: ",2600:1f18::1,2600:1f18::2,",
    __meta_lightsail_region: "us-east-1",
    __meta_lightsail_tag_Name: "web",
    __meta_lightsail_tag_team_name_x: "infra",
  });
  assert.deepEqual(group?.targets.map((l) => l["__meta_lightsail_instance_name"]), ["web-1", "db-1", "worker-1"]);
  assert.equal(group?.targets[2]?.["__meta_lightsail_ipv6_addresses"], undefined, "an empty IPv6 list gives no label");
  const [call] = fake.requestsOf("GetInstances");
  assert.equal(call?.headers["x-amz-target"], "Lightsail_20161128.GetInstances");
  assert.equal(call?.accessKeyId, "AKIDTEST");
  await updates.stop();
});

test("lightsail: ThrottlingException is retried by the SDK with backoff, then the targets arrive", async (t) => {
  const fake = await startFakeLightsail({ instances: corpus[0]?.instances ?? [] });
  t.after(() => fake.close());
  fake.failNext(jsonErrorAnswer("ThrottlingException", 400, "Rate exceeded"), { times: 2 });
  const updates = pullUpdates(t, createLightsailDiscoverer(parseConfigYaml(parseLightsailConfig, keys(fake)), testDeps()));
  assert.equal((await updates.next())[0]?.targets.length, 3);
  assert.equal(fake.requestsOf("GetInstances").length, 3);
  await updates.stop();
});

test("lightsail: an answer over the body cap fails the refresh, counted", async (t) => {
  const fake = await startFakeLightsail();
  t.after(() => fake.close());
  fake.failAlways(oversizedAnswer(64 * 1024, "application/x-amz-json-1.1"));
  const config: LightsailConfig = { ...parseConfigYaml(parseLightsailConfig, keys(fake)), maxBodyBytes: 8 * 1024 };
  const deps = testDeps({ sleep: manualTicks().sleep });
  const updates = pullUpdates(t, createLightsailDiscoverer(config, deps));
  const pending = updates.pull();
  await waitForMetric(deps.registry, { name: FAILURES, labels: { mechanism: "lightsail" }, value: 1 });
  await updates.stop(pending);
});
