/**
 * The scrape side of discovery (spec core.md 2.6, 4): takes the manager's snapshots, rebuilds the targets of
 * each job on its own reload ticker (`--scrape.discovery-reload-interval`, default 5 s) and serves them as a
 * read-only `TargetsView` to the outputs.
 *
 * Reproduced from Prometheus's scrape manager: only the latest snapshot is kept and it is processed at the
 * next tick; a job absent from a snapshot keeps its targets; jobs removed from the config vanish with their
 * metric series; the `prometheus_target_*` metrics below. promsd additions: a job is rebuilt only when its
 * groups or its config changed, and subscribers hear only about jobs whose targets really changed. With the
 * DiscoveryManager as source, a sync follows `snapshot.changes` (./job-changes.ts): unchanged jobs are not
 * read, a changed job rebuilds only its changed groups, and subscribers are told which groups those were.
 */
import type { Counter, Gauge, Registry, Summary } from "prom-client";
import type { ScrapeConfig } from "../config/types.js";
import { silentLogger, type Logger } from "../logging.js";
import { sameTargetGroup, type TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { counter, gauge, summary } from "../metrics/registry.js";
import { sleep as realSleep } from "../providers/polling.js";
import { buildGroupTargets, buildJobTargets, failureMessage } from "./build.js";
import { groupsBySource, patchBuiltGroups, PendingChanges, sameActive, sameDropped, sameFailed, sameList, type GroupsBySource, type PendingGroup } from "./job-changes.js";
import type { BuiltTarget, JobDelivery, JobTargets, JobTargetsChange, TargetsView } from "./types.js";

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
  readonly builtGroups: Map<TargetGroup, readonly BuiltTarget[]>;
  /** The groups by provider and source, when built from a manager's snapshot: what lets a sync follow its changes. */
  readonly bySource: GroupsBySource | undefined;
}

