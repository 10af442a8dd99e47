import { lazyDiscoverer } from "../lazy-discoverer.js";
import type { ProviderDefinition } from "../provider.js";
import { parseEc2Config, type Ec2Config } from "./config.js";

/** `ec2_sd_configs`: EC2 instances of one region (Prometheus discovery/aws/ec2.go). */
export const ec2Provider: ProviderDefinition<Ec2Config> = {
  name: "ec2",
  configKey: "ec2_sd_configs",
  parseConfig: parseEc2Config,
  createDiscoverer: (config, deps) => lazyDiscoverer(async () => (await import("./discoverer.js")).createEc2Discoverer, config, deps),
};
