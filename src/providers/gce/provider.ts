import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseGceConfig, type GceConfig } from "./config.js";

/** `gce_sd_configs`: Compute Engine instances of one project and zone (Prometheus discovery/gce). */
export const gceProvider: ProviderDefinition<GceConfig> = {
  name: "gce",
  configKey: "gce_sd_configs",
  parseConfig: parseGceConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createGceDiscoverer, config, deps),
};
