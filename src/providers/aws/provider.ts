import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseAwsSdConfig, type AwsSdConfig } from "./config.js";

/** `aws_sd_configs` (3.8+): one key for every AWS role, delegating to the role's discoverer. */
export const awsProvider: ProviderDefinition<AwsSdConfig> = {
  name: "aws",
  configKey: "aws_sd_configs",
  parseConfig: parseAwsSdConfig,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createAwsDiscoverer, config, deps),
};
