import type { ProviderDefinition } from "../provider.js";
import { parseKubernetesConfig, type KubernetesConfig } from "./config.js";
import { connectKubernetes } from "./connect.js";
import { createKubernetesDiscoverer } from "./discoverer.js";

/** `kubernetes_sd_configs`: the six roles over list-watch (spec kubernetes.md). */
export const kubernetesProvider: ProviderDefinition<KubernetesConfig> = {
  name: "kubernetes",
  configKey: "kubernetes_sd_configs",
  parseConfig: parseKubernetesConfig,
  createDiscoverer: (config, deps) => createKubernetesDiscoverer(config, deps, { connect: connectKubernetes }),
};
