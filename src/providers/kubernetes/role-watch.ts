/**
 * One role over one namespace entry (spec kubernetes.md 2.2): informer events only mark primary keys
 * dirty; `drain()` rebuilds each dirty key once from the caches as they are *now*, so a burst of events
 * costs one rebuild and a late event cannot revive a deleted object. Secondary caches (services, pods,
 * nodes, namespaces, replicasets, jobs) mark the primary keys that reference them, found through reverse
 * indexes. Only groups that differ from the last one emitted for their source go out: the last emitted group
 * is kept by reference (the manager holds the same object, so this costs a map entry, not a copy) and
 * compared label by label when its source is rebuilt. (An MD5 fingerprint per source was used before: hashing
 * the 100,000 groups of an initial set cost more CPU than building them.)
 */
import { emptyGroup, sameTargetGroup, type TargetGroup } from "../../model/target-group.js";
import type { Informer, InformerEvent, KubeObject, ResourceRef } from "./api/types.js";
import type { KubernetesConfig } from "./config.js";
import { roleQueueMetrics, type KubernetesMetrics, type RoleQueueMetrics } from "./metrics.js";
import type { EndpointSlice, Endpoints, MetaOnly, Node, Pod, Service } from "./objects.js";
import { RefIndex } from "./ref-index.js";
import { endpointsNodeRefs, endpointsPodRefs } from "./roles/endpoints.js";
import { endpointSliceNodeRefs, SERVICE_NAME_LABEL } from "./roles/endpointslice.js";
import { buildGroup, RESOURCES, SOURCE_PREFIX, type KubernetesRole, type ResourceKind } from "./roles/index.js";
import { controllerOf, type RoleCaches } from "./roles/labels.js";

export interface InformerOptions<T> {
  readonly resource: ResourceRef;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly decode: (raw: unknown) => T;
  readonly decoderId: string;
}

/** Where informers come from: the transport's InformerRegistry, or an in-memory fake in tests. */
export interface InformerSource {
  informer<T extends KubeObject>(options: InformerOptions<T>, signal: AbortSignal): Informer<T>;
}

type SelectorRole = KubernetesRole;
type Handler<T> = (event: InformerEvent<T>) => void;

export class RoleWatch {
  readonly #role: KubernetesRole;
  readonly #config: KubernetesConfig;
  /** undefined = all namespaces. */
  readonly #namespace: string | undefined;
  readonly #metrics: RoleQueueMetrics;
  readonly #onDirty: () => void;
  /** Dirty keys with the time they were queued (ms), in queue order. */
  readonly #dirty = new Map<string, number>();
  /** source → the last non-empty group emitted for it. */
  readonly #emitted = new Map<string, TargetGroup>();
  readonly #byNode = new RefIndex();
  readonly #byRef = new RefIndex();
  readonly #unsubscribes: (() => void)[] = [];
  #primary: Informer<KubeObject> | undefined;
  #caches: RoleCaches;

  constructor(options: { role: KubernetesRole; config: KubernetesConfig; namespace: string | undefined; metrics: KubernetesMetrics; onDirty: () => void }) {
    this.#role = options.role;
    this.#config = options.config;
    this.#namespace = options.namespace;
    this.#metrics = roleQueueMetrics(options.metrics, options.role);
    this.#onDirty = options.onDirty;
    this.#caches = { attach: options.config.attachMetadata };
  }

  /** Creates and subscribes the informers, then waits for the ones Prometheus waits for; false if aborted. */
  async start(source: InformerSource, signal: AbortSignal): Promise<boolean> {
    const awaited: Informer<KubeObject>[] = [];
    const open = <T extends KubeObject>(kind: ResourceKind<T>, selectorRole: SelectorRole | undefined, handler: Handler<T>, isAwaited = true): Informer<T> => {
      const selector = this.#config.selectors.find((s) => s.role === selectorRole);
      const resource: ResourceRef = kind.isClusterScoped || this.#namespace === undefined ? kind.resource : { ...kind.resource, namespace: this.#namespace };
      const informer = source.informer<T>({
        resource, decode: kind.decode, decoderId: kind.decoderId,
        ...(selector && selector.label !== "" ? { labelSelector: selector.label } : {}),
        ...(selector && selector.field !== "" ? { fieldSelector: selector.field } : {}),
      }, signal);
      this.#unsubscribes.push(informer.subscribe(handler));
      if (isAwaited) awaited.push(informer);
      return informer;
    };
    this.#openCaches(open);
    const results = await Promise.all(awaited.map((i) => i.waitForSync(signal)));
    if (signal.aborted || results.includes(false)) return false;
    this.#markAll([...(this.#primary?.list() ?? [])].map(keyOf));
    return true;
  }

