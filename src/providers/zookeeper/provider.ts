import type { ProviderDefinition } from "../provider.js";
import { parseZooKeeperConfig, type ZooKeeperConfig } from "./config.js";
import { createZooKeeperDiscoverer } from "./discoverer.js";

/** `serverset_sd_configs`: Finagle/Aurora serverset members in ZooKeeper (spec zookeeper.md). */
export const serversetProvider: ProviderDefinition<ZooKeeperConfig> = {
  name: "serverset",
  configKey: "serverset_sd_configs",
  parseConfig: parseZooKeeperConfig("serverset"),
  createDiscoverer: (config, deps) => createZooKeeperDiscoverer(config, deps),
};

/** `nerve_sd_configs`: AirBnB SmartStack Nerve members in ZooKeeper (spec zookeeper.md). */
export const nerveProvider: ProviderDefinition<ZooKeeperConfig> = {
  name: "nerve",
  configKey: "nerve_sd_configs",
  parseConfig: parseZooKeeperConfig("nerve"),
  createDiscoverer: (config, deps) => createZooKeeperDiscoverer(config, deps),
};
