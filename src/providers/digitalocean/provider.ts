import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseDigitalOceanConfig, type DigitalOceanConfig } from "./config.js";

/** `digitalocean_sd_configs`: droplets, or managed database clusters (role databases). */
export const digitalOceanProvider: ProviderDefinition<DigitalOceanConfig> = {
  name: "digitalocean",
  configKey: "digitalocean_sd_configs",
  parseConfig: parseDigitalOceanConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createDigitalOceanDiscoverer, config, deps),
};
