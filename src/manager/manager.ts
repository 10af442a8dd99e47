/**
 * The discovery manager (core.md 2): turns "for each job, its SD configs" into snapshots "for each job, all
 * current target groups". Thin wiring (STYLE 2.6): ProviderPool runs discoverers, TargetStore holds their
 * groups, Throttle decides when a snapshot goes out, ManagerMetrics counts.
 */
import type { Registry } from "prom-client";
import type { Logger } from "../logging.js";
import type { TargetGroup } from "../model/target-group.js";
import { DEFAULT_PROFILE, type Profile } from "../profile.js";
import { sleep as defaultSleep } from "../providers/polling.js";
import type { ProviderDefinition, SdConfig } from "../providers/provider.js";
import { ManagerMetrics } from "./manager-metrics.js";
import type { ProviderError } from "./provider-errors.js";
import { type PoolChanges, type PoolProvider, type ProviderState, ProviderPool } from "./provider-pool.js";
import type { DiscoverySnapshot } from "./snapshot.js";
import { type Snapshot, TargetStore } from "./target-store.js";
import { type Clock, systemClock, Throttle } from "./throttle.js";

export interface ManagerOptions {
  readonly providers: readonly ProviderDefinition<unknown>[];
  readonly logger: Logger;
  readonly registry: Registry;
  /** Upper bound of the send backoff (v3) or the send ticker period (v2.42); 0 sends at once. Default 5000. */
  readonly updateIntervalMs?: number;
  readonly profile?: Profile;
  readonly fetch?: typeof globalThis.fetch;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** `ready` resolves at the latest this long after the first `applyConfig`. Default 30 000. */
  readonly initialTimeoutMs?: number;
  /** Time and timers of the throttle and the `ready` timeout; tests pass a fake. */
  readonly clock?: Clock;
  /** The `name` label of the manager's metrics. Default "scrape". */
  readonly metricsName?: string;
}

export interface ManagerJob {
  readonly jobName: string;
  readonly sdConfigs: readonly SdConfig[];
}

/** One running provider, for the UI and the API. */
export interface ProviderStatus {
  readonly name: string;
  readonly mechanism: string;
  /** Subscribed job names. */
  readonly jobs: readonly string[];
  /** The parsed config; `Secret` values print as `<secret>`. */
  readonly config: unknown;
  readonly state: ProviderState;
  readonly hasInitialSet: boolean;
  /** Still expected to deliver its initial set (running or created, nothing delivered): its jobs answer 503. */
  readonly isWaiting: boolean;
  readonly lastUpdateMs?: number;
  readonly updatesReceived: number;
  readonly groupCount: number;
  readonly targetCount: number;
  /** Warnings and errors the provider logged; the latest with its time (absent when none). */
  readonly errorCount: number;
  readonly lastError?: ProviderError;
}

/** Gets each snapshot sent; `snapshot.changes` tells what differs from the one before (see snapshot.ts). */
export type SnapshotListener = (snapshot: DiscoverySnapshot) => void;

export const DEFAULT_UPDATE_INTERVAL_MS = 5000;
export const DEFAULT_INITIAL_TIMEOUT_MS = 30_000;

export class DiscoveryManager {
  /** Every provider delivered its initial set (or ended, or failed), or `initialTimeoutMs` passed. */
  readonly ready: Promise<void>;
  readonly #profile: Profile;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #initialTimeoutMs: number;
  readonly #metrics: ManagerMetrics;
  readonly #store: TargetStore;
  readonly #pool: ProviderPool;
  readonly #throttle: Throttle;
  /** Listener → removes its abort handler. */
  readonly #listeners = new Map<SnapshotListener, () => void>();
  #resolveReady: () => void = () => {};
  #isReady = false;
  #readyTimer: { handle: unknown } | undefined;
  #applied = false;
  /** A snapshot was built while nobody listened; the first subscriber gets one. */
  #undelivered = false;
  #closed: Promise<void> | undefined;

