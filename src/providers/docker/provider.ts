import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseDockerConfig, type DockerConfig } from "./config.js";

/** `docker_sd_configs`: containers of one Docker Engine, one target per port and network. */
export const dockerProvider: ProviderDefinition<DockerConfig> = {
  name: "docker",
  configKey: "docker_sd_configs",
  parseConfig: parseDockerConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createDockerDiscoverer, config, deps),
};
