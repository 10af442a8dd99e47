import { SourceError } from "../../errors.js";
import type { ProviderDefinition } from "../provider.js";
import { parseKubernetesConfig, type KubernetesConfig } from "./config.js";
import { connectKubernetes } from "./connect.js";
import { createKubernetesDiscoverer } from "./discoverer.js";

/**
 * Prometheus fails discoverer creation (counted in prometheus_sd_failed_configs, not retried until the
 * next reload) when in-cluster mode has no service environment (spec 1.3). The rest of the connection is
 * opened asynchronously by the discoverer, whose failures are logged.
 */
function checkInClusterEnvironment(config: KubernetesConfig, env: NodeJS.ProcessEnv): void {
  if (config.apiServer !== undefined || config.kubeconfigFile !== undefined) return;
  if ((env["KUBERNETES_SERVICE_HOST"] ?? "") === "" || (env["KUBERNETES_SERVICE_PORT"] ?? "") === "") {
    throw new SourceError("PROMSD_SOURCE_KUBERNETES_CONFIG", "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
  }
}

/** `kubernetes_sd_configs`: the six roles over list-watch (spec kubernetes.md). */
export const kubernetesProvider: ProviderDefinition<KubernetesConfig> = {
  name: "kubernetes",
  configKey: "kubernetes_sd_configs",
  parseConfig: parseKubernetesConfig,
  createDiscoverer: (config, deps) => {
    checkInClusterEnvironment(config, process.env);
    return createKubernetesDiscoverer(config, deps, { connect: connectKubernetes });
  },
};
