/**
 * The unified `aws_sd_configs`: Prometheus's own unmarshal cases (fixtures/, from aws_test.go), the role
 * rules of aws.go (unknown role, role defaults, port 0 meaning the default, no role-level checks), and the
 * roles end to end against the EC2 and Lightsail fakes: `role: ec2` gives exactly what `ec2_sd_configs`
 * gives. The instance metadata service is disabled for this process.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { configProblem, metricValue, parseConfigYaml, pullUpdates, testDeps } from "../../testing/index.js";
import { parseEc2Config } from "../ec2/config.js";
import { createEc2Discoverer } from "../ec2/discoverer.js";
import { startFakeEc2 } from "../ec2/fake-ec2-server.js";
import { startFakeLightsail } from "../lightsail/fake-lightsail-server.js";
import { parseAwsSdConfig, type AwsSdConfig } from "./config.js";
import { createAwsDiscoverer } from "./discoverer.js";
import unmarshalCases from "./fixtures/prometheus-unmarshal-cases.json" with { type: "json" };

process.env["AWS_EC2_METADATA_DISABLED"] = "true";

function roleConfig(config: AwsSdConfig) {
  switch (config.role) {
    case "ec2":
      return { ...config.ec2, clusters: undefined };
    case "lightsail":
      return { ...config.lightsail, filters: undefined, clusters: undefined };
    case "msk":
      return { ...config.msk, filters: undefined };
    default:
      return config.pending;
  }
}

for (const c of unmarshalCases.cases) {
  test(`aws config (Prometheus case ${c.name}): the flat keys reach the role's config`, () => {
    const config = parseConfigYaml(parseAwsSdConfig, c.yaml);
    assert.equal(config.role, c.role);
    const role = roleConfig(config);
    assert.equal(role.region, c.region);
    assert.equal(role.port, c.port);
    if (c.filters !== undefined) assert.deepEqual(role.filters, c.filters);
    if (c.clusters !== undefined) assert.deepEqual(role.clusters, c.clusters);
  });
}

test("aws config: aws.go's role rules", () => {
  assert.equal(configProblem(() => parseConfigYaml(parseAwsSdConfig, "role: ec3\nregion: r")), 'unknown AWS SD role "ec3"');
  assert.equal(configProblem(() => parseConfigYaml(parseAwsSdConfig, "region: r")), 'unknown AWS SD role ""');
  assert.equal(configProblem(() => parseConfigYaml(parseAwsSdConfig, "role: nope\nbogus: 1")), 'unknown AWS SD role "nope"', "the role error comes first");
  assert.match(configProblem(() => parseConfigYaml(parseAwsSdConfig, "role: ec2\nbogus: 1")), /field bogus not found in type aws\.plain/);
  const defaults = roleConfig(parseConfigYaml(parseAwsSdConfig, "role: ec2\nport: 0\nrefresh_interval: 0s"));
  assert.deepEqual([defaults.port, defaults.refreshIntervalMs], [80, 60_000], "0 means the role's default");
  assert.equal(configProblem(() => parseConfigYaml(parseAwsSdConfig, "role: ec2\nfilters: [{name: a, values: []}]")), "accepted", "the role's own checks do not run");
  assert.equal(configProblem(() => parseConfigYaml(parseAwsSdConfig, "role: lightsail")), "accepted", "the region is resolved when discovery starts");
  const ec2 = parseConfigYaml(parseAwsSdConfig, "role: ec2\nprofile: team\nexternal_id: x\nsecret_key: hunter2");
  assert.equal(roleConfig(ec2).profile, "team");
  assert.ok(!JSON.stringify(ec2).includes("hunter2"));
});

test("aws role ec2: the same targets and metrics mechanism as ec2_sd_configs", async (t) => {
  const fake = await startFakeEc2({ zones: [{ ZoneName: "us-east-1a", ZoneId: "use1-az1" }], reservations: [{ OwnerId: "1", Instances: [{ InstanceId: "i-1", ImageId: "ami", PrivateIpAddress: "10.0.0.1", State: { Name: "running" }, Placement: { AvailabilityZone: "us-east-1a" }, InstanceType: "t3.micro", Tags: [{ Key: "k", Value: "v" }] }] }] });
  t.after(() => fake.close());
  const block = `region: us-east-1\nendpoint: ${fake.url}\naccess_key: A\nsecret_key: s\nport: 9100`;
  const deps = testDeps();
  const unified = pullUpdates(t, createAwsDiscoverer(parseConfigYaml(parseAwsSdConfig, `role: ec2\n${block}`), deps));
  const standalone = pullUpdates(t, createEc2Discoverer(parseConfigYaml(parseEc2Config, block), testDeps()));
  const [a, b] = [await unified.next(), await standalone.next()];
  assert.deepEqual(a, b);
  assert.equal(a[0]?.targets[0]?.["__address__"], "10.0.0.1:9100");
  assert.ok((await deps.registry.getSingleMetric("prometheus_sd_refresh_failures_total")?.get())?.values.every((v) => v.labels["mechanism"] === "ec2"));
  assert.equal(await metricValue(deps.registry, "prometheus_sd_refresh_failures_total", { mechanism: "ec2" }), 0);
  await unified.stop();
  await standalone.stop();
});

test("aws role lightsail: Lightsail's targets", async (t) => {
  const fake = await startFakeLightsail({ instances: [{ name: "a", location: { availabilityZone: "eu-west-1a" }, blueprintId: "b", bundleId: "c", state: { name: "running" }, supportCode: "s", privateIpAddress: "172.26.0.9" }] });
  t.after(() => fake.close());
  const updates = pullUpdates(t, createAwsDiscoverer(parseConfigYaml(parseAwsSdConfig, `role: lightsail\nregion: eu-west-1\nendpoint: ${fake.url}\naccess_key: A\nsecret_key: s`), testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.source, "eu-west-1");
  assert.equal(group?.targets[0]?.["__meta_lightsail_instance_name"], "a");
  assert.equal(group?.targets[0]?.["__address__"], "172.26.0.9:80");
  await updates.stop();
});

for (const role of ["ecs", "elasticache", "rds"]) {
  test(`aws role ${role}: not implemented yet: one warning and an empty initial set, no request`, async (t) => {
    const warnings: string[] = [];
    const deps = testDeps();
    const logger = { ...deps.logger, warn: (_fields: unknown, message: string) => void warnings.push(message) } as typeof deps.logger;
    const updates = pullUpdates(t, createAwsDiscoverer(parseConfigYaml(parseAwsSdConfig, `role: ${role}\nregion: us-east-1\nendpoint: http://127.0.0.1:1`), { ...deps, logger }));
    assert.deepEqual(await updates.next(), []);
    assert.match(warnings.join("\n"), new RegExp(`role ${role} is not implemented`));
    await updates.stop();
  });
}

test("aws role msk: MSK's brokers, with the clusters key", async (t) => {
  const { startFakeMsk } = await import("../msk/fake-msk-server.js");
  const fake = await startFakeMsk({ clusters: [{ ClusterName: "c", ClusterArn: "arn:c", ClusterType: "PROVISIONED" }, { ClusterName: "d", ClusterArn: "arn:d", ClusterType: "PROVISIONED" }], nodes: { "arn:c": [{ NodeARN: "n", BrokerNodeInfo: { BrokerId: 1, Endpoints: ["b-1.c"] } }], "arn:d": [] } });
  t.after(() => fake.close());
  const updates = pullUpdates(t, createAwsDiscoverer(parseConfigYaml(parseAwsSdConfig, `role: msk\nregion: us-east-1\nendpoint: ${fake.url}\naccess_key: A\nsecret_key: s\nclusters: [arn:c]\nport: 9644`), testDeps()));
  const [group] = await updates.next();
  assert.deepEqual(group?.targets.map((l) => [l["__address__"], l["__meta_msk_cluster_name"]]), [["b-1.c:9644", "c"]]);
  await updates.stop();
});
