/**
 * Docker Swarm discovery (Prometheus discovery/moby/dockerswarm.go) over a swarm manager's Engine API, with
 * the same client as docker_sd (../docker/engine-client.ts: unix socket, version negotiation, caps). Every
 * `refresh_interval`, by role:
 * - `services`: `GET /services?filters=…` and `GET /networks` (./services.ts);
 * - `tasks`: `GET /tasks?filters=…`, then `/services`, `/nodes` and `/networks` unfiltered (./tasks.ts);
 * - `nodes`: `GET /nodes?filters=…` (./nodes.ts).
 * One group, `DockerSwarm`. The shared refresh loop keeps the last good targets on failure, logs each
 * distinct error once and counts it under `mechanism="dockerswarm"`.
 */
import { SourceError } from "../../errors.js";
import type { TargetGroup } from "../../model/target-group.js";
import { unreachable } from "../../profile.js";
import { EngineClient, filtersParameter, parseEngineHost } from "../docker/engine-client.js";
import { networkLabels } from "../docker/networks.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer } from "../refresh-discoverer.js";
import type { DockerSwarmConfig } from "./config.js";
import { nodeLabelsById, nodesToGroup } from "./nodes.js";
import { serviceInfoById, servicesToGroup } from "./services.js";
import { SWARM_PREFIX } from "./swarm-json.js";
import { tasksToGroup } from "./tasks.js";

/** Prometheus's error context on the client's SourceError. */
function withContext<T>(context: string, work: Promise<T>): Promise<T> {
  return work.catch((error: unknown) => {
    throw error instanceof SourceError ? new SourceError(error.code, `${context}: ${error.message}`, { cause: error }) : error;
  });
}

/** Throws SourceError when `host` is not something the Docker client can parse (Prometheus fails the discoverer then). */
export function createDockerSwarmDiscoverer(config: DockerSwarmConfig, deps: DiscovererDeps): Discoverer {
  const endpoint = parseEngineHost(config.host, config.profile);
  const filters = { filters: filtersParameter(config.filters) };
  return createRefreshDiscoverer({
    mechanism: "dockerswarm",
    intervalMs: config.refreshIntervalMs,
    open: () => {
      const client = new EngineClient(endpoint, {
        profile: config.profile,
        httpClient: config.httpClient,
        timeoutMs: config.refreshIntervalMs,
        maxBodyBytes: config.maxBodyBytes,
        dialerName: "dockerswarm_sd",
        registry: deps.registry,
        logger: deps.logger,
      });
      const refresh = async (signal: AbortSignal): Promise<TargetGroup> => {
        switch (config.role) {
          case "services": {
            const services = await withContext("error while listing swarm services", client.getJson("/services", filters, signal));
            const networks = await withContext("error while computing swarm network labels", client.getJson("/networks", {}, signal));
            return servicesToGroup(services, networkLabels(networks, SWARM_PREFIX), config.port);
          }
          case "tasks": {
            const tasks = await withContext("error while listing swarm services", client.getJson("/tasks", filters, signal));
            const services = await withContext("error while computing services labels and ports", client.getJson("/services", {}, signal));
            const nodes = await withContext("error while computing nodes labels and ports: error while listing swarm nodes", client.getJson("/nodes", {}, signal));
            const networks = await withContext("error while computing swarm network labels", client.getJson("/networks", {}, signal));
            return tasksToGroup(tasks, { services: serviceInfoById(services), nodes: nodeLabelsById(nodes), networks: networkLabels(networks, SWARM_PREFIX), port: config.port });
          }
          case "nodes":
            return nodesToGroup(await withContext("error while listing swarm nodes", client.getJson("/nodes", filters, signal)), config.port);
          default:
            return unreachable(config.role);
        }
      };
      return { refresh: async (signal) => [await refresh(signal)], close: () => client.close() };
    },
  }, deps);
}
