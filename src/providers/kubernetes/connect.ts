/**
 * Opens the API connection of one discoverer: the client of spec 1.3 (api_server / kubeconfig /
 * in-cluster) and a registry of shared list-watch informers over it, both closed when `signal` aborts.
 */
import type { DiscovererDeps } from "../provider.js";
import { createKubeClient } from "./api/client.js";
import { InformerRegistry } from "./api/informer-registry.js";
import type { KubernetesConfig } from "./config.js";
import type { InformerSource } from "./role-watch.js";

export async function connectKubernetes(config: KubernetesConfig, deps: DiscovererDeps, signal: AbortSignal): Promise<InformerSource> {
  const client = await createKubeClient(
    { apiServer: config.apiServer, kubeconfigFile: config.kubeconfigFile, httpClientConfig: config.httpClient },
    { logger: deps.logger, registry: deps.registry },
  );
  const informers = new InformerRegistry(client, { logger: deps.logger, registry: deps.registry, sleep: deps.sleep });
  const close = (): void => {
    void informers.close().finally(() => client.close());
  };
  if (signal.aborted) close();
  else signal.addEventListener("abort", close, { once: true });
  return informers;
}
