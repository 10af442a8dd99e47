import type { ProviderDefinition } from "../provider.js";
import { parseNomadConfig, type NomadConfig } from "./config.js";
import { createNomadDiscoverer } from "./discoverer.js";

/** `nomad_sd_configs`: every instance of every service registered in Nomad's native service catalogue. */
export const nomadProvider: ProviderDefinition<NomadConfig> = {
  name: "nomad",
  configKey: "nomad_sd_configs",
  parseConfig: parseNomadConfig,
  createDiscoverer: (config, deps) => createNomadDiscoverer(config, deps),
};
