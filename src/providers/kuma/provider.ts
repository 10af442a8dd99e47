import type { ProviderDefinition } from "../provider.js";
import { parseKumaConfig, type KumaConfig } from "./config.js";
import { createKumaDiscoverer } from "./discoverer.js";

/** `kuma_sd_configs`: the monitoring assignments a Kuma control plane hands out over MADS. */
export const kumaProvider: ProviderDefinition<KumaConfig> = {
  name: "kuma",
  configKey: "kuma_sd_configs",
  parseConfig: parseKumaConfig,
  createDiscoverer: (config, deps) => createKumaDiscoverer(config, deps),
};
