/**
 * A fake Amazon MSK (the Kafka API's REST-JSON protocol) on 127.0.0.1: `GET /api/v2/clusters`
 * (ListClustersV2, `clusterTypeFilter`, `maxResults`/`nextToken` paging by the fake's page size),
 * `GET /api/v2/clusters/{arn}` (DescribeClusterV2) and `GET /v1/clusters/{arn}/nodes` (ListNodes, paged).
 * Clusters and nodes are given in the SDK's shape (./nodes.ts) and sent with the wire's camelCase names.
 */
import { jsonErrorAnswer, startAwsFake, type AwsFake, type AwsFakeOptions } from "../../testing/cloud/aws/aws-fake.js";
import type { MskCluster, MskNode } from "./nodes.js";

export interface FakeMsk extends AwsFake {
  setClusters(clusters: readonly MskCluster[], nodes: Readonly<Record<string, readonly MskNode[]>>): void;
}

/** SDK member names → wire names (first letter lower-cased); tag maps keep their keys. */
function toWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), k === "Tags" ? v : toWire(v)]));
}

export async function startFakeMsk(options: { clusters?: readonly MskCluster[]; nodes?: Readonly<Record<string, readonly MskNode[]>>; pageSize?: number } & AwsFakeOptions = {}): Promise<FakeMsk> {
  let clusters = options.clusters ?? [];
  let nodes = options.nodes ?? {};
  const pageSize = options.pageSize ?? 100;
  const json = (body: unknown) => ({ status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const page = <T>(items: readonly T[], query: URLSearchParams) => {
    const start = Number(query.get("nextToken") ?? "0");
    return { items: items.slice(start, start + pageSize), next: start + pageSize < items.length ? String(start + pageSize) : undefined };
  };
  const fake = await startAwsFake((request) => {
    if (request.method !== "GET") return undefined;
    if (request.path === "/api/v2/clusters") {
      const filter = request.query.get("clusterTypeFilter");
      const { items, next } = page(clusters.filter((c) => filter === null || c.ClusterType === filter), request.query);
      return json({ clusterInfoList: toWire(items), ...(next === undefined ? {} : { nextToken: next }) });
    }
    const describe = /^\/api\/v2\/clusters\/(.+)$/.exec(request.path);
    if (describe) {
      const cluster = clusters.find((c) => c.ClusterArn === decodeURIComponent(describe[1] ?? ""));
      return cluster === undefined ? jsonErrorAnswer("NotFoundException", 404, "cluster not found") : json({ clusterInfo: toWire(cluster) });
    }
    const list = /^\/v1\/clusters\/(.+)\/nodes$/.exec(request.path);
    if (list) {
      const arn = decodeURIComponent(list[1] ?? "");
      if (!(arn in nodes)) return jsonErrorAnswer("NotFoundException", 404, "cluster not found");
      const { items, next } = page(nodes[arn] ?? [], request.query);
      return json({ nodeInfoList: toWire(items), ...(next === undefined ? {} : { nextToken: next }) });
    }
    return undefined;
  }, options);
  return { ...fake, setClusters: (c, n) => void ((clusters = c), (nodes = n)) };
}
