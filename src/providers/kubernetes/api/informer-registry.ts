/**
 * Shared informers (kubernetes.md 2.1, issue 5 item 3): one list-watch per (resource, namespace, selectors,
 * decoder), shared by every role and job that asks for it, stopped when the last caller's signal aborts.
 * The cache holds only the decoded records; listeners are told about every change after the cache changed.
 */
import type { Registry } from "prom-client";
import type { Logger } from "../../../logging.js";
import { counter } from "../../../metrics/registry.js";
import { sleep as realSleep } from "../../polling.js";
import type { Backoff } from "./backoff.js";
import type { KubeClient } from "./client.js";
import { ListWatch } from "./list-watch.js";
import { objectKey, type Informer, type InformerEvent, type KubeObject, type ResourceRef } from "./types.js";

export interface InformerOptions<T extends KubeObject> {
  readonly resource: ResourceRef;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly decode: (raw: unknown) => T;
  /** Names the decoder: informers with different decoders for the same resource are separate. */
  readonly decoderId: string;
}

export interface InformerRegistryDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** Tests: fixed jitter, fake clock, own back-off. */
  readonly random?: () => number;
  readonly now?: () => number;
  readonly backoff?: () => Backoff;
  readonly pageSize?: number;
}

/** The cache and listener list behind one list-watch. */
export class SharedInformer<T extends KubeObject> implements Informer<T> {
  #store = new Map<string, T>();
  readonly #listeners = new Set<(event: InformerEvent<T>) => void>();
  readonly #syncWaiters = new Set<() => void>();
  readonly #logger: Logger;
  #hasSynced = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get hasSynced(): boolean {
    return this.#hasSynced;
  }

  get size(): number {
    return this.#store.size;
  }

  get(key: string): T | undefined {
    return this.#store.get(key);
  }

  list(): Iterable<T> {
    return this.#store.values();
  }

  waitForSync(signal: AbortSignal): Promise<boolean> {
    if (this.#hasSynced) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        this.#syncWaiters.delete(done);
        signal.removeEventListener("abort", aborted);
        resolve(true);
      };
      const aborted = (): void => {
        this.#syncWaiters.delete(done);
        resolve(false);
      };
      this.#syncWaiters.add(done);
      signal.addEventListener("abort", aborted, { once: true });
    });
  }

  subscribe(listener: (event: InformerEvent<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Swaps in a complete list. Objects that exist in both come as `update` (as client-go delivers a relist),
   * new ones as `add`, vanished ones as `delete`: never a delete followed by an add for the same object.
   */
  replace(items: Map<string, T>): void {
    const previous = this.#store;
    this.#store = items;
    for (const [key, object] of items) {
      const old = previous.get(key);
      this.#emit(old === undefined ? { type: "add", key, object } : { type: "update", key, object, old });
    }
    for (const [key, old] of previous) {
      if (!items.has(key)) this.#emit({ type: "delete", key, object: old });
    }
    if (!this.#hasSynced) {
      this.#hasSynced = true;
      for (const done of [...this.#syncWaiters]) done();
    }
  }

  apply(type: "ADDED" | "MODIFIED" | "DELETED", object: T): void {
    const key = objectKey(object.metadata);
    const old = this.#store.get(key);
    if (type === "DELETED") {
      if (old === undefined) return; // unknown to us: nothing to withdraw
      this.#store.delete(key);
      this.#emit({ type: "delete", key, object });
      return;
    }
    this.#store.set(key, object);
    this.#emit(old === undefined ? { type: "add", key, object } : { type: "update", key, object, old });
  }

  #emit(event: InformerEvent<T>): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not stop the watch for every other user of this informer.
        this.#logger.error({ err: error instanceof Error ? error.message : String(error), key: event.key }, "Kubernetes informer listener failed");
      }
    }
  }
}

interface Entry {
  readonly informer: SharedInformer<KubeObject>;
  readonly stop: AbortController;
  users: number;
}

export class InformerRegistry {
  readonly #client: KubeClient;
  readonly #deps: InformerRegistryDeps;
  readonly #entries = new Map<string, Entry>();
  readonly #running = new Set<Promise<void>>();

  constructor(client: KubeClient, deps: InformerRegistryDeps) {
    this.#client = client;
    this.#deps = deps;
  }

  /** Number of list-watch loops running (tests). */
  get activeCount(): number {
    return this.#entries.size;
  }

  /**
   * The shared informer for these options, started on first use. The caller's `signal` ends its use; the
   * list-watch stops when every caller's signal aborted.
   */
  informer<T extends KubeObject>(options: InformerOptions<T>, signal: AbortSignal): Informer<T> {
    const r = options.resource;
    const id = JSON.stringify([r.group, r.version, r.plural, r.namespace ?? null, options.labelSelector ?? "", options.fieldSelector ?? "", options.decoderId]);
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = this.#start(id, options);
      this.#entries.set(id, entry);
    }
    const current = entry;
    current.users++;
    const release = (): void => {
      current.users--;
      if (current.users === 0 && this.#entries.get(id) === current) {
        this.#entries.delete(id);
        current.stop.abort(new Error("no informer users left"));
      }
    };
    if (signal.aborted) queueMicrotask(release);
    else signal.addEventListener("abort", release, { once: true });
    // Safe: entries are keyed by decoderId, and one decoderId always names one decode function (one T).
    return current.informer as unknown as Informer<T>;
  }

  /** Stops every list-watch and waits for the loops to end; idempotent. */
  async close(): Promise<void> {
    for (const entry of this.#entries.values()) entry.stop.abort(new Error("informer registry closing"));
    this.#entries.clear();
    await Promise.allSettled([...this.#running]);
  }

  #start<T extends KubeObject>(id: string, options: InformerOptions<T>): Entry {
    const logger = this.#deps.logger.child({ resource: options.resource.plural, ...(options.resource.namespace !== undefined && { namespace: options.resource.namespace }) });
    const informer = new SharedInformer<T>(logger);
    const stop = new AbortController();
    const loop = new ListWatch<T>({
      client: this.#client,
      resource: options.resource,
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      decode: options.decode,
      key: (object) => objectKey(object.metadata),
      logger,
      failures: counter(this.#deps.registry, { name: "prometheus_sd_kubernetes_failures_total", help: "The number of failed WATCH/LIST requests." }),
      malformedLines: counter(this.#deps.registry, { name: "promsd_sd_kubernetes_watch_malformed_lines_total", help: "Watch lines that were not valid JSON events; each re-opens the watch." }),
      sleep: this.#deps.sleep ?? realSleep,
      ...(this.#deps.backoff && { backoff: this.#deps.backoff() }),
      ...(this.#deps.random && { random: this.#deps.random }),
      ...(this.#deps.now && { now: this.#deps.now }),
      ...(this.#deps.pageSize !== undefined && { pageSize: this.#deps.pageSize }),
    });
    const running = loop.run(informer, stop.signal).catch((error: unknown) => {
      logger.error({ err: error instanceof Error ? error.message : String(error), id }, "Kubernetes list-watch stopped by a bug");
    });
    this.#running.add(running);
    void running.finally(() => this.#running.delete(running));
    return { informer: informer as unknown as SharedInformer<KubeObject>, stop, users: 0 };
  }
}
