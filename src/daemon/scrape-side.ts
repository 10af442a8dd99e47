/**
 * The daemon's scrape side (core.md 2.6): keeps the latest discovery snapshot and rebuilds the targets of the
 * jobs in it on its own ticker (`--scrape.discovery-reload-interval`, 0 = at once), then tells subscribers
 * which jobs changed. A job absent from a snapshot keeps its previous targets, as in Prometheus. Implements
 * the read-only TargetsView the outputs consume.
 */
import type { PrometheusConfig, ScrapeConfig } from "../config/types.js";
import type { Logger } from "../logging.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { buildJobTargets } from "../targets/build.js";
import type { JobTargets, TargetsView } from "../targets/types.js";

export type SnapshotMap = ReadonlyMap<string, readonly TargetGroup[]>;

export interface ScrapeSideOptions {
  readonly profile: Profile;
  readonly reloadIntervalMs: number;
  readonly logger: Logger;
}

export class ScrapeSide implements TargetsView {
  readonly #options: ScrapeSideOptions;
  #jobs = new Map<string, ScrapeConfig>();
  readonly #built = new Map<string, JobTargets>();
  /** Groups last used per job, so a config change can rebuild without waiting for discovery. */
  readonly #groups = new Map<string, readonly TargetGroup[]>();
  #pending: SnapshotMap | undefined;
  readonly #listeners = new Set<(changed: readonly string[]) => void>();
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ScrapeSideOptions) {
    this.#options = options;
  }

  jobNames(): readonly string[] {
    return [...this.#jobs.keys()];
  }

  job(jobName: string): JobTargets | undefined {
    return this.#built.get(jobName);
  }

  /** The scrape config of a job in the running config. */
  scrapeConfig(jobName: string): ScrapeConfig | undefined {
    return this.#jobs.get(jobName);
  }

  subscribe(listener: (changedJobs: readonly string[]) => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    const entry = (changed: readonly string[]): void => listener(changed);
    this.#listeners.add(entry);
    signal.addEventListener("abort", () => this.#listeners.delete(entry), { once: true });
  }

  /**
   * Applies a (re)loaded config before discovery does (core.md 2.5): removed jobs vanish, every remaining
   * job is rebuilt from its last groups with its new settings.
   */
  applyConfig(config: PrometheusConfig): void {
    const next = new Map(config.scrapeConfigs.map((job) => [job.jobName, job] as const));
    const changed: string[] = [];
    for (const name of this.#jobs.keys()) {
      if (next.has(name)) continue;
      this.#built.delete(name);
      this.#groups.delete(name);
      changed.push(name);
    }
    this.#jobs = next;
    for (const [name, groups] of this.#groups) {
      this.#rebuild(name, groups);
      changed.push(name);
    }
    this.#notify(changed);
  }

  /** Stores a snapshot; it is processed at the next tick (at once with a 0 interval). */
  update(snapshot: SnapshotMap): void {
    this.#pending = snapshot;
    if (this.#options.reloadIntervalMs <= 0) this.#processPending();
    else this.#timer ??= setInterval(() => this.#processPending(), this.#options.reloadIntervalMs);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#listeners.clear();
  }

  #processPending(): void {
    const snapshot = this.#pending;
    if (!snapshot) return;
    this.#pending = undefined;
    const changed: string[] = [];
    for (const [name, groups] of snapshot) {
      if (!this.#jobs.has(name)) continue;
      this.#groups.set(name, groups);
      this.#rebuild(name, groups);
      changed.push(name);
    }
    this.#notify(changed);
  }

  #rebuild(jobName: string, groups: readonly TargetGroup[]): void {
    const job = this.#jobs.get(jobName);
    if (!job) return;
    const built = buildJobTargets(job, groups, this.#options.profile);
    this.#built.set(jobName, built);
    for (const failed of built.failed) {
      this.#options.logger.error({ scrape_pool: jobName, err: `instance ${failed.index} in group ${failed.source}: ${failed.reason}` }, "Creating target failed");
    }
  }

  #notify(changed: readonly string[]): void {
    if (changed.length === 0) return;
    for (const listener of this.#listeners) listener(changed);
  }
}
