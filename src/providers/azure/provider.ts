import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseAzureConfig, type AzureConfig } from "./config.js";

/** `azure_sd_configs`: VMs and scale set VMs of a subscription (Prometheus discovery/azure). */
export const azureProvider: ProviderDefinition<AzureConfig> = {
  name: "azure",
  configKey: "azure_sd_configs",
  parseConfig: parseAzureConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createAzureDiscoverer, config, deps),
};
