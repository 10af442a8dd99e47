import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseOvhcloudConfig, type OvhcloudConfig } from "./config.js";

/** `ovhcloud_sd_configs`: the VPS or dedicated servers of an OVHcloud account, over its signed API. */
export const ovhcloudProvider: ProviderDefinition<OvhcloudConfig> = {
  name: "ovhcloud",
  configKey: "ovhcloud_sd_configs",
  parseConfig: parseOvhcloudConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createOvhcloudDiscoverer, config, deps),
};
