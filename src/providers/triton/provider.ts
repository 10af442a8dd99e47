import type { ProviderDefinition } from "../provider.js";
import { parseTritonConfig, type TritonConfig } from "./config.js";
import { createTritonDiscoverer } from "./discoverer.js";

/** `triton_sd_configs`: Triton containers or compute nodes from triton-cmon's discovery API. */
export const tritonProvider: ProviderDefinition<TritonConfig> = {
  name: "triton",
  configKey: "triton_sd_configs",
  parseConfig: parseTritonConfig,
  createDiscoverer: (config, deps) => createTritonDiscoverer(config, deps),
};
