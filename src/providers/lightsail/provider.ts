import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseLightsailConfig, type LightsailConfig } from "./config.js";

/** `lightsail_sd_configs`: Lightsail instances of one region (Prometheus discovery/aws/lightsail.go). */
export const lightsailProvider: ProviderDefinition<LightsailConfig> = {
  name: "lightsail",
  configKey: "lightsail_sd_configs",
  parseConfig: parseLightsailConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createLightsailDiscoverer, config, deps),
};
