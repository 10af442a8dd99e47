/**
 * The scrape side of discovery (spec core.md 2.6, 4): takes the manager's snapshots, rebuilds the targets of
 * each job on its own reload ticker (`--scrape.discovery-reload-interval`, default 5 s) and serves them as a
 * read-only `TargetsView` to the outputs.
 *
 * Reproduced from Prometheus's scrape manager: only the latest snapshot is kept and it is processed at the
 * next tick; a job absent from a snapshot keeps its targets; jobs removed from the config vanish with their
 * metric series; the `prometheus_target_*` metrics below. promsd additions: a job is rebuilt only when its
 * groups or its config changed, and subscribers hear only about jobs whose targets really changed.
 */
import type { Counter, Gauge, Registry, Summary } from "prom-client";
import type { ScrapeConfig } from "../config/types.js";
import { silentLogger, type Logger } from "../logging.js";
import { labelSetsEqual } from "../model/labels.js";
import { sameTargetGroup, type TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { counter, gauge, summary } from "../metrics/registry.js";
import { sleep as realSleep } from "../providers/polling.js";
import { buildJobTargets, failureMessage, sameDiscoveredLabels } from "./build.js";
import type { ActiveTarget, BuiltTarget, DroppedTarget, FailedTarget, JobDelivery, JobTargets, TargetsView } from "./types.js";

/**
 * A snapshot as TargetSync reads it. The manager's DiscoverySnapshot also says, per job, which providers had
 * not delivered an initial set when it was taken; a plain Map does not (then a built job counts as complete).
 */
export type SourceSnapshot = ReadonlyMap<string, readonly TargetGroup[]> & {
  waitingProviders?(job: string): readonly string[] | undefined;
};

/** What TargetSync consumes: the discovery manager, or anything with the same `subscribe`. */
export interface SnapshotSource {
  subscribe(listener: (snapshot: SourceSnapshot) => void, signal: AbortSignal): void;
  /** The providers of `job` waiting for their initial set now (names in `delivery()`; the manager has it). */
  waitingProviders?(job: string): readonly string[] | undefined;
}

export interface TargetSyncOptions {
  readonly source: SnapshotSource;
  readonly scrapeConfigs: readonly ScrapeConfig[];
  readonly profile: Profile;
  /** Like `--scrape.discovery-reload-interval`: default 5000; 0 rebuilds as soon as a snapshot arrives. */
  readonly reloadIntervalMs?: number;
  readonly registry: Registry;
  /** Stops listening to the source and the reload ticker. */
  readonly signal: AbortSignal;
  /** Failed targets are logged here as `Creating target failed` (default: silent). */
  readonly logger?: Logger;
  /** Waits between reloads; tests pass a fake. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** Clock for `updatedAtMs` (default Date.now). */
  readonly now?: () => number;
}

export const TARGET_SYNC_DEFAULTS = Object.freeze({ reloadIntervalMs: 5000 });

/**
 * Set to "1" to relabel every group on every rebuild, as before the per-group cache: only so that
 * bench/kubernetes-daemon can measure what the cache saves in the same run. Read once per TargetSync.
 */
export const FULL_REBUILD_ENV = "PROMSD_TARGET_SYNC_FULL_REBUILD";

interface BuiltJob {
  readonly groups: readonly TargetGroup[];
  readonly fingerprint: string;
  readonly result: JobTargets;
  /**
   * The built targets of each group, by group object: the manager hands unchanged groups over as the same
   * objects, so a rebuild after a few changes relabels only the changed groups (100,000 pods churning no
   * longer cost a full relabeling per reload interval).
   */
  readonly builtGroups: ReadonlyMap<TargetGroup, readonly BuiltTarget[]>;
}

interface TargetSyncMetrics {
  readonly syncFailed: Counter<"scrape_job">;
  readonly poolTargets: Gauge<"scrape_job">;
  readonly poolSyncs: Counter<"scrape_job">;
  readonly poolsTotal: Counter;
  readonly syncLength: Summary<"scrape_job">;
}

function targetSyncMetrics(registry: Registry): TargetSyncMetrics {
  const labelNames = ["scrape_job"] as const;
  return {
    syncFailed: counter(registry, { name: "prometheus_target_sync_failed_total", help: "Total number of target sync failures.", labelNames }),
    poolTargets: gauge(registry, { name: "prometheus_target_scrape_pool_targets", help: "Current number of targets in this scrape pool.", labelNames }),
    poolSyncs: counter(registry, { name: "prometheus_target_scrape_pool_sync_total", help: "Total number of syncs that were executed on a scrape pool.", labelNames }),
    poolsTotal: counter(registry, { name: "prometheus_target_scrape_pools_total", help: "Total number of scrape pool creation attempts." }),
    syncLength: summary(registry, {
      name: "prometheus_target_sync_length_seconds",
      help: "Actual interval to sync the scrape pool.",
      labelNames,
      percentiles: [0.01, 0.05, 0.5, 0.9, 0.99],
    }),
  };
}

export class TargetSync implements TargetsView {
  readonly #profile: Profile;
  readonly #reloadIntervalMs: number;
  readonly #signal: AbortSignal;
  readonly #logger: Logger;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly #now: () => number;
  readonly #metrics: TargetSyncMetrics;
  readonly #reusesBuiltGroups = process.env[FULL_REBUILD_ENV] !== "1";
  #configs = new Map<string, ScrapeConfig>();
  readonly #source: SnapshotSource;
  #latest: SourceSnapshot = new Map();
  /** Jobs whose built targets came from a snapshot in which each of their providers had delivered. */
  readonly #complete = new Set<string>();
  #hasPendingSnapshot = false;
  #isTickScheduled = false;
  readonly #built = new Map<string, BuiltJob>();
  readonly #listeners = new Set<(changedJobs: readonly string[]) => void>();

  constructor(options: TargetSyncOptions) {
    this.#profile = options.profile;
    this.#reloadIntervalMs = options.reloadIntervalMs ?? TARGET_SYNC_DEFAULTS.reloadIntervalMs;
    this.#signal = options.signal;
    this.#logger = options.logger ?? silentLogger;
    this.#sleep = options.sleep ?? realSleep;
    this.#now = options.now ?? Date.now;
    this.#metrics = targetSyncMetrics(options.registry);
    this.#configs = configsByName(options.scrapeConfigs);
    this.#source = options.source;
    // Registering a listener starts no I/O; snapshots arrive when the source sends them.
    options.source.subscribe((snapshot) => this.#onSnapshot(snapshot), options.signal);
  }

  jobNames(): readonly string[] {
    return [...this.#configs.keys()];
  }

  job(jobName: string): JobTargets | undefined {
    return this.#built.get(jobName)?.result;
  }

  delivery(jobName: string): JobDelivery {
    if (this.#complete.has(jobName)) return COMPLETE;
    const waitingFor = this.#source.waitingProviders?.(jobName) ?? this.#latest.waitingProviders?.(jobName) ?? [];
    return { isComplete: false, waitingFor };
  }

  subscribe(listener: (changedJobs: readonly string[]) => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.#listeners.add(listener);
    signal.addEventListener("abort", () => this.#listeners.delete(listener), { once: true });
  }

  /**
   * Applies a new set of scrape configs (a reload): jobs no longer configured vanish (with their metric
   * series), changed jobs are rebuilt at once from the groups they last had; subscribers hear about both.
   */
  applyConfig(scrapeConfigs: readonly ScrapeConfig[]): void {
    this.#configs = configsByName(scrapeConfigs);
    const changed: string[] = [];
    for (const jobName of [...this.#built.keys()]) {
      if (this.#configs.has(jobName)) continue;
      this.#built.delete(jobName);
      this.#complete.delete(jobName);
      this.#deleteSeries(jobName);
      changed.push(jobName);
    }
    for (const [jobName, config] of this.#configs) {
      const groups = this.#latest.get(jobName) ?? this.#built.get(jobName)?.groups;
      if (groups !== undefined && this.#rebuild(jobName, config, groups)) changed.push(jobName);
    }
    this.#notify(changed);
  }

  #onSnapshot(snapshot: SourceSnapshot): void {
    this.#latest = snapshot;
    this.#hasPendingSnapshot = true;
    if (this.#reloadIntervalMs <= 0) {
      this.#sync();
      return;
    }
    if (this.#isTickScheduled) return;
    this.#isTickScheduled = true;
    // A bug in target building must not vanish in a floating promise: rethrow it outside the chain.
    void this.#tick().catch((error: unknown) => queueMicrotask(() => {
      throw error;
    }));
  }

  /** Waits one reload interval, then processes the latest snapshot (Prometheus's reload ticker). */
  async #tick(): Promise<void> {
    const isDue = await this.#sleep(this.#reloadIntervalMs, this.#signal);
    this.#isTickScheduled = false;
    if (isDue && !this.#signal.aborted) this.#sync();
  }

  #sync(): void {
    if (!this.#hasPendingSnapshot) return;
    this.#hasPendingSnapshot = false;
    const snapshot = this.#latest;
    const knowsDelivery = typeof snapshot.waitingProviders === "function";
    const changed: string[] = [];
    for (const [jobName, config] of this.#configs) {
      const groups = snapshot.get(jobName);
      const waiting = snapshot.waitingProviders?.(jobName);
      let isChanged = false;
      if (groups !== undefined) isChanged = this.#rebuild(jobName, config, groups);
      // v2.42 leaves jobs without groups out of the snapshot: delivered and empty is still an answer.
      else if (waiting?.length === 0 && !this.#built.has(jobName)) isChanged = this.#rebuild(jobName, config, []);
      const wasComplete = this.#complete.has(jobName);
      // A job the snapshot does not know (not subscribed yet, during a reload) keeps what it had.
      const isComplete = this.#built.has(jobName) && (!knowsDelivery || (waiting === undefined ? wasComplete : waiting.length === 0));
      if (isComplete) this.#complete.add(jobName);
      else this.#complete.delete(jobName);
      if (isChanged || isComplete !== wasComplete) changed.push(jobName);
    }
    this.#notify(changed);
  }

  /** Rebuilds one job when its groups or config changed; true when its targets changed. */
  #rebuild(jobName: string, config: ScrapeConfig, groups: readonly TargetGroup[]): boolean {
    const previous = this.#built.get(jobName);
    const fingerprint = scrapeConfigFingerprint(config);
    if (previous !== undefined && previous.fingerprint === fingerprint && sameGroups(previous.groups, groups)) return false;
    if (previous === undefined) this.#metrics.poolsTotal.inc();
    const started = performance.now();
    const builtGroups = new Map<TargetGroup, readonly BuiltTarget[]>();
    const reusable = this.#reusesBuiltGroups && previous !== undefined && previous.fingerprint === fingerprint ? previous.builtGroups : new Map();
    const built = buildJobTargets(config, groups, this.#profile, { previous: reusable, next: builtGroups });
    const result: JobTargets = { ...built, updatedAtMs: this.#now() };
    this.#metrics.syncLength.observe({ scrape_job: jobName }, (performance.now() - started) / 1000);
    this.#metrics.poolSyncs.inc({ scrape_job: jobName });
    this.#metrics.syncFailed.inc({ scrape_job: jobName }, result.failed.length);
    this.#metrics.poolTargets.set({ scrape_job: jobName }, result.active.length);
    for (const failed of result.failed) {
      this.#logger.error({ scrape_pool: jobName, err: failureMessage(failed) }, "Creating target failed");
    }
    const isUnchanged = previous !== undefined && sameJobTargets(previous.result, result);
    this.#built.set(jobName, { groups, fingerprint, result: isUnchanged ? previous.result : result, builtGroups });
    return !isUnchanged;
  }

  #deleteSeries(jobName: string): void {
    const labels = { scrape_job: jobName };
    this.#metrics.syncFailed.remove(labels);
    this.#metrics.poolTargets.remove(labels);
    this.#metrics.poolSyncs.remove(labels);
    this.#metrics.syncLength.remove(labels);
  }

  #notify(changed: readonly string[]): void {
    if (changed.length === 0) return;
    for (const listener of [...this.#listeners]) listener(changed);
  }
}

const COMPLETE: JobDelivery = Object.freeze({ isComplete: true, waitingFor: Object.freeze([]) });

function configsByName(scrapeConfigs: readonly ScrapeConfig[]): Map<string, ScrapeConfig> {
  return new Map(scrapeConfigs.map((c) => [c.jobName, c]));
}

const fingerprints = new WeakMap<ScrapeConfig, string>();

/**
 * Everything of a scrape config that target building reads, as a string: a reload produces new objects,
 * and a job is rebuilt only when one of these differs.
 */
export function scrapeConfigFingerprint(config: ScrapeConfig): string {
  let fingerprint = fingerprints.get(config);
  if (fingerprint === undefined) {
    fingerprint = JSON.stringify([
      config.jobName, config.scrapeIntervalMs, config.scrapeTimeoutMs, config.scheme, config.metricsPath, [...config.params],
      config.honorLabels, config.keepDroppedTargets, config.metricNameValidationScheme, config.scrapeNativeHistograms,
      config.alwaysScrapeClassicHistograms, config.convertClassicHistogramsToNhcb,
      config.relabelConfigs.map(({ config: r }) => [r.action, r.sourceLabels, r.separator, r.regex, r.modulus.toString(), r.targetLabel, r.replacement]),
    ]);
    fingerprints.set(config, fingerprint);
  }
  return fingerprint;
}

function sameGroups(a: readonly TargetGroup[], b: readonly TargetGroup[]): boolean {
  if (a === b) return true;
  return a.length === b.length && a.every((g, i) => {
    const h = b[i];
    return h !== undefined && sameTargetGroup(g, h);
  });
}

function sameActive(a: ActiveTarget, b: ActiveTarget): boolean {
  return a.scrapeUrl === b.scrapeUrl && a.source === b.source && a.index === b.index && labelSetsEqual(a.labels, b.labels) && sameDiscoveredLabels(a, b);
}

function sameDropped(a: DroppedTarget, b: DroppedTarget): boolean {
  return a.source === b.source && a.index === b.index && a.droppedByRule === b.droppedByRule && sameDiscoveredLabels(a, b);
}

function sameFailed(a: FailedTarget, b: FailedTarget): boolean {
  return a.source === b.source && a.index === b.index && a.reason === b.reason && sameDiscoveredLabels(a, b);
}

function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i];
    return y !== undefined && same(x, y);
  });
}

/** Equal targets (ignoring the rebuild time): such a rebuild notifies nobody. */
export function sameJobTargets(a: JobTargets, b: JobTargets): boolean {
  return (
    a.jobName === b.jobName &&
    a.droppedCount === b.droppedCount &&
    sameList(a.active, b.active, sameActive) &&
    sameList(a.dropped, b.dropped, sameDropped) &&
    sameList(a.failed, b.failed, sameFailed)
  );
}
