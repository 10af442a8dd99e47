/**
 * An in-memory stand-in for the list-watch transport (test support, left out of the build): objects are
 * stored raw per resource, informers decode them and deliver add/update/delete events synchronously, and
 * a test decides when an informer counts as synced.
 */
import type { Informer, InformerEvent, KubeObject } from "./api/types.js";
import type { InformerOptions, InformerSource } from "./role-watch.js";

const PLURALS: Readonly<Record<string, string>> = {
  Node: "nodes", Namespace: "namespaces", Pod: "pods", Service: "services", Endpoints: "endpoints",
  EndpointSlice: "endpointslices", Ingress: "ingresses", ReplicaSet: "replicasets", Job: "jobs",
};

interface RawMeta { name: string; namespace: string; labels: Record<string, string> }

function rawMeta(raw: unknown): RawMeta {
  // Test input is trusted manifest data; missing fields read as empty.
  const m = ((raw as { metadata?: Partial<RawMeta> }).metadata ?? {});
  return { name: m.name ?? "", namespace: m.namespace ?? "", labels: m.labels ?? {} };
}

export function pluralOf(raw: unknown): string {
  const kind = (raw as { kind?: string }).kind ?? "";
  const plural = PLURALS[kind];
  if (plural === undefined) throw new Error(`fake informers: unknown kind ${JSON.stringify(kind)}`);
  return plural;
}

function keyOf(meta: { name: string; namespace: string }): string {
  return meta.namespace === "" ? meta.name : `${meta.namespace}/${meta.name}`;
}

/** Only `k=v` terms (enough for the tests that narrow a cache). */
function matchesLabels(selector: string | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined || selector === "") return true;
  return selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return v === undefined ? k !== undefined && k in labels : labels[k ?? ""] === v;
  });
}

class MemoryInformer<T extends KubeObject> implements Informer<T> {
  readonly items = new Map<string, T>();
  readonly #listeners = new Set<(event: InformerEvent<T>) => void>();
  readonly #syncWaiters: (() => void)[] = [];
  hasSynced = false;

  constructor(readonly options: InformerOptions<T>) {}

  accepts(plural: string, meta: RawMeta): boolean {
    const { resource, labelSelector } = this.options;
    if (resource.plural !== plural) return false;
    if (resource.namespace !== undefined && resource.namespace !== meta.namespace) return false;
    return matchesLabels(labelSelector, meta.labels);
  }

  apply(type: "upsert" | "delete", raw: unknown): void {
    const key = keyOf(rawMeta(raw));
    const old = this.items.get(key);
    if (type === "delete") {
      if (old === undefined) return;
      this.items.delete(key);
      this.#emit({ type: "delete", key, object: old });
      return;
    }
    const object = this.options.decode(raw);
    this.items.set(key, object);
    this.#emit(old === undefined ? { type: "add", key, object } : { type: "update", key, object, old });
  }

  #emit(event: InformerEvent<T>): void {
    for (const listener of this.#listeners) listener(event);
  }

  markSynced(): void {
    this.hasSynced = true;
    for (const resolve of this.#syncWaiters.splice(0)) resolve();
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }
  list(): Iterable<T> {
    return this.items.values();
  }
  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.hasSynced) return Promise.resolve(true);
    return new Promise((resolve) => {
      const onAbort = () => resolve(false);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#syncWaiters.push(() => { signal.removeEventListener("abort", onAbort); resolve(true); });
    });
  }
  subscribe(listener: (event: InformerEvent<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export class FakeCluster implements InformerSource {
  readonly #objects = new Map<string, Map<string, unknown>>();
  readonly #informers: MemoryInformer<KubeObject>[] = [];
  /** Resources whose informers never sync (an RBAC 403 or a rejected field selector). */
  readonly unsyncable = new Set<string>();
  /** Informer requests, for assertions on selectors and namespaces. */
  readonly requests: InformerOptions<unknown>[] = [];

  constructor(objects: readonly unknown[] = []) {
    for (const raw of objects) this.upsert(raw);
  }

  upsert(raw: unknown): void {
    const plural = pluralOf(raw);
    const meta = rawMeta(raw);
    let store = this.#objects.get(plural);
    if (store === undefined) this.#objects.set(plural, (store = new Map()));
    const key = keyOf(meta);
    const wasPresent = store.has(key);
    store.set(key, raw);
    for (const informer of this.#informers) {
      if (informer.accepts(plural, meta)) informer.apply("upsert", raw);
      else if (wasPresent && informer.options.resource.plural === plural && informer.items.has(key)) informer.apply("delete", raw);
    }
  }

  delete(kind: string, namespace: string, name: string): void {
    const raw = { kind, metadata: { name, namespace } };
    const plural = pluralOf(raw);
    this.#objects.get(plural)?.delete(keyOf({ name, namespace }));
    for (const informer of this.#informers) if (informer.options.resource.plural === plural) informer.apply("delete", raw);
  }

  informer<T extends KubeObject>(options: InformerOptions<T>): Informer<T> {
    this.requests.push(options);
    const informer = new MemoryInformer<T>(options);
    // The initial list arrives after the caller subscribed, as with a real informer.
    queueMicrotask(() => {
      if (this.unsyncable.has(options.resource.plural)) return;
      for (const raw of this.#objects.get(options.resource.plural)?.values() ?? []) {
        if (informer.accepts(options.resource.plural, rawMeta(raw))) informer.apply("upsert", raw);
      }
      informer.markSynced();
    });
    // Informers of different T share one list; each only ever sees its own decoder's objects.
    this.#informers.push(informer as unknown as MemoryInformer<KubeObject>);
    return informer;
  }
}
