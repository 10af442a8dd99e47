import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseNomadConfig, type NomadConfig } from "./config.js";

/** `nomad_sd_configs`: every instance of every service registered in Nomad's native service catalogue. */
export const nomadProvider: ProviderDefinition<NomadConfig> = {
  name: "nomad",
  configKey: "nomad_sd_configs",
  parseConfig: parseNomadConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createNomadDiscoverer, config, deps),
};
