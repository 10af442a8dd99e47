import type { ProviderDefinition } from "../provider.js";
import { parsePuppetDbConfig, type PuppetDbConfig } from "./config.js";
import { createPuppetDbDiscoverer } from "./discoverer.js";

/** `puppetdb_sd_configs`: the resources a PQL query returns, one target per resource. */
export const puppetDbProvider: ProviderDefinition<PuppetDbConfig> = {
  name: "puppetdb",
  configKey: "puppetdb_sd_configs",
  parseConfig: parsePuppetDbConfig,
  createDiscoverer: (config, deps) => createPuppetDbDiscoverer(config, deps),
};
