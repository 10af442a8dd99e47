import type { ProviderDefinition } from "../provider.js";
import { parseAwsSdConfig, type AwsSdConfig } from "./config.js";
import { createAwsDiscoverer } from "./discoverer.js";

/** `aws_sd_configs` (3.8+): one key for every AWS role, delegating to the role's discoverer. */
export const awsProvider: ProviderDefinition<AwsSdConfig> = {
  name: "aws",
  configKey: "aws_sd_configs",
  parseConfig: parseAwsSdConfig,
  createDiscoverer: (config, deps) => createAwsDiscoverer(config, deps),
};
