/**
 * OVHcloud discovery (Prometheus discovery/ovhcloud): every `refresh_interval`, a fresh signed API session
 * (./signed-api.ts: `GET /auth/time`, then signed GETs) lists the service's servers (`GET /vps` or
 * `GET /dedicated/server`), then reads each server's details and `/ips`. One group, source
 * `ovhcloud_<service>`, one target per server (./services.ts). As in Prometheus, a server whose details or
 * addresses cannot be read is left out with a warning, while a failed list call fails the refresh (the last
 * good targets stay). Requests are sequential, in the list's order, as go-ovh makes them.
 *
 * promsd additions: every answer is size-capped, 429/503 answers are retried with backoff, and the shared
 * refresh deadline cuts off a server that stops answering (go-ovh waits up to 180 s per request).
 */
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { LabelSet } from "../../model/labels.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { OvhcloudConfig } from "./config.js";
import { OvhSignedApi } from "./signed-api.js";
import { decodeIps, decodeNameList, dedicatedServerLabels, SERVICE_PATHS, serverPath, vpsLabels } from "./services.js";

export interface OvhcloudOptions {
  readonly client?: HttpClient;
  /** The local clock in ms (tests skew it). */
  readonly now?: () => number;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function refreshOvhcloud(config: OvhcloudConfig, client: HttpClient, deps: DiscovererDeps, signal: AbortSignal, now?: () => number): Promise<TargetGroup[]> {
  const api = new OvhSignedApi(config, client, { signal, wait: deps.sleep, ...(now ? { now } : {}) });
  const source = `ovhcloud_${config.service}`;
  const names = decodeNameList(await api.get(SERVICE_PATHS[config.service]));
  const targets: LabelSet[] = [];
  for (const name of names) {
    try {
      const details = await api.get(serverPath(config.service, name));
      const ips = decodeIps(await api.get(serverPath(config.service, name, "ips")));
      targets.push(config.service === "vps" ? vpsLabels(details, ips) : dedicatedServerLabels(details, ips));
    } catch (error) {
      if (signal.aborted) throw error;
      deps.logger.warn({ err: describeError(error) }, `${source}: Could not get details of ${name}`);
    }
  }
  return [{ source, labels: {}, targets }];
}

export function createOvhcloudDiscoverer(config: OvhcloudConfig, deps: DiscovererDeps, options: OvhcloudOptions = {}): Discoverer {
  return createRefreshDiscoverer(
    {
      mechanism: "ovhcloud",
      intervalMs: config.refreshIntervalMs,
      open: () => {
        const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "ovhcloud_sd", registry: deps.registry, logger: deps.logger });
        return {
          refresh: (signal) => refreshOvhcloud(config, client, deps, signal, options.now),
          close: () => client.close(),
        };
      },
    },
    deps,
  );
}
