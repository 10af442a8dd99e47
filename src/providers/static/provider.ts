import type { ProviderDefinition } from "../provider.js";
import { parseStaticConfig, type StaticConfig } from "./config.js";
import { createStaticDiscoverer } from "./discoverer.js";

/**
 * `static_configs`. `parseConfig` parses one list element; the scrape-config loader merges a job's elements
 * with `mergeStaticConfigs` into the one static SdConfig the job carries (core.md 2.1).
 */
export const staticProvider: ProviderDefinition<StaticConfig> = {
  name: "static",
  configKey: "static_configs",
  parseConfig: parseStaticConfig,
  createDiscoverer: (config) => createStaticDiscoverer(config),
};

export type { StaticConfig } from "./config.js";
export { mergeStaticConfigs, checkStaticHostnames } from "./config.js";
