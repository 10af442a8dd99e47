import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseOpenStackConfig, type OpenStackConfig } from "./config.js";

/** `openstack_sd_configs`: Nova instances and hypervisors, Octavia load balancers (Prometheus discovery/openstack). */
export const openstackProvider: ProviderDefinition<OpenStackConfig> = {
  name: "openstack",
  configKey: "openstack_sd_configs",
  parseConfig: parseOpenStackConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createOpenStackDiscoverer, config, deps),
};
