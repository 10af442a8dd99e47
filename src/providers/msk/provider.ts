import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseMskConfig, type MskConfig } from "./config.js";

/** `msk_sd_configs`: brokers and controllers of Amazon MSK clusters (Prometheus 3.x discovery/aws/msk.go). */
export const mskProvider: ProviderDefinition<MskConfig> = {
  name: "msk",
  configKey: "msk_sd_configs",
  parseConfig: parseMskConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createMskDiscoverer, config, deps),
};
