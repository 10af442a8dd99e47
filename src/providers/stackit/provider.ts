import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseStackitConfig, type StackitConfig } from "./config.js";

/** `stackit_sd_configs` (Prometheus 3.5+): the servers of a STACKIT project. */
export const stackitProvider: ProviderDefinition<StackitConfig> = {
  name: "stackit",
  configKey: "stackit_sd_configs",
  parseConfig: parseStackitConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createStackitDiscoverer, config, deps),
};
