import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseLinodeConfig, type LinodeConfig } from "./config.js";

/** `linode_sd_configs`: Linode instances with their IPs and IPv6 ranges, refreshed when account events say so. */
export const linodeProvider: ProviderDefinition<LinodeConfig> = {
  name: "linode",
  configKey: "linode_sd_configs",
  parseConfig: parseLinodeConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createLinodeDiscoverer, config, deps),
};
