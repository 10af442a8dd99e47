/**
 * The discovery manager's own metrics (core.md 2.8, common.md 7.2), all with the constant label `name`
 * ("scrape" for the scrape manager). Created once per registry through src/metrics/registry.ts.
 */
import type { Registry } from "prom-client";
import { counter, gauge } from "../metrics/registry.js";
import type { Profile } from "../profile.js";

/** Per-config series of the shared refresh helper (src/providers/refresh-metrics.ts, common.md 7.1). */
const REFRESH_METRICS_WITH_CONFIG = ["prometheus_sd_refresh_failures_total", "prometheus_sd_refresh_duration_seconds"];

export class ManagerMetrics {
  readonly #registry: Registry;
  readonly #name: string;
  readonly #failedConfigs;
  readonly #discoveredTargets;
  readonly #receivedUpdates;
  readonly #updates;
  readonly #delayedUpdates;
  /** 3.11+; absent in the 2.42 profile. */
  readonly #lastUpdate;

  constructor(registry: Registry, options: { readonly name: string; readonly profile: Profile }) {
    this.#registry = registry;
    this.#name = options.name;
    this.#failedConfigs = gauge(registry, {
      name: "prometheus_sd_failed_configs",
      help: "Current number of service discovery configurations that failed to load.",
      labelNames: ["name"],
    });
    this.#discoveredTargets = gauge(registry, {
      name: "prometheus_sd_discovered_targets",
      help: "Current number of discovered targets.",
      labelNames: ["name", "config"],
    });
    this.#receivedUpdates = counter(registry, {
      name: "prometheus_sd_received_updates_total",
      help: "Total number of update events received from the SD providers.",
      labelNames: ["name"],
    });
    this.#updates = counter(registry, {
      name: "prometheus_sd_updates_total",
      help: "Total number of update events sent to the SD consumers.",
      labelNames: ["name"],
    });
    this.#delayedUpdates = counter(registry, {
      name: "prometheus_sd_updates_delayed_total",
      help: "Total number of update events that couldn't be sent immediately.",
      labelNames: ["name"],
    });
    this.#lastUpdate = options.profile === "v2.42" ? undefined : gauge(registry, {
      name: "prometheus_sd_last_update_timestamp_seconds",
      help: "Timestamp of the last update sent to the SD consumers.",
      labelNames: ["name", "config"],
    });
    // Prometheus creates these series up front, so they read 0 before anything happens.
    const labels = { name: this.#name };
    this.#failedConfigs.set(labels, 0);
    this.#receivedUpdates.inc(labels, 0);
    this.#updates.inc(labels, 0);
    this.#delayedUpdates.inc(labels, 0);
  }

  setFailedConfigs(count: number): void {
    this.#failedConfigs.set({ name: this.#name }, count);
  }

  receivedUpdate(): void {
    this.#receivedUpdates.inc({ name: this.#name });
  }

  sendAttempted(): void {
    this.#updates.inc({ name: this.#name });
  }

  sendDelayed(): void {
    this.#delayedUpdates.inc({ name: this.#name });
  }

  /** A job that just subscribed: its target count reads 0 until the next snapshot. */
  resetJob(job: string): void {
    this.#discoveredTargets.set({ name: this.#name, config: job }, 0);
  }

  /** A job built into a snapshot at `nowMs`, with `targetCount` targets before relabeling. */
  jobInSnapshot(job: string, targetCount: number, nowMs: number): void {
    this.#discoveredTargets.set({ name: this.#name, config: job }, targetCount);
    this.#lastUpdate?.set({ name: this.#name, config: job }, nowMs / 1000);
  }

  /** Deletes the per-job series of a job that lost its provider or left the config. */
  deleteJob(job: string): void {
    this.#discoveredTargets.remove({ name: this.#name, config: job });
    this.#lastUpdate?.remove({ name: this.#name, config: job });
  }

  /**
   * Deletes the refresh-helper series `{mechanism, config=job}` of a stopped provider (3.12+, core.md 2.5), so
   * a job removed from the config stops exporting them.
   */
  deleteRefreshSeries(mechanism: string, job: string): void {
    for (const name of REFRESH_METRICS_WITH_CONFIG) {
      const metric = this.#registry.getSingleMetric(name);
      // Only touch the series when the metric has exactly these labels; prom-client throws on unknown names.
      if (metric === undefined || !hasLabelNames(metric, ["mechanism", "config"])) continue;
      metric.remove({ mechanism, config: job });
    }
  }
}

function hasLabelNames(metric: object, names: readonly string[]): boolean {
  const labelNames: unknown = (metric as { labelNames?: unknown }).labelNames; // `as`: prom-client keeps them public but untyped
  return Array.isArray(labelNames) && labelNames.length === names.length && names.every((n) => labelNames.includes(n));
}
