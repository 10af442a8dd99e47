import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseKumaConfig, type KumaConfig } from "./config.js";

/** `kuma_sd_configs`: the monitoring assignments a Kuma control plane hands out over MADS. */
export const kumaProvider: ProviderDefinition<KumaConfig> = {
  name: "kuma",
  configKey: "kuma_sd_configs",
  parseConfig: parseKumaConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createKumaDiscoverer, config, deps),
};
