import type { ProviderDefinition } from "../provider.js";
import { parseConsulConfig, type ConsulConfig } from "./config.js";
import { createConsulDiscoverer } from "./discoverer.js";

/** `consul_sd_configs`: services from the Consul catalog via blocking queries (spec consul.md). */
export const consulProvider: ProviderDefinition<ConsulConfig> = {
  name: "consul",
  configKey: "consul_sd_configs",
  parseConfig: parseConsulConfig,
  createDiscoverer: (config, deps) => createConsulDiscoverer(config, deps),
};
