import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseScalewayConfig, type ScalewayConfig } from "./config.js";

/** `scaleway_sd_configs`: Instance servers (role instance) or Elastic Metal servers (role baremetal) of one zone. */
export const scalewayProvider: ProviderDefinition<ScalewayConfig> = {
  name: "scaleway",
  configKey: "scaleway_sd_configs",
  parseConfig: parseScalewayConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createScalewayDiscoverer, config, deps),
};
