import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseDockerSwarmConfig, type DockerSwarmConfig } from "./config.js";

/** `dockerswarm_sd_configs`: services, tasks or nodes of a Docker Swarm. */
export const dockerSwarmProvider: ProviderDefinition<DockerSwarmConfig> = {
  name: "dockerswarm",
  configKey: "dockerswarm_sd_configs",
  parseConfig: parseDockerSwarmConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createDockerSwarmDiscoverer, config, deps),
};
