import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseOutscaleConfig, type OutscaleConfig } from "./config.js";

/** `outscale_sd_configs` (Prometheus 3.12+): the VMs of an Outscale account over OAPI. */
export const outscaleProvider: ProviderDefinition<OutscaleConfig> = {
  name: "outscale",
  configKey: "outscale_sd_configs",
  parseConfig: parseOutscaleConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createOutscaleDiscoverer, config, deps),
};
