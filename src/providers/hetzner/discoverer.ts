/**
 * Hetzner discovery (Prometheus discovery/hetzner): every `refresh_interval`, either the Hetzner Cloud API
 * (role hcloud: all servers, filtered by `label_selector`, plus all networks to name private IPs; ./hcloud.ts)
 * or the Robot web service (role robot: `GET /server` with basic auth; ./robot.ts). One group, source
 * "hetzner", holds every server. Plain HTTP instead of hcloud-go: the API is bearer-token JSON with
 * page-number paging, which src/cloud/json-api.ts covers (status check, body cap, 429 backoff).
 *
 * Prometheus's HTTP client times out after `refresh_interval`; the shared refresh deadline does the same.
 * A failed refresh keeps the last targets (createRefreshDiscoverer).
 */
import { collectPages, fetchJson, requestWithBackoff } from "../../cloud/json-api.js";
import type { GoStruct } from "../../cloud/go-json.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { HetznerConfig } from "./config.js";
import { hcloudPage, hcloudTarget } from "./hcloud.js";
import { robotTargets } from "./robot.js";

/** hcloud-go's page size for `All` / `AllWithOpts`. */
const PER_PAGE = 50;

async function listHcloud(client: HttpClient, config: HetznerConfig, path: "servers" | "networks", signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<GoStruct[]> {
  return collectPages(async (cursor) => {
    const query = new URLSearchParams();
    if (path === "servers" && config.labelSelector !== "") query.set("label_selector", config.labelSelector);
    query.set("page", cursor ?? "1");
    query.set("per_page", String(PER_PAGE));
    const body = await fetchJson(client, `${config.hcloudEndpoint}/${path}?${query.toString()}`, { signal, mechanism: "hetzner", maxBodyBytes: config.maxBodyBytes, wait });
    const page = hcloudPage(body, path);
    return { items: page.items, next: page.nextPage === undefined ? undefined : String(page.nextPage) };
  }, { mechanism: "hetzner" });
}

async function refreshHcloud(client: HttpClient, config: HetznerConfig, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const servers = await listHcloud(client, config, "servers", signal, wait);
  const networks = await listHcloud(client, config, "networks", signal, wait);
  const networkNames = new Map(networks.map((network) => [network.int("id", "int64"), network.string("name")]));
  return [{ source: "hetzner", labels: {}, targets: servers.map((server) => hcloudTarget(server, networkNames, config.port, config.profile)) }];
}

async function refreshRobot(client: HttpClient, config: HetznerConfig, signal: AbortSignal, wait: DiscovererDeps["sleep"]): Promise<TargetGroup[]> {
  const url = `${config.robotEndpoint}/server`;
  // Prometheus's message for any non-2xx is kept; 429/503 are first retried with backoff.
  const response = await requestWithBackoff(client, url, { signal, mechanism: "hetzner", maxBodyBytes: config.maxBodyBytes, wait });
  if (response.status < 200 || response.status > 299) {
    throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `non 2xx status '${response.status}' response during hetzner service discovery with role robot`);
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body.toString("utf8"));
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_BAD_BODY", `hetzner robot: ${url}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return [{ source: "hetzner", labels: {}, targets: robotTargets(body, config.port, config.profile) }];
}

export function createHetznerDiscoverer(config: HetznerConfig, deps: DiscovererDeps): Discoverer {
  return createRefreshDiscoverer({
    mechanism: "hetzner",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = createHttpClient(config.httpClient, { dialerName: "hetzner_sd", registry: deps.registry, logger: deps.logger });
      const refresh = config.role === "hcloud" ? refreshHcloud : refreshRobot;
      return { refresh: (signal) => refresh(client, config, signal, deps.sleep), close: () => client.close() };
    },
  }, deps);
}
