/**
 * Starts and stops discoverers (core.md 2.2, 2.5). One provider runs per distinct SD config, shared by every
 * job whose config is equal (identity: mechanism + canonical config key). The pool owns the discoverers'
 * lifecycles and reports what they yield through `PoolEvents`; the manager decides what that means for the
 * stored state, the metrics and the throttle.
 */
import type { Registry } from "prom-client";
import type { Logger } from "../logging.js";
import { emptyGroup, type TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import type { Discoverer, DiscovererDeps, ProviderDefinition, SdConfig } from "../providers/provider.js";
import { canonicalConfigKey } from "./config-key.js";
import { type ProviderError, ProviderErrors } from "./provider-errors.js";

export interface PoolJob {
  readonly jobName: string;
  readonly sdConfigs: readonly SdConfig[];
}

/** `created`: not started yet; `ended`: its iterable finished; `failed`: it threw (a provider bug). */
export type ProviderState = "created" | "running" | "ended" | "failed" | "stopped";

/** What the manager may read about a provider. */
export interface PoolProvider {
  /** `<mechanism>/<n>`, e.g. `file/3`. */
  readonly name: string;
  readonly mechanism: string;
  /** The parsed config the provider was created from. */
  readonly config: unknown;
  /** The job that caused its creation; its metrics carry this job as `config` (common.md 7.1). */
  readonly firstJob: string;
  /** Jobs subscribed since the last apply, in subscription order. */
  readonly subscribers: ReadonlySet<string>;
  readonly state: ProviderState;
  readonly hasInitialSet: boolean;
  readonly lastUpdateMs: number | undefined;
  readonly updatesReceived: number;
  /** Warnings and errors the provider logged (failed refreshes, bad files, …), and the latest one. */
  readonly errorCount: number;
  readonly lastError: ProviderError | undefined;
}

export interface PoolEvents {
  /** A provider yielded a list of groups (only while it is not stopped). */
  update(provider: PoolProvider, groups: readonly (TargetGroup | null | undefined)[]): void;
  /** A provider's iterable ended (`ended`) or threw (`failed`) on its own, not because it was stopped. */
  finished(provider: PoolProvider, outcome: "ended" | "failed"): void;
}

/** What an apply changed; the manager applies it to the stored state and the metrics before `startCreated`. */
export interface PoolChanges {
  readonly failedCount: number;
  /** Providers stopped because nobody subscribes any more, with the jobs that did. */
  readonly stopped: readonly { readonly provider: PoolProvider; readonly oldSubscribers: readonly string[] }[];
  /** Providers kept running, with the jobs that left and joined; `reference` is an old subscriber to copy from. */
  readonly kept: readonly {
    readonly provider: PoolProvider;
    readonly removed: readonly string[];
    readonly added: readonly string[];
    readonly reference: string | undefined;
  }[];
  readonly created: readonly PoolProvider[];
}

export interface ProviderPoolOptions {
  readonly definitions: readonly ProviderDefinition<unknown>[];
  readonly profile: Profile;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly fetch: typeof globalThis.fetch;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly now: () => number;
  readonly events: PoolEvents;
}

interface StaticGroups {
  readonly groups: readonly TargetGroup[];
}

/**
 * The implicit static config of a job without any provider (core.md 2.2): one empty group with source "".
 * Like Prometheus's static discoverer it sends its groups once and then ends.
 */
const implicitStatic: ProviderDefinition<StaticGroups> = {
  name: "static",
  configKey: "static_configs",
  parseConfig: () => {
    throw new Error("the implicit static config is never parsed");
  },
  createDiscoverer: (config) => ({
    async *discover(signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
      if (!signal.aborted) yield config.groups;
    },
  }),
};
const IMPLICIT_STATIC_CONFIG: StaticGroups = { groups: [emptyGroup("")] };

class ProviderEntry implements PoolProvider {
  subscribers = new Set<string>();
  newSubscribers = new Set<string>();
  state: ProviderState = "created";
  hasInitialSet = false;
  lastUpdateMs: number | undefined;
  updatesReceived = 0;
  readonly controller = new AbortController();

  constructor(
    readonly name: string,
    readonly mechanism: string,
    readonly key: string,
    readonly config: unknown,
    readonly firstJob: string,
    readonly discoverer: Discoverer,
    readonly logger: Logger,
    readonly errors: ProviderErrors,
  ) {}

  get errorCount(): number {
    return this.errors.count;
  }

  get lastError(): ProviderError | undefined {
    return this.errors.last;
  }
}

export class ProviderPool {
  readonly #options: ProviderPoolOptions;
  readonly #definitions = new Map<string, ProviderDefinition<unknown>>();
  /** Live providers (created, running, ended or failed), in creation order. */
  #entries: ProviderEntry[] = [];
  /** Consumer tasks still running, including those of stopped providers. */
  readonly #tasks = new Set<Promise<void>>();
  /** v3 names count over the pool's lifetime (core.md 2.2). */
  #lifetimeCount = 0;
  #closed = false;

  constructor(options: ProviderPoolOptions) {
    this.#options = options;
    for (const definition of options.definitions) {
      if (this.#definitions.has(definition.name)) throw new Error(`duplicate provider definition "${definition.name}"`);
      this.#definitions.set(definition.name, definition);
    }
  }

  providers(): readonly PoolProvider[] {
    return this.#entries;
  }

  /**
   * v3 `ApplyConfig` steps 1-2: subscribes every job to an equal running provider or a new one, then stops
   * providers nobody subscribes to. Unchanged providers keep running. Call `startCreated()` afterwards.
   */
  apply(jobs: readonly PoolJob[]): PoolChanges {
    this.#assertOpen();
    for (const entry of this.#entries) entry.newSubscribers = new Set();
    const created: ProviderEntry[] = [];
    const failedCount = this.#subscribeAll(jobs, created);
    const stopped: { provider: PoolProvider; oldSubscribers: string[] }[] = [];
    const kept: { provider: PoolProvider; removed: string[]; added: string[]; reference: string | undefined }[] = [];
    for (const entry of this.#entries) {
      const old = [...entry.subscribers];
      if (entry.newSubscribers.size === 0) {
        this.#stop(entry);
        stopped.push({ provider: entry, oldSubscribers: old });
        continue;
      }
      const removed = old.filter((job) => !entry.newSubscribers.has(job));
      const added = [...entry.newSubscribers].filter((job) => !entry.subscribers.has(job));
      kept.push({ provider: entry, removed, added, reference: old[0] });
      entry.subscribers = entry.newSubscribers;
    }
    for (const entry of created) entry.subscribers = entry.newSubscribers;
    this.#entries = [...this.#entries.filter((e) => e.state !== "stopped"), ...created];
    return { failedCount, stopped, kept, created };
  }

  /**
   * 2.42 `ApplyConfig`: stops every provider and creates all of them again (still sharing equal configs within
   * the new config). Call `startCreated()` afterwards.
   */
  replaceAll(jobs: readonly PoolJob[]): PoolChanges {
    this.#assertOpen();
    const stopped = this.#entries.map((entry) => {
      this.#stop(entry);
      return { provider: entry, oldSubscribers: [...entry.subscribers] };
    });
    this.#entries = [];
    const created: ProviderEntry[] = [];
    const failedCount = this.#subscribeAll(jobs, created);
    for (const entry of created) entry.subscribers = entry.newSubscribers;
    this.#entries = created;
    return { failedCount, stopped, kept: [], created };
  }

  /** Starts every provider that was created and not started yet (step 3 of the v3 algorithm). */
  startCreated(): void {
    for (const entry of this.#entries) {
      if (entry.state !== "created") continue;
      entry.state = "running";
      const task = this.#consume(entry);
      this.#tasks.add(task);
      void task.finally(() => this.#tasks.delete(task));
    }
  }

  /** Aborts every provider and waits until each consumer task has finished. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const entry of this.#entries) this.#stop(entry);
    this.#entries = [];
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  /** Returns the number of SD configs whose discoverer could not be created. */
  #subscribeAll(jobs: readonly PoolJob[], created: ProviderEntry[]): number {
    let failed = 0;
    for (const job of jobs) {
      let subscribed = false;
      for (const sd of job.sdConfigs) {
        const definition = this.#definitions.get(sd.provider);
        if (this.#subscribe(job.jobName, sd.provider, definition, sd.config, created)) subscribed = true;
        else failed++;
      }
      if (!subscribed) this.#subscribe(job.jobName, implicitStatic.name, implicitStatic, IMPLICIT_STATIC_CONFIG, created);
    }
    return failed;
  }

  #subscribe(
    job: string,
    mechanism: string,
    definition: ProviderDefinition<unknown> | undefined,
    config: unknown,
    created: ProviderEntry[],
  ): boolean {
    let key: string;
    try {
      key = `${mechanism}:${canonicalConfigKey(config)}`;
    } catch (error) {
      return this.#creationFailed(error, mechanism, job);
    }
    const existing = this.#entries.find((e) => e.key === key && e.state !== "stopped") ?? created.find((e) => e.key === key);
    if (existing !== undefined) {
      existing.newSubscribers.add(job);
      return true;
    }
    const name = `${mechanism}/${this.#options.profile === "v2.42" ? created.length : this.#lifetimeCount}`;
    const logger = this.#options.logger.child({ provider: name });
    const errors = new ProviderErrors(this.#options.now);
    let discoverer: Discoverer;
    try {
      if (definition === undefined) throw new Error(`unknown service discovery mechanism "${mechanism}"`);
      discoverer = definition.createDiscoverer(config, this.#deps(errors.watch(logger), job));
    } catch (error) {
      return this.#creationFailed(error, mechanism, job);
    }
    this.#lifetimeCount++;
    const entry = new ProviderEntry(name, mechanism, key, config, job, discoverer, logger, errors);
    entry.newSubscribers.add(job);
    created.push(entry);
    return true;
  }

  #creationFailed(error: unknown, mechanism: string, job: string): false {
    this.#options.logger.error({ err: error, type: mechanism, config: job }, "Cannot create service discovery");
    return false;
  }

  #deps(logger: Logger, job: string): DiscovererDeps {
    const { registry, fetch, sleep } = this.#options;
    // Prometheus names a provider's per-config metrics after the job that first instantiated it (common.md 7.1).
    return { logger, registry, fetch, sleep, jobNames: [job] };
  }

  async #consume(entry: ProviderEntry): Promise<void> {
    const signal = entry.controller.signal;
    try {
      for await (const groups of entry.discoverer.discover(signal)) {
        if (signal.aborted) return;
        entry.updatesReceived++;
        entry.hasInitialSet = true;
        entry.lastUpdateMs = this.#options.now();
        this.#options.events.update(entry, groups);
      }
      if (signal.aborted) return;
      entry.state = "ended";
      entry.logger.debug({}, "Discoverer channel closed");
      this.#options.events.finished(entry, "ended");
    } catch (error) {
      if (signal.aborted) return;
      // The Discoverer contract says transient failures are reported, never thrown; a throw is a bug in the
      // provider. Keep its last groups (the consumer keeps targets) and say so loudly.
      entry.state = "failed";
      entry.errors.record({ err: error }, "Discoverer failed unexpectedly");
      entry.logger.error({ err: error, mechanism: entry.mechanism }, "Discoverer failed unexpectedly (a bug in the provider): its last target groups are kept until its config changes");
      this.#options.events.finished(entry, "failed");
    }
  }

  #stop(entry: ProviderEntry): void {
    if (entry.state === "stopped") return;
    entry.state = "stopped";
    entry.controller.abort(new Error(`provider ${entry.name} stopped`));
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error("the discovery manager is closed");
  }
}
