import type { ProviderDefinition } from "../provider.js";
import { parseDnsConfig, type DnsConfig } from "./config.js";
import { createDnsDiscoverer } from "./discoverer.js";

/** `dns_sd_configs`: periodic SRV/A/AAAA/MX/NS lookups (spec dns.md). */
export const dnsProvider: ProviderDefinition<DnsConfig> = {
  name: "dns",
  configKey: "dns_sd_configs",
  parseConfig: parseDnsConfig,
  createDiscoverer: (config, deps) => createDnsDiscoverer(config, deps),
};
