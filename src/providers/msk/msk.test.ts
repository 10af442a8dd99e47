/**
 * MSK discovery against the fake MSK (./fake-msk-server.ts, the Kafka REST-JSON API) on loopback, through
 * the real AWS SDK: Prometheus's refresh cases (fixtures/, from msk_test.go), paging of ListClustersV2 and
 * ListNodes, throttling retried by the SDK, and config. The instance metadata service is disabled.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonErrorAnswer } from "../../testing/cloud/aws/aws-fake.js";
import { configProblem, parseConfigYaml, pullUpdates, testDeps } from "../../testing/index.js";
import { parseMskConfig } from "./config.js";
import { createMskDiscoverer } from "./discoverer.js";
import { startFakeMsk } from "./fake-msk-server.js";
import type { MskCluster, MskNode } from "./nodes.js";
import cases from "./fixtures/prometheus-refresh-cases.json" with { type: "json" };

process.env["AWS_EC2_METADATA_DISABLED"] = "true";

const byAddress = (targets: readonly Readonly<Record<string, string>>[]) => [...targets].sort((a, b) => (a["__address__"] ?? "").localeCompare(b["__address__"] ?? ""));

test("msk config: defaults, clusters, request_concurrency", () => {
  const config = parseConfigYaml(parseMskConfig, "region: r\nclusters: [arn:a]");
  assert.deepEqual([config.port, config.refreshIntervalMs, config.requestConcurrency, config.clusters], [80, 60_000, 10, ["arn:a"]]);
  assert.equal(parseConfigYaml(parseMskConfig, "request_concurrency: 3").requestConcurrency, 3);
  assert.match(configProblem(() => parseConfigYaml(parseMskConfig, "filters: []")), /field filters not found in type aws\.plain/);
});

for (const c of cases.cases) {
  test(`msk (Prometheus case ${c.name}): the fake's answers give Prometheus's expected labels`, async (t) => {
    const fake = await startFakeMsk({ clusters: c.clusters as MskCluster[], nodes: c.nodes as Record<string, MskNode[]> });
    t.after(() => fake.close());
    const clusters = c.clustersConfig.length === 0 ? "" : `\nclusters: [${c.clustersConfig.map((a) => JSON.stringify(a)).join(", ")}]`;
    const config = parseConfigYaml(parseMskConfig, `region: ${c.region}\nendpoint: ${fake.url}\naccess_key: A\nsecret_key: s${clusters}`);
    const updates = pullUpdates(t, createMskDiscoverer(config, testDeps()));
    const [group] = await updates.next();
    assert.equal(group?.source, c.region);
    assert.deepEqual(byAddress(group?.targets ?? []), byAddress(c.expected));
    assert.equal(fake.requestsOf("").filter((r) => r.path === "/api/v2/clusters").length >= 1, true, "the credential test listed clusters");
    await updates.stop();
  });
}

test("msk: ListClustersV2 (PROVISIONED, 100 a page) and ListNodes are paged by nextToken; throttling is retried", async (t) => {
  const clusters: MskCluster[] = [1, 2, 3].map((n) => ({ ClusterName: `c${n}`, ClusterArn: `arn:c${n}`, ClusterType: "PROVISIONED", State: "ACTIVE" }));
  const nodes: Record<string, MskNode[]> = Object.fromEntries(clusters.map((c, i) => [c.ClusterArn, [0, 1, 2].map((j) => ({ NodeARN: `n${i}${j}`, BrokerNodeInfo: { BrokerId: j + 1, Endpoints: [`b-${i}-${j}.example`] } }))]));
  const fake = await startFakeMsk({ clusters: [...clusters, { ClusterName: "serverless", ClusterArn: "arn:s", ClusterType: "SERVERLESS" }], nodes, pageSize: 2 });
  t.after(() => fake.close());
  fake.failNext(jsonErrorAnswer("TooManyRequestsException", 429, "Too many requests"), { times: 2, match: (r) => r.path.endsWith("/nodes") });
  const config = parseConfigYaml(parseMskConfig, `region: us-east-1\nendpoint: ${fake.url}\naccess_key: A\nsecret_key: s`);
  const updates = pullUpdates(t, createMskDiscoverer(config, testDeps()));
  const [group] = await updates.next();
  assert.equal(group?.targets.length, 9);
  const lists = fake.requests.filter((r) => r.path === "/api/v2/clusters");
  assert.ok(lists.slice(1).every((r) => r.query.get("clusterTypeFilter") === "PROVISIONED" && r.query.get("maxResults") === "100"));
  assert.deepEqual(lists.slice(1).map((r) => r.query.get("nextToken")), [null, "2"]);
  assert.equal(fake.requests.filter((r) => r.path.endsWith("/nodes")).length, 3 * 2 + 2, "two pages per cluster, plus two throttled attempts");
  await updates.stop();
});
