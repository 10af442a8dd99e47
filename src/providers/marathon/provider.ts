import type { ProviderDefinition } from "../provider.js";
import { parseMarathonConfig, type MarathonConfig } from "./config.js";
import { createMarathonDiscoverer } from "./discoverer.js";

/** `marathon_sd_configs`: every port of every task of every Marathon app (spec marathon.md). */
export const marathonProvider: ProviderDefinition<MarathonConfig> = {
  name: "marathon",
  configKey: "marathon_sd_configs",
  parseConfig: parseMarathonConfig,
  createDiscoverer: (config, deps) => createMarathonDiscoverer(config, deps),
};
