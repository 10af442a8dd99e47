import type { ProviderDefinition } from "../provider.js";
import { parseUyuniConfig, type UyuniConfig } from "./config.js";
import { createUyuniDiscoverer } from "./discoverer.js";

/** `uyuni_sd_configs`: the monitoring endpoints of the systems an Uyuni/SUSE Manager server manages. */
export const uyuniProvider: ProviderDefinition<UyuniConfig> = {
  name: "uyuni",
  configKey: "uyuni_sd_configs",
  parseConfig: parseUyuniConfig,
  createDiscoverer: (config, deps) => createUyuniDiscoverer(config, deps),
};
