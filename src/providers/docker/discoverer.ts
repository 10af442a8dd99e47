/**
 * Docker discovery (Prometheus discovery/moby/docker.go) over the Docker Engine API: every
 * `refresh_interval`, `GET /containers/json` (running containers, with the configured `filters`) and
 * `GET /networks`, turned into one `Docker` group by ./containers.ts. Version negotiation, the unix socket
 * and the HTTP client block follow the Go Docker client (./engine-client.ts). The shared refresh loop keeps
 * the last good targets on failure, logs each distinct error once and counts it under `mechanism="docker"`.
 */
import { SourceError } from "../../errors.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { DockerConfig } from "./config.js";
import { containersToGroup } from "./containers.js";
import { EngineClient, filtersParameter, parseEngineHost } from "./engine-client.js";
import { networkLabels } from "./networks.js";

/** Throws SourceError when `host` is not something the Docker client can parse (Prometheus fails the discoverer then). */
export function createDockerDiscoverer(config: DockerConfig, deps: DiscovererDeps): Discoverer {
  const endpoint = parseEngineHost(config.host, config.profile);
  const filters = filtersParameter(config.filters);
  return createRefreshDiscoverer({
    mechanism: "docker",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = new EngineClient(endpoint, {
        profile: config.profile,
        httpClient: config.httpClient,
        timeoutMs: config.refreshIntervalMs,
        maxBodyBytes: config.maxBodyBytes,
        dialerName: "docker_sd",
        registry: deps.registry,
        logger: deps.logger,
      });
      return {
        refresh: async (signal) => {
          // Go's Docker client sends `limit=0` with every list (an unset ContainerListOptions.Limit) in 2.42.
          const containers = await client.getJson("/containers/json", { filters, ...(config.profile === "v2.42" ? { limit: "0" } : {}) }, signal).catch((error: unknown) => {
            throw wrap("error while listing containers", error);
          });
          const networks = await client.getJson("/networks", {}, signal).catch((error: unknown) => {
            throw wrap("error while computing network labels", error);
          });
          return [containersToGroup(containers, networkLabels(networks, "__meta_docker_"), config)];
        },
        close: () => client.close(),
      };
    },
  }, deps);
}

/** Prometheus's error context (`error while listing containers: …`) on the client's SourceError. */
function wrap(context: string, error: unknown): unknown {
  return error instanceof SourceError ? new SourceError(error.code, `${context}: ${error.message}`, { cause: error }) : error;
}
