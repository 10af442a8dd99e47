/**
 * Kubernetes discovery (spec kubernetes.md): list-watch caches of the role's resources (the transport in
 * api/: paginated LIST, WATCH with bookmarks, resume, relist on 410, back-off), one level-triggered
 * RoleWatch per namespace entry (2.2) turning cache changes into target groups with Prometheus's labels
 * (3-8). Reproduced: nothing is emitted until every awaited cache synced (2.5); the initial set holds one
 * group per listed object; later only changed groups go out; secondary changes re-emit the primary groups
 * that reference them; duplicated namespace entries each get their own watch (1.4).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { TargetGroup } from "../../model/target-group.js";
import { Mailbox } from "../mailbox.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { SERVICE_ACCOUNT_DIR } from "./api/client.js";
import type { KubernetesConfig } from "./config.js";
import { kubernetesMetrics } from "./metrics.js";
import { RoleWatch, type InformerSource } from "./role-watch.js";

export interface KubernetesDiscovererOptions {
  /** Opens the connection and returns where informers come from. Tests pass an in-memory source. */
  readonly connect: (config: KubernetesConfig, deps: DiscovererDeps, signal: AbortSignal) => Promise<InformerSource>;
  /** Directory of the service-account files (`namespace` for own_namespace). */
  readonly serviceAccountDir?: string;
}

export function createKubernetesDiscoverer(config: KubernetesConfig, deps: DiscovererDeps, options: KubernetesDiscovererOptions): Discoverer {
  return { discover: (signal) => discoverKubernetes(config, deps, options, signal) };
}

/** Spec 1.3/1.4: `names` then the own namespace, duplicates kept; none of them → one cluster-wide entry. */
export async function namespacesToWatch(config: KubernetesConfig, serviceAccountDir = SERVICE_ACCOUNT_DIR): Promise<(string | undefined)[]> {
  const { names, ownNamespace } = config.namespaces;
  if (names.length === 0 && !ownNamespace) return [undefined];
  const out: (string | undefined)[] = [...names];
  if (ownNamespace) {
    let own: string;
    try {
      own = await readFile(join(serviceAccountDir, "namespace"), "utf8");
    } catch (error) {
      throw new Error(`could not determine the pod's namespace: ${(error as Error).message}`, { cause: error });
    }
    // Used verbatim, without trimming, as Prometheus does.
    if (own === "") throw new Error("could not read own namespace name (empty file)");
    out.push(own);
  }
  return out;
}

async function* discoverKubernetes(config: KubernetesConfig, deps: DiscovererDeps, options: KubernetesDiscovererOptions, signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
  const metrics = kubernetesMetrics(deps.registry);
  let source: InformerSource;
  let namespaces: (string | undefined)[];
  try {
    namespaces = await namespacesToWatch(config, options.serviceAccountDir);
    source = await options.connect(config, deps, signal);
  } catch (error) {
    if (signal.aborted) return;
    // Prometheus does not retry a discoverer it could not create until the next reload (spec 1.3).
    deps.logger.error({ err: (error as Error).message }, "Cannot create service discovery");
    await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
    return;
  }
  const mailbox = new Mailbox();
  const watches = namespaces.map((namespace) => new RoleWatch({ role: config.role, config, namespace, metrics, onDirty: () => mailbox.wake() }));
  try {
    const started = await Promise.all(watches.map((w) => w.start(source, signal)));
    if (started.includes(false)) return;
    yield watches.flatMap((w) => w.drain(true));
    for (;;) {
      await mailbox.wait(signal, Number.POSITIVE_INFINITY);
      if (signal.aborted) return;
      const groups = watches.flatMap((w) => w.drain(false));
      if (groups.length > 0) yield groups;
    }
  } finally {
    for (const w of watches) w.stop();
  }
}
