import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseVultrConfig, type VultrConfig } from "./config.js";

/** `vultr_sd_configs`: every instance of the account. */
export const vultrProvider: ProviderDefinition<VultrConfig> = {
  name: "vultr",
  configKey: "vultr_sd_configs",
  parseConfig: parseVultrConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createVultrDiscoverer, config, deps),
};
