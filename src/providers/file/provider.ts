import type { ProviderDefinition } from "../provider.js";
import { parseFileSdConfig, type FileSdConfig } from "./config.js";
import { createFileDiscoverer } from "./discoverer.js";

/** `file_sd_configs`: target groups from local JSON/YAML files, re-read on change and periodically (spec file.md). */
export const fileProvider: ProviderDefinition<FileSdConfig> = {
  name: "file",
  configKey: "file_sd_configs",
  parseConfig: parseFileSdConfig,
  createDiscoverer: (config, deps) => createFileDiscoverer(config, deps),
};

export type { FileSdConfig } from "./config.js";
