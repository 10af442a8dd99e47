import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseEurekaConfig, type EurekaConfig } from "./config.js";

/** `eureka_sd_configs`: every instance of every application registered in a Eureka server. */
export const eurekaProvider: ProviderDefinition<EurekaConfig> = {
  name: "eureka",
  configKey: "eureka_sd_configs",
  parseConfig: parseEurekaConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createEurekaDiscoverer, config, deps),
};
