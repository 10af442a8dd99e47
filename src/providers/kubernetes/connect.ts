/**
 * Opens the API connection of a discoverer: the client of spec 1.3 (api_server / kubeconfig /
 * in-cluster) and a registry of shared list-watch informers over it. Discoverers of one metrics registry
 * (one manager) with the same connection settings share both, so every (resource, namespace, selectors)
 * is listed and watched once however many jobs and roles need it (issue 5 item 3); the connection closes
 * when the last of them stops.
 */
import type { Registry } from "prom-client";
import { Secret } from "../../config/secret.js";
import type { DiscovererDeps } from "../provider.js";
import { createKubeClient, type KubeClient } from "./api/client.js";
import { InformerRegistry } from "./api/informer-registry.js";
import type { KubernetesConfig } from "./config.js";
import type { InformerSource } from "./role-watch.js";

interface SharedConnection {
  readonly ready: Promise<{ client: KubeClient; informers: InformerRegistry }>;
  users: number;
}

const connections = new WeakMap<Registry, Map<string, SharedConnection>>();

/** Equal settings give equal keys; secrets take part by value (the key never leaves memory). */
function connectionKey(config: KubernetesConfig): string {
  return JSON.stringify([config.apiServer ?? null, config.kubeconfigFile ?? null, config.httpClient], (_key, value: unknown) => {
    if (value instanceof Secret) return { secret: value.reveal() };
    if (value instanceof Map) return [...value];
    return value;
  });
}

export async function connectKubernetes(config: KubernetesConfig, deps: DiscovererDeps, signal: AbortSignal): Promise<InformerSource> {
  let byKey = connections.get(deps.registry);
  if (byKey === undefined) connections.set(deps.registry, (byKey = new Map()));
  const key = connectionKey(config);
  let shared = byKey.get(key);
  if (shared === undefined) {
    const ready = (async () => {
      const client = await createKubeClient(
        { apiServer: config.apiServer, kubeconfigFile: config.kubeconfigFile, httpClientConfig: config.httpClient },
        { logger: deps.logger, registry: deps.registry },
      );
      return { client, informers: new InformerRegistry(client, { logger: deps.logger, registry: deps.registry, sleep: deps.sleep }) };
    })();
    shared = { ready, users: 0 };
    byKey.set(key, shared);
    // A failed connection is not cached: the next discoverer (after a reload) tries again.
    ready.catch(() => { if (byKey?.get(key) === shared) byKey.delete(key); });
  }
  const current = shared;
  current.users++;
  const release = (): void => {
    current.users--;
    if (current.users > 0) return;
    if (byKey?.get(key) === current) byKey.delete(key);
    void current.ready.then(({ client, informers }) => informers.close().finally(() => client.close()), () => undefined);
  };
  if (signal.aborted) queueMicrotask(release);
  else signal.addEventListener("abort", release, { once: true });
  return (await current.ready).informers;
}