  constructor(options: ManagerOptions) {
    this.#profile = options.profile ?? DEFAULT_PROFILE;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#initialTimeoutMs = options.initialTimeoutMs ?? DEFAULT_INITIAL_TIMEOUT_MS;
    this.ready = new Promise((resolve) => (this.#resolveReady = resolve));
    this.#metrics = new ManagerMetrics(options.registry, { name: options.metricsName ?? "scrape", profile: this.#profile });
    this.#store = new TargetStore({ profile: this.#profile });
    this.#pool = new ProviderPool({
      definitions: options.providers,
      profile: this.#profile,
      logger: options.logger,
      registry: options.registry,
      fetch: options.fetch ?? globalThis.fetch,
      sleep: options.sleep ?? defaultSleep,
      now: () => this.#clock.now(),
      events: {
        update: (provider, groups) => this.#onUpdate(provider, groups),
        finished: (provider, outcome) => this.#onFinished(provider, outcome),
      },
    });
    this.#throttle = new Throttle({
      intervalMs: options.updateIntervalMs ?? DEFAULT_UPDATE_INTERVAL_MS,
      // 2.42 (and 3.0-3.11) send on a fixed ticker; 3.12+ back off (core.md 2.6).
      mode: this.#profile === "v2.42" ? "ticker" : "backoff",
      send: () => this.#send(),
      clock: this.#clock,
    });
  }

  /**
   * Applies the SD configs of a (re)loaded config: v3 keeps equal providers running (core.md 2.5), v2.42
   * restarts all of them. Throws when the manager is closed.
   */
  applyConfig(jobs: readonly ManagerJob[]): void {
    if (this.#profile === "v2.42") this.#applyLegacy(jobs);
    else this.#applyV3(jobs);
    this.#applied = true;
    this.#throttle.start();
    this.#armReadyTimeout();
    this.#checkReady();
  }

  /**
   * Calls `listener` with every snapshot sent from now on, until `signal` aborts. Listeners run synchronously
   * and must not throw (a throw is logged). If a snapshot went out while nobody listened, one is sent soon.
   */
  subscribe(listener: SnapshotListener, signal: AbortSignal): void {
    if (signal.aborted || this.#closed !== undefined) return;
    // Wrap so that subscribing the same function twice gives two independent subscriptions.
    const entry: SnapshotListener = (snapshot) => listener(snapshot);
    const onAbort = (): void => void this.#listeners.delete(entry);
    signal.addEventListener("abort", onAbort, { once: true });
    this.#listeners.set(entry, () => signal.removeEventListener("abort", onAbort));
    if (this.#undelivered) this.#throttle.notify();
  }

  /** The snapshot that would be sent now (does not touch the metrics). */
  currentSnapshot(): Snapshot {
    return this.#store.snapshot(this.#subscriptions());
  }

  /**
   * The providers of `job` that have not delivered their initial set yet, now (the snapshot sent last may be
   * older); undefined when the job is not configured. Waits last as long as the provider needs, also after
   * `initialTimeoutMs`: `ready` stops waiting, the job's consumers must not.
   */
  waitingProviders(job: string): readonly string[] | undefined {
    let isKnown = false;
    const waiting: string[] = [];
    for (const p of this.#pool.providers()) {
      if (!p.subscribers.has(job)) continue;
      isKnown = true;
      if (isWaiting(p)) waiting.push(p.name);
    }
    return isKnown ? waiting : undefined;
  }

  providerStatuses(): ProviderStatus[] {
    return this.#pool.providers().map((p) => {
      const jobs = [...p.subscribers];
      const first = jobs[0];
      return {
        name: p.name,
        mechanism: p.mechanism,
        jobs,
        config: p.config,
        state: p.state,
        hasInitialSet: p.hasInitialSet,
        isWaiting: isWaiting(p),
        ...(p.lastUpdateMs === undefined ? {} : { lastUpdateMs: p.lastUpdateMs }),
        updatesReceived: p.updatesReceived,
        groupCount: first === undefined ? 0 : this.#store.groupCount(first, p.name),
        targetCount: first === undefined ? 0 : this.#store.targetCount(first, p.name),
        errorCount: p.errorCount,
        ...(p.lastError === undefined ? {} : { lastError: p.lastError }),
      };
    });
  }

  /** Stops every provider and timer and waits for the providers' tasks. Idempotent. */
  close(): Promise<void> {
    return (this.#closed ??= this.#shutDown());
  }

  async #shutDown(): Promise<void> {
    this.#throttle.close();
    for (const removeAbortHandler of this.#listeners.values()) removeAbortHandler();
    this.#listeners.clear();
    this.#markReady();
    await this.#pool.close();
  }

  #applyV3(jobs: readonly ManagerJob[]): void {
    const changes = this.#pool.apply(jobs);
    this.#metrics.setFailedConfigs(changes.failedCount);
    for (const { provider, oldSubscribers } of changes.stopped) {
      for (const job of oldSubscribers) this.#forget(job, provider.name);
      this.#deleteRefreshSeries(provider);
    }
    for (const { provider, removed } of changes.kept) {
      for (const job of removed) this.#forget(job, provider.name);
    }
    for (const { provider, added, reference } of changes.kept) {
      for (const job of added) {
        this.#metrics.resetJob(job);
        // The provider is not restarted, so the new subscriber starts from a copy of what it already sent.
        if (reference !== undefined) this.#store.copyGroups(provider.name, reference, job);
      }
    }
    for (const provider of changes.created) for (const job of provider.subscribers) this.#metrics.resetJob(job);
    this.#logChanges(changes);
    this.#pool.startCreated();
    // Let the consumer drop targets of stopped providers as soon as possible (core.md 2.5 step 4).
    if (this.#pool.providers().length > 0) this.#throttle.notify();
  }

  #applyLegacy(jobs: readonly ManagerJob[]): void {
    const names = new Set(jobs.map((j) => j.jobName));
    for (const job of this.#store.jobs()) if (!names.has(job)) this.#metrics.deleteJob(job);
    const changes = this.#pool.replaceAll(jobs);
    this.#store.clear();
    for (const job of names) this.#metrics.resetJob(job);
    this.#metrics.setFailedConfigs(changes.failedCount);
    this.#logChanges(changes);
    // 2.42 requests no send here: the next snapshot leaves when providers report.
    this.#pool.startCreated();
  }

  #forget(job: string, provider: string): void {
    this.#store.delete(job, provider);
    this.#metrics.deleteJob(job);
  }

  /** Unless a provider still running was created for the same job and mechanism, which shares the series. */
  #deleteRefreshSeries(stopped: PoolProvider): void {
    const live = this.#pool.providers();
    if (live.some((p) => p.mechanism === stopped.mechanism && p.firstJob === stopped.firstJob)) return;
    this.#metrics.deleteRefreshSeries(stopped.mechanism, stopped.firstJob);
  }

  #logChanges(changes: PoolChanges): void {
    for (const { provider } of changes.stopped) this.#logger.debug({ provider: provider.name }, "Stopping provider");
    for (const provider of changes.created) {
      this.#logger.debug({ provider: provider.name, subs: [...provider.subscribers].join(",") }, "Starting provider");
    }
  }

  #onUpdate(provider: PoolProvider, groups: readonly (TargetGroup | null | undefined)[]): void {
    this.#metrics.receivedUpdate();
    for (const job of provider.subscribers) this.#store.applyUpdate(job, provider.name, groups);
    this.#throttle.notify();
    this.#checkReady();
  }

  #onFinished(_provider: PoolProvider, outcome: "ended" | "failed"): void {
    // Prometheus counts the close of a provider's channel as a received update.
    if (outcome === "ended") this.#metrics.receivedUpdate();
    this.#checkReady();
  }

  #send(): boolean {
    this.#metrics.sendAttempted();
    const snapshot = this.#store.takeSnapshot(this.#subscriptions());
    const nowMs = this.#clock.now();
    for (const job of snapshot.keys()) this.#metrics.jobInSnapshot(job, snapshot.job(job)?.targetCount ?? 0, nowMs);
    // Nobody listens: nothing to deliver to, and nothing to retry until someone subscribes.
    this.#undelivered = this.#listeners.size === 0;
    for (const listener of [...this.#listeners.keys()]) {
      try {
        listener(snapshot);
      } catch (error) {
        this.#logger.error({ err: error }, "Discovery snapshot listener failed");
      }
    }
    return true;
  }

  #subscriptions(): { provider: string; jobs: Iterable<string>; isWaiting: boolean }[] {
    return this.#pool.providers().map((p) => ({ provider: p.name, jobs: p.subscribers, isWaiting: isWaiting(p) }));
  }

  #checkReady(): void {
    if (this.#isReady || !this.#applied) return;
    if (!this.#pool.providers().some(isWaiting)) this.#markReady();
  }

  #armReadyTimeout(): void {
    if (this.#isReady || this.#readyTimer !== undefined) return;
    this.#readyTimer = {
      handle: this.#clock.setTimeout(() => {
        this.#readyTimer = undefined;
        this.#logger.warn({ timeoutMs: this.#initialTimeoutMs }, "Not every service discovery provider delivered its initial targets in time");
        this.#markReady();
      }, this.#initialTimeoutMs),
    };
  }

  #markReady(): void {
    if (this.#readyTimer !== undefined) this.#clock.clearTimeout(this.#readyTimer.handle);
    this.#readyTimer = undefined;
    if (this.#isReady) return;
    this.#isReady = true;
    this.#resolveReady();
  }
}

/** A provider that has not delivered its initial set and still may (one that ended or failed never will). */
function isWaiting(provider: PoolProvider): boolean {
  return !provider.hasInitialSet && (provider.state === "running" || provider.state === "created");
}
