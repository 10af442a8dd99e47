import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseHetznerConfig, type HetznerConfig } from "./config.js";

/** `hetzner_sd_configs`: Hetzner Cloud servers (role hcloud) or Robot dedicated servers (role robot). */
export const hetznerProvider: ProviderDefinition<HetznerConfig> = {
  name: "hetzner",
  configKey: "hetzner_sd_configs",
  parseConfig: parseHetznerConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createHetznerDiscoverer, config, deps),
};
