import type { ProviderDefinition } from "../provider.js";
import { parseHttpSdConfig, type HttpSdConfig } from "./config.js";
import { createHttpSdDiscoverer } from "./discoverer.js";

/** `http_sd_configs`: a JSON list of groups polled from one URL (spec http.md). */
export const httpProvider: ProviderDefinition<HttpSdConfig> = {
  name: "http",
  configKey: "http_sd_configs",
  parseConfig: parseHttpSdConfig,
  createDiscoverer: (config, deps) => createHttpSdDiscoverer(config, deps),
};