type ChangesListener = (changedJobs: readonly string[], changes: ReadonlyMap<string, JobTargetsChange>) => void;

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
  readonly #listeners = new Set<ChangesListener>();
  /** The snapshots' changes since the last sync (all of them: only the latest snapshot is built). */
  readonly #pending = new PendingChanges();

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

  subscribe(listener: ChangesListener, signal: AbortSignal): void {
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
    const changed = new Map<string, JobTargetsChange>();
    for (const jobName of [...this.#built.keys()]) {
      if (this.#configs.has(jobName)) continue;
      this.#built.delete(jobName);
      this.#complete.delete(jobName);
      this.#deleteSeries(jobName);
      changed.set(jobName, RESET);
    }
    for (const [jobName, config] of this.#configs) {
      const latest = this.#latest.get(jobName);
      const previous = this.#built.get(jobName);
      const groups = latest ?? previous?.groups;
      const bySource = latest !== undefined ? groupsBySource(this.#latest, jobName) : previous?.bySource;
      if (groups !== undefined && this.#rebuild(jobName, config, groups, bySource)) changed.set(jobName, RESET);
    }
    this.#notify(changed);
  }

  #onSnapshot(snapshot: SourceSnapshot): void {
    this.#latest = snapshot;
    this.#pending.add(snapshot);
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
    const pending = this.#pending.take();
    const knowsDelivery = typeof snapshot.waitingProviders === "function";
    const changed = new Map<string, JobTargetsChange>();
    for (const [jobName, config] of this.#configs) {
      const waiting = snapshot.waitingProviders?.(jobName);
      const jobPending = pending?.get(jobName);
      const previous = this.#built.get(jobName);
      const isCurrent = previous !== undefined && previous.fingerprint === scrapeConfigFingerprint(config);
      let change: JobTargetsChange | undefined;
      // Following the manager's changes: a job they do not name is exactly as built last time.
      if (pending !== undefined && jobPending === undefined && isCurrent) change = undefined;
      else if (jobPending?.isReset === false && isCurrent && this.#reusesBuiltGroups && previous.bySource !== undefined && snapshot.has(jobName)) {
        change = this.#patch(jobName, config, snapshot.get(jobName) ?? [], previous, jobPending.groups);
      } else {
        const groups = snapshot.get(jobName);
        if (groups !== undefined) change = this.#rebuild(jobName, config, groups, groupsBySource(snapshot, jobName)) ? RESET : undefined;
        // v2.42 leaves jobs without groups out of the snapshot: delivered and empty is still an answer.
        else if (waiting?.length === 0 && !this.#built.has(jobName)) change = this.#rebuild(jobName, config, [], new Map()) ? RESET : undefined;
      }
      const wasComplete = this.#complete.has(jobName);
      // A job the snapshot does not know (not subscribed yet, during a reload) keeps what it had.
      const isComplete = this.#built.has(jobName) && (!knowsDelivery || (waiting === undefined ? wasComplete : waiting.length === 0));
      if (isComplete) this.#complete.add(jobName);
      else this.#complete.delete(jobName);
      if (change !== undefined) changed.set(jobName, change);
      else if (isComplete !== wasComplete) changed.set(jobName, DELIVERY_ONLY);
    }
    this.#notify(changed);
  }

  /**
   * Applies the pending group changes of a job built from the same config: rebuilds only the changed groups
   * and compares only their targets. Returns the change when the job's targets changed.
   */
  #patch(jobName: string, config: ScrapeConfig, groups: readonly TargetGroup[], previous: BuiltJob, pending: ReadonlyMap<string, ReadonlyMap<string, PendingGroup>>): JobTargetsChange | undefined {
    const bySource = previous.bySource ?? new Map();
    const started = performance.now();
    const patched = patchBuiltGroups(pending, bySource, previous.builtGroups, (group) => buildGroupTargets(config, group, this.#profile));
    if (patched.changes.length === 0) {
      this.#built.set(jobName, { ...previous, groups });
      return undefined;
    }
    let result = previous.result;
    if (patched.isChanged) {
      const built = buildJobTargets(config, groups, this.#profile, { previous: previous.builtGroups, next: previous.builtGroups });
      result = { ...built, updatedAtMs: this.#now() };
    }
    this.#record(jobName, result, started);
    this.#built.set(jobName, { groups, fingerprint: previous.fingerprint, result, builtGroups: previous.builtGroups, bySource });
    return patched.isChanged ? { isReset: false, groups: patched.changes } : undefined;
  }

  /** Rebuilds one job when its groups or config changed; true when its targets changed. */
  #rebuild(jobName: string, config: ScrapeConfig, groups: readonly TargetGroup[], bySource: GroupsBySource | undefined): boolean {
    const previous = this.#built.get(jobName);
    const fingerprint = scrapeConfigFingerprint(config);
    if (previous !== undefined && previous.fingerprint === fingerprint && sameGroups(previous.groups, groups)) {
      if (previous.bySource === undefined && bySource !== undefined) this.#built.set(jobName, { ...previous, groups, bySource });
      return false;
    }
    if (previous === undefined) this.#metrics.poolsTotal.inc();
    const started = performance.now();
    const builtGroups = new Map<TargetGroup, readonly BuiltTarget[]>();
    const reusable = this.#reusesBuiltGroups && previous !== undefined && previous.fingerprint === fingerprint ? previous.builtGroups : new Map();
    const built = buildJobTargets(config, groups, this.#profile, { previous: reusable, next: builtGroups });
    const result: JobTargets = { ...built, updatedAtMs: this.#now() };
    this.#record(jobName, result, started);
    const isUnchanged = previous !== undefined && sameJobTargets(previous.result, result);
    this.#built.set(jobName, { groups, fingerprint, result: isUnchanged ? previous.result : result, builtGroups, bySource });
    return !isUnchanged;
  }

  /** The `prometheus_target_*` series and the failure log of one (re)built job. */
  #record(jobName: string, result: JobTargets, started: number): void {
    this.#metrics.syncLength.observe({ scrape_job: jobName }, (performance.now() - started) / 1000);
    this.#metrics.poolSyncs.inc({ scrape_job: jobName });
    this.#metrics.syncFailed.inc({ scrape_job: jobName }, result.failed.length);
    this.#metrics.poolTargets.set({ scrape_job: jobName }, result.active.length);
    for (const failed of result.failed) {
      this.#logger.error({ scrape_pool: jobName, err: failureMessage(failed) }, "Creating target failed");
    }
  }

  #deleteSeries(jobName: string): void {
    const labels = { scrape_job: jobName };
    this.#metrics.syncFailed.remove(labels);
    this.#metrics.poolTargets.remove(labels);
    this.#metrics.poolSyncs.remove(labels);
    this.#metrics.syncLength.remove(labels);
  }

  #notify(changed: ReadonlyMap<string, JobTargetsChange>): void {
    if (changed.size === 0) return;
    const jobs = [...changed.keys()];
    for (const listener of [...this.#listeners]) listener(jobs, changed);
  }
}

const COMPLETE: JobDelivery = Object.freeze({ isComplete: true, waitingFor: Object.freeze([]) });
const RESET: JobTargetsChange = Object.freeze({ isReset: true, groups: Object.freeze([]) });
const DELIVERY_ONLY: JobTargetsChange = Object.freeze({ isReset: false, groups: Object.freeze([]) });

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
