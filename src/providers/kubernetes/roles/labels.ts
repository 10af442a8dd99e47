/**
 * The label builders every role shares (spec kubernetes.md 2.6): sanitised object metadata, namespace and
 * node metadata blocks, the pod block with workload names, and the container labels. Label names built
 * from foreign keys are memoised, since 100,000 pods repeat the same few dozen keys.
 */
import { intern, type Container, type ContainerPort, type Meta, type MetaOnly, type Node, type Pod, type Service } from "../objects.js";

export const META = "__meta_kubernetes_";
export const NAMESPACE_LABEL = "__meta_kubernetes_namespace";

/** A cache lookup by key (`<ns>/<name>` or `<name>`); an Informer satisfies it. */
export interface Lookup<T> {
  get(key: string): T | undefined;
}

export interface AttachMetadata {
  readonly node: boolean;
  readonly namespace: boolean;
  readonly deployment: boolean;
  readonly job: boolean;
  readonly cronjob: boolean;
}

/** What a role may look up while building a group; caches a configuration does not enable are undefined. */
export interface RoleCaches {
  readonly attach: AttachMetadata;
  readonly pods?: Lookup<Pod> | undefined;
  readonly services?: Lookup<Service> | undefined;
  readonly nodes?: Lookup<Node> | undefined;
  readonly namespaces?: Lookup<MetaOnly> | undefined;
  readonly replicaSets?: Lookup<MetaOnly> | undefined;
  readonly jobs?: Lookup<MetaOnly> | undefined;
}

export type Labels = Record<string, string>;

/** Spec 2.6.1: every code point outside [A-Za-z0-9_] becomes one `_` (astral characters included, hence `u`). */
export function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/gu, "_");
}

const NAME_CACHE_LIMIT = 100_000;
const nameCaches = new Map<string, Map<string, string>>();

/** `prefix + sanitize(key)`, memoised per prefix and interned. */
export function labelName(prefix: string, key: string): string {
  let cache = nameCaches.get(prefix);
  if (cache === undefined) nameCaches.set(prefix, (cache = new Map()));
  let name = cache.get(key);
  if (name === undefined) {
    if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
    name = intern(prefix + sanitize(key));
    cache.set(key, name);
  }
  return name;
}

type NamePair = readonly [value: string, present: string];
const pairCaches = new Map<string, Map<string, NamePair>>();

function pairCache(kind: string, what: "label" | "annotation"): Map<string, NamePair> {
  const id = `${kind}_${what}`;
  let cache = pairCaches.get(id);
  if (cache === undefined) pairCaches.set(id, (cache = new Map()));
  else if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
  return cache;
}

/** Writes `<kind>_<what>_<key>` = value and `<kind>_<what>present_<key>` = "true" for every entry. */
function addPairs(out: Labels, kind: string, what: "label" | "annotation", entries: Readonly<Record<string, string>>): void {
  let cache: Map<string, NamePair> | undefined;
  for (const key in entries) {
    cache ??= pairCache(kind, what);
    let pair = cache.get(key);
    if (pair === undefined) {
      const sanitized = sanitize(key);
      pair = [intern(`${META}${kind}_${what}_${sanitized}`), intern(`${META}${kind}_${what}present_${sanitized}`)];
      cache.set(key, pair);
    }
    out[pair[0]] = entries[key] ?? "";
    out[pair[1]] = "true";
  }
}

/**
 * label/labelpresent/annotation/annotationpresent labels of one object. Keys that collide after
 * sanitising are resolved by iteration order (the object's own key order), which is deterministic for a
 * given input; Prometheus picks arbitrarily (spec 2.6.1).
 */
export function addLabelsAndAnnotations(out: Labels, kind: string, meta: Meta): void {
  addPairs(out, kind, "label", meta.labels);
  addPairs(out, kind, "annotation", meta.annotations);
}

/** Spec 2.6.2 `meta(<kind>, object)`. */
export function addObjectMeta(out: Labels, kind: string, meta: Meta): void {
  out[`${META}${kind}_name`] = meta.name;
  addLabelsAndAnnotations(out, kind, meta);
}

/** Spec 2.6.3 `nsmeta(namespace)`: only when enabled and the namespace is cached; no `_name` label. */
export function addNamespaceMeta(out: Labels, namespace: string, caches: RoleCaches): void {
  if (!caches.attach.namespace) return;
  const ns = caches.namespaces?.get(namespace);
  if (ns !== undefined) addLabelsAndAnnotations(out, "namespace", ns.metadata);
}