  #openCaches(open: <T extends KubeObject>(kind: ResourceKind<T>, selectorRole: SelectorRole | undefined, handler: Handler<T>, isAwaited?: boolean) => Informer<T>): void {
    const role = this.#role;
    const attach = this.#config.attachMetadata;
    const caches: { -readonly [K in keyof RoleCaches]: RoleCaches[K] } = { attach };
    const usesPods = role === "pod" || role === "endpoints" || role === "endpointslice";
    // Primary first, so its informer exists before secondary handlers look at it.
    this.#primary = open<KubeObject>(RESOURCES[role] as ResourceKind<KubeObject>, role, (e) => this.#onPrimary(e));
    if (role === "endpoints" || role === "endpointslice") {
      caches.services = open<Service>(RESOURCES.service, "service", (e) => this.#onService(e));
      caches.pods = open<Pod>(RESOURCES.pod, "pod", (e) => this.#onPod(e));
    }
    if (usesPods && attach.node) caches.nodes = open<Node>(RESOURCES.node, role === "pod" ? "node" : undefined, (e) => this.#markAll(this.#byNode.keysFor(e.key)));
    if (role !== "node" && attach.namespace) caches.namespaces = open<MetaOnly>(RESOURCES.namespace, undefined, (e) => this.#onNamespace(e));
    // The endpoints roles start but do not wait for the workload caches (spec 2.2).
    const isWorkloadAwaited = role === "pod";
    if (usesPods && attach.deployment) caches.replicaSets = open<MetaOnly>(RESOURCES.replicaset, undefined, (e) => this.#onWorkload("ReplicaSet", e), isWorkloadAwaited);
    if (usesPods && (attach.job || attach.cronjob)) caches.jobs = open<MetaOnly>(RESOURCES.job, undefined, (e) => this.#onWorkload("Job", e), isWorkloadAwaited);
    this.#caches = caches;
  }

  #mark(key: string): void {
    this.#enqueue(key, performance.now());
    this.#onDirty();
  }

  #markAll(keys: Iterable<string>): void {
    const now = performance.now();
    let isAny = false;
    for (const key of keys) { this.#enqueue(key, now); isAny = true; }
    if (isAny) this.#onDirty();
  }

  /** Adds `key` unless it is already waiting (the queue de-duplicates, as client-go's does). */
  #enqueue(key: string, now: number): void {
    if (this.#dirty.has(key)) return;
    this.#dirty.set(key, now);
    this.#metrics.items.inc();
    this.#metrics.depth.set(this.#dirty.size);
  }

  #onPrimary(event: InformerEvent<KubeObject>): void {
    this.#metrics.events[this.#role][event.type].inc();
    if (event.type === "delete") {
      this.#byNode.delete(event.key);
      this.#byRef.delete(event.key);
    } else {
      this.#index(event.key, event.object);
    }
    this.#mark(event.key);
  }

  /** Keeps the reverse indexes that secondary triggers use (spec 5.1, 6.1, 7.1). */
  #index(key: string, object: KubeObject): void {
    const attach = this.#config.attachMetadata;
    switch (this.#role) {
      case "pod": {
        const pod = object as Pod;
        if (attach.node) this.#byNode.set(key, [pod.nodeName]);
        const controller = attach.deployment || attach.job || attach.cronjob ? controllerOf(pod.metadata) : undefined;
        if (controller !== undefined && (controller.kind === "ReplicaSet" || controller.kind === "Job")) {
          this.#byRef.set(key, [`${controller.kind}/${pod.metadata.namespace}/${controller.name}`]);
        } else this.#byRef.delete(key);
        return;
      }
      case "endpoints": {
        const eps = object as Endpoints;
        if (attach.node) this.#byNode.set(key, endpointsNodeRefs(eps));
        this.#byRef.set(key, endpointsPodRefs(eps));
        return;
      }
      case "endpointslice": {
        const slice = object as EndpointSlice;
        if (attach.node) this.#byNode.set(key, endpointSliceNodeRefs(slice));
        const serviceName = slice.metadata.labels[SERVICE_NAME_LABEL];
        this.#byRef.set(key, serviceName === undefined ? [] : [`${slice.metadata.namespace}/${serviceName}`]);
        return;
      }
      default:
        return;
    }
  }

  #onService(event: InformerEvent<Service>): void {
    this.#metrics.events.service[event.type].inc();
    if (this.#role === "endpoints") {
      if (this.#primary?.get(event.key) !== undefined) this.#mark(event.key);
    } else {
      this.#markAll(this.#byRef.keysFor(event.key));
    }
  }

  #onPod(event: InformerEvent<Pod>): void {
    // Endpoints only: every pod update is counted, and a phase change re-evaluates the Endpoints objects
    // listing the pod under `addresses` (2.51+). The endpointslice role ignores pod events (spec 7.1).
    if (this.#role !== "endpoints" || event.type !== "update") return;
    this.#metrics.events.pod.update.inc();
    if (event.old !== undefined && event.old.phase !== event.object.phase) this.#markAll(this.#byRef.keysFor(event.key));
  }

  #onNamespace(event: InformerEvent<MetaOnly>): void {
    if (event.type !== "update") return;
    const namespace = event.object.metadata.name;
    const keys: string[] = [];
    for (const object of this.#primary?.list() ?? []) if (object.metadata.namespace === namespace) keys.push(keyOf(object));
    this.#markAll(keys);
  }

  #onWorkload(kind: "ReplicaSet" | "Job", event: InformerEvent<MetaOnly>): void {
    // ReplicaSet/Job changes re-trigger only the pod role (spec 2.6.6).
    if (this.#role !== "pod") return;
    const { namespace, name } = event.object.metadata;
    this.#markAll(this.#byRef.keysFor(`${kind}/${namespace}/${name}`));
  }

  /**
   * Rebuilds every dirty key and returns the groups that changed. `isInitial` also emits clearing groups
   * for objects never emitted (Prometheus emits one per listed object, spec 2.2).
   */
  drain(isInitial: boolean): TargetGroup[] {
    const out: TargetGroup[] = [];
    const { latency, workDuration } = this.#metrics;
    for (const [key, queuedAt] of this.#dirty) {
      const started = performance.now();
      latency.observe((started - queuedAt) / 1000);
      const group = this.#process(key, isInitial);
      if (group !== undefined) out.push(group);
      workDuration.observe((performance.now() - started) / 1000);
    }
    this.#dirty.clear();
    this.#metrics.depth.set(0);
    return out;
  }

  /** Rebuilds one key; returns the group to emit, or undefined when nothing changed. */
  #process(key: string, isInitial: boolean): TargetGroup | undefined {
    const source = `${SOURCE_PREFIX[this.#role]}/${key}`;
    const object = this.#primary?.get(key);
    const group = object === undefined ? emptyGroup(source) : buildGroup(this.#role, object, this.#caches);
    if (group === undefined) return undefined; // a node without address: emit nothing, the old group stays
    if (group.targets.length === 0 && Object.keys(group.labels).length === 0) {
      // A clearing group: remember nothing for the source, so memory follows live sources only.
      return this.#emitted.delete(source) || isInitial ? group : undefined;
    }
    const previous = this.#emitted.get(source);
    if (previous !== undefined && sameTargetGroup(previous, group)) return undefined;
    this.#emitted.set(source, group);
    return group;
  }

  get hasDirty(): boolean {
    return this.#dirty.size > 0;
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribes.splice(0)) unsubscribe();
  }
}


function keyOf(object: KubeObject): string {
  const { namespace, name } = object.metadata;
  return namespace === "" ? name : `${namespace}/${name}`;
}
