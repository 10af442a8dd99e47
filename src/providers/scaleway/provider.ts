import type { ProviderDefinition } from "../provider.js";
import { parseScalewayConfig, type ScalewayConfig } from "./config.js";
import { createScalewayDiscoverer } from "./discoverer.js";

/** `scaleway_sd_configs`: Instance servers (role instance) or Elastic Metal servers (role baremetal) of one zone. */
export const scalewayProvider: ProviderDefinition<ScalewayConfig> = {
  name: "scaleway",
  configKey: "scaleway_sd_configs",
  parseConfig: parseScalewayConfig,
  createDiscoverer: (config, deps) => createScalewayDiscoverer(config, deps),
};