/** Spec 2.6.4 `nodemeta(nodeName)`: name, labels and annotations when enabled and cached. */
export function addNodeMeta(out: Labels, nodeName: string | undefined, caches: RoleCaches): void {
  if (!caches.attach.node || nodeName === undefined || nodeName === "") return;
  const node = caches.nodes?.get(nodeName);
  if (node !== undefined) addObjectMeta(out, "node", node.metadata);
}

/** The first owner reference with `controller: true` (spec 2.6.5). */
export function controllerOf(meta: Meta): { kind: string; name: string } | undefined {
  return meta.ownerReferences.find((o) => o.controller);
}

/** Spec 2.6.5 `podmeta(pod)` including the workload names of 2.6.6. */
export function addPodMeta(out: Labels, pod: Pod, caches: RoleCaches): void {
  const m = pod.metadata;
  out["__meta_kubernetes_pod_name"] = m.name;
  out["__meta_kubernetes_pod_ip"] = pod.podIP;
  out["__meta_kubernetes_pod_ready"] = pod.ready;
  out["__meta_kubernetes_pod_phase"] = pod.phase;
  out["__meta_kubernetes_pod_node_name"] = pod.nodeName;
  out["__meta_kubernetes_pod_host_ip"] = pod.hostIP;
  out["__meta_kubernetes_pod_uid"] = m.uid;
  addLabelsAndAnnotations(out, "pod", m);
  const controller = controllerOf(m);
  if (controller === undefined) return;
  if (controller.kind !== "") out["__meta_kubernetes_pod_controller_kind"] = controller.kind;
  if (controller.name !== "") out["__meta_kubernetes_pod_controller_name"] = controller.name;
  addWorkloadNames(out, m.namespace, controller, caches);
}

function addWorkloadNames(out: Labels, namespace: string, controller: { kind: string; name: string }, caches: RoleCaches): void {
  const { attach } = caches;
  if (attach.deployment && controller.kind === "ReplicaSet") {
    const owner = ownerOf(caches.replicaSets, namespace, controller.name);
    if (owner?.kind === "Deployment") out["__meta_kubernetes_pod_deployment_name"] = owner.name;
  }
  if (controller.kind !== "Job") return;
  if (attach.job) out["__meta_kubernetes_pod_job_name"] = controller.name;
  if (attach.cronjob) {
    const owner = ownerOf(caches.jobs, namespace, controller.name);
    if (owner?.kind === "CronJob") out["__meta_kubernetes_pod_cronjob_name"] = owner.name;
  }
}

function ownerOf(cache: Lookup<MetaOnly> | undefined, namespace: string, name: string): { kind: string; name: string } | undefined {
  const object = cache?.get(`${namespace}/${name}`);
  return object === undefined ? undefined : controllerOf(object.metadata);
}

/** Container name/image/init labels (no id: only the pod role sets it). */
export function addContainerLabels(out: Labels, container: Container): void {
  out["__meta_kubernetes_pod_container_name"] = container.name;
  out["__meta_kubernetes_pod_container_image"] = container.image;
  out["__meta_kubernetes_pod_container_init"] = container.isInit ? "true" : "false";
}

export function addContainerPortLabels(out: Labels, port: ContainerPort, protocol: string): void {
  out["__meta_kubernetes_pod_container_port_name"] = port.name;
  out["__meta_kubernetes_pod_container_port_number"] = String(port.containerPort);
  out["__meta_kubernetes_pod_container_port_protocol"] = protocol;
}

/**
 * The container port an endpoint port number maps to (spec 6.3): per container the first port with that
 * number; the walk goes on, so the last matching container in pod order wins.
 */
export function findContainerPort(pod: Pod, portNumber: number): { container: Container; port: ContainerPort } | undefined {
  let found: { container: Container; port: ContainerPort } | undefined;
  for (const container of pod.containers) {
    const port = container.ports.find((p) => p.containerPort === portNumber);
    if (port !== undefined) found = { container, port };
  }
  return found;
}

/** Resolves an address's pod reference in the pod cache (a reference without namespace never resolves). */
export function referencedPod(ref: { kind: string; name: string; namespace: string } | undefined, caches: RoleCaches): Pod | undefined {
  if (ref === undefined || ref.kind !== "Pod" || ref.namespace === "") return undefined;
  return caches.pods?.get(`${ref.namespace}/${ref.name}`);
}
