import type { ProviderDefinition } from "../provider.js";
import { parseHetznerConfig, type HetznerConfig } from "./config.js";
import { createHetznerDiscoverer } from "./discoverer.js";

/** `hetzner_sd_configs`: Hetzner Cloud servers (role hcloud) or Robot dedicated servers (role robot). */
export const hetznerProvider: ProviderDefinition<HetznerConfig> = {
  name: "hetzner",
  configKey: "hetzner_sd_configs",
  parseConfig: parseHetznerConfig,
  createDiscoverer: (config, deps) => createHetznerDiscoverer(config, deps),
};
