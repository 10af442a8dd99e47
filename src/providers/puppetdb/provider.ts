import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parsePuppetDbConfig, type PuppetDbConfig } from "./config.js";

/** `puppetdb_sd_configs`: the resources a PQL query returns, one target per resource. */
export const puppetDbProvider: ProviderDefinition<PuppetDbConfig> = {
  name: "puppetdb",
  configKey: "puppetdb_sd_configs",
  parseConfig: parsePuppetDbConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createPuppetDbDiscoverer, config, deps),
};
