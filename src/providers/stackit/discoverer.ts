/**
 * STACKIT discovery (Prometheus discovery/stackit, 3.5+): every `refresh_interval`, GET
 * `<endpoint or https://iaas.api.<region>.stackit.cloud>/v1/projects/<project>/servers?details=true`
 * (`Accept: application/json`) through the HTTP client block, authenticated by the service-account key
 * flow (./key-flow.ts) when a key is configured, else by the block's own auth. Any status but 200 fails
 * the refresh; the answer becomes one group (./servers.ts).
 *
 * promsd additions: the answer is capped, 429/503 are retried with backoff, and the refresh is bounded by
 * `refresh_interval` (Prometheus sets the same bound as its client timeout).
 */
import { fetchJson } from "../../cloud/json-api.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { TargetGroup } from "../../model/target-group.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { StackitConfig } from "./config.js";
import { StackitKeyFlow } from "./key-flow.js";
import { serversToGroups } from "./servers.js";

/** Go's url.JoinPath on the endpoint's path: segments joined with `/`, `.`/`..` resolved. */
export function stackitServersUrl(config: StackitConfig): string {
  const endpoint = config.endpoint !== "" ? config.endpoint : `https://iaas.api.${config.region}.stackit.cloud`;
  const url = new URL(endpoint);
  const segments = [...url.pathname.split("/"), "v1", "projects", config.project, "servers"];
  const cleaned: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") cleaned.pop();
    else cleaned.push(encodeURIComponent(segment));
  }
  url.pathname = `/${cleaned.join("/")}`;
  url.search = "details=true";
  return url.toString();
}

export async function refreshStackit(config: StackitConfig, client: HttpClient, keyFlow: StackitKeyFlow | undefined, deps: DiscovererDeps, signal: AbortSignal): Promise<TargetGroup[]> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (keyFlow) headers.authorization = `Bearer ${await keyFlow.accessToken(signal)}`;
  const body = await fetchJson(client, stackitServersUrl(config), { mechanism: "stackit", signal, headers, maxBodyBytes: config.maxBodyBytes, wait: deps.sleep });
  return serversToGroups(body, config.project, config.port);
}

export function createStackitDiscoverer(config: StackitConfig, deps: DiscovererDeps, options: { now?: () => number } = {}): Discoverer {
  return createRefreshDiscoverer(
    {
      mechanism: "stackit",
      intervalMs: config.refreshIntervalMs,
      open: async () => {
        const client = createHttpClient(config.httpClient, { dialerName: "stackit_sd", registry: deps.registry, logger: deps.logger });
        const hasKey = !config.serviceAccountKey.isEmpty || config.serviceAccountKeyPath !== "";
        try {
          const keyFlow = hasKey ? await StackitKeyFlow.load(config, client, options.now) : undefined;
          return { refresh: (signal) => refreshStackit(config, client, keyFlow, deps, signal), close: () => client.close() };
        } catch (error) {
          client.close();
          throw error;
        }
      },
    },
    deps,
  );
}
