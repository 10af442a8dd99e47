import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseTritonConfig, type TritonConfig } from "./config.js";

/** `triton_sd_configs`: Triton containers or compute nodes from triton-cmon's discovery API. */
export const tritonProvider: ProviderDefinition<TritonConfig> = {
  name: "triton",
  configKey: "triton_sd_configs",
  parseConfig: parseTritonConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createTritonDiscoverer, config, deps),
};
