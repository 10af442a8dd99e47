import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseUyuniConfig, type UyuniConfig } from "./config.js";

/** `uyuni_sd_configs`: the monitoring endpoints of the systems an Uyuni/SUSE Manager server manages. */
export const uyuniProvider: ProviderDefinition<UyuniConfig> = {
  name: "uyuni",
  configKey: "uyuni_sd_configs",
  parseConfig: parseUyuniConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createUyuniDiscoverer, config, deps),
};
