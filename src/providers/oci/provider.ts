import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseOciConfig, type OciConfig } from "./config.js";

/** `oci_sd_configs` (Prometheus 3.14+): the compute instances of an Oracle Cloud tenancy. */
export const ociProvider: ProviderDefinition<OciConfig> = {
  name: "oci",
  configKey: "oci_sd_configs",
  parseConfig: parseOciConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createOciDiscoverer, config, deps),
};
