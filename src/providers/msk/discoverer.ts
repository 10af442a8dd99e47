/**
 * MSK discovery (Prometheus 3.x discovery/aws/msk.go): every `refresh_interval`, the clusters (the
 * configured ARNs through DescribeClusterV2, else every provisioned cluster through ListClustersV2 paged by
 * NextToken, 100 a page), then each cluster's nodes through ListNodes (paged the same way), at most
 * `request_concurrency` calls at once; one group whose source is the region (./nodes.ts builds the
 * labels). As Prometheus, building the client makes one ListClustersV2 call to test the credentials, and
 * any failed call fails the whole refresh (the last good targets stay).
 */
import { describeAwsError, openAwsClients } from "../../cloud/aws/clients.js";
import { SourceError } from "../../errors.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { MskConfig } from "./config.js";
import { mskTargets, type MskCluster, type MskNode } from "./nodes.js";

const PAGE_SIZE = 100;
const CREDENTIAL_TEST_TIMEOUT_MS = 10_000;

/** Runs `work` for every item with at most `limit` running at once; the first failure rejects. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function openMsk(config: MskConfig, deps: DiscovererDeps, signal: AbortSignal) {
  const sdk = await import("@aws-sdk/client-kafka");
  const setup = await openAwsClients(config, deps, { dialerName: "msk_sd", signal, sdkRegion: (requestHandler) => new sdk.KafkaClient({ requestHandler }).config.region() });
  const client = new sdk.KafkaClient(setup.clientOptions);
  const call = <T>(what: string, send: (abortSignal: AbortSignal) => Promise<T>, callSignal: AbortSignal): Promise<T> =>
    send(callSignal).catch((error: unknown) => {
      if (callSignal.aborted) throw callSignal.reason;
      throw new SourceError("PROMSD_SOURCE_AWS_API", `${what}: ${describeAwsError(error)}`, { cause: error });
    });
  try {
    await call("MSK credential test failed", (abortSignal) => client.send(new sdk.ListClustersV2Command({}), { abortSignal }), AbortSignal.any([signal, AbortSignal.timeout(CREDENTIAL_TEST_TIMEOUT_MS)]));
  } catch (error) {
    client.destroy();
    setup.close();
    throw error;
  }
  return {
    region: setup.region,
    async listClusters(callSignal: AbortSignal): Promise<MskCluster[]> {
      const clusters: MskCluster[] = [];
      let token: string | undefined;
      do {
        const page = await call("could not list clusters", (abortSignal) => client.send(new sdk.ListClustersV2Command({ ClusterTypeFilter: "PROVISIONED", MaxResults: PAGE_SIZE, ...(token === undefined ? {} : { NextToken: token }) }), { abortSignal }), callSignal);
        clusters.push(...(page.ClusterInfoList ?? []));
        token = page.NextToken;
      } while (token !== undefined);
      return clusters;
    },
    async describeCluster(arn: string, callSignal: AbortSignal): Promise<MskCluster | undefined> {
      const output = await call(`could not describe cluster ${arn}`, (abortSignal) => client.send(new sdk.DescribeClusterV2Command({ ClusterArn: arn }), { abortSignal }), callSignal);
      return output.ClusterInfo;
    },
    async listNodes(arn: string, callSignal: AbortSignal): Promise<MskNode[]> {
      const nodes: MskNode[] = [];
      let token: string | undefined;
      do {
        const page = await call(`could not list nodes for cluster ${arn}`, (abortSignal) => client.send(new sdk.ListNodesCommand({ ClusterArn: arn, MaxResults: PAGE_SIZE, ...(token === undefined ? {} : { NextToken: token }) }), { abortSignal }), callSignal);
        nodes.push(...(page.NodeInfoList ?? []));
        token = page.NextToken;
      } while (token !== undefined);
      return nodes;
    },
    close: () => {
      client.destroy();
      setup.close();
    },
  };
}

export function createMskDiscoverer(config: MskConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "msk",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      let opened: Awaited<ReturnType<typeof openMsk>> | undefined;
      return {
        async refresh(signal): Promise<readonly TargetGroup[]> {
          opened ??= await openMsk(config, deps, signal);
          const msk = opened;
          let clusters: MskCluster[];
          if (config.clusters.length > 0) {
            clusters = [];
            await forEachLimited(config.clusters, config.requestConcurrency, async (arn) => {
              const cluster = await msk.describeCluster(arn, signal);
              if (cluster !== undefined) clusters.push(cluster);
            });
          } else {
            clusters = await msk.listClusters(signal);
          }
          const nodes = new Map<string, MskNode[]>();
          await forEachLimited(clusters, config.requestConcurrency, async (cluster) => {
            const arn = cluster.ClusterArn ?? "";
            nodes.set(arn, await msk.listNodes(arn, signal));
          });
          return [{ source: msk.region, labels: {}, targets: mskTargets(clusters, nodes, config.port) }];
        },
        close: () => opened?.close(),
      };
    },
  }, deps);
}
