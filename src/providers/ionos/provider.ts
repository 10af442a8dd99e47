import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseIonosConfig, type IonosConfig } from "./config.js";

/** `ionos_sd_configs`: the servers of one IONOS Cloud data center. */
export const ionosProvider: ProviderDefinition<IonosConfig> = {
  name: "ionos",
  configKey: "ionos_sd_configs",
  parseConfig: parseIonosConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createIonosDiscoverer, config, deps),
};
