/**
 * promsd's own metrics (issue 3, item 5): targets served, http_sd requests, file_sd writes, reloads. The
 * `prometheus_sd_*` metrics come from the discovery manager, which registers them on the same registry.
 */
import type { Counter, Gauge, Registry } from "prom-client";
import { buildInfo } from "../../build-info.js";
import { counter, gauge } from "../../metrics/registry.js";

export interface DaemonMetrics {
  readonly httpSdRequests: Counter<"job" | "view" | "code">;
  readonly targets: Gauge<"job" | "state">;
  readonly fileSdWrites: Counter<"job">;
  readonly fileSdWriteErrors: Counter<"job">;
  readonly reloads: Counter<"result">;
  readonly lastReloadSuccessful: Gauge;
  readonly lastReloadSuccessTimestamp: Gauge;
  readonly allocationGeneration: Gauge<"job" | "view">;
  readonly allocationTargets: Gauge<"job" | "view" | "consumer">;
  readonly allocationDisplaced: Gauge<"job" | "view">;
}

/** Registers (or finds) the promsd_* metrics on `registry`. */
export function createDaemonMetrics(registry: Registry): DaemonMetrics {
  // As every Prometheus binary's `<name>_build_info`: constant 1, the build in the labels.
  const info = buildInfo();
  gauge(registry, {
    name: "promsd_build_info",
    help: "A metric with a constant '1' value labeled by version, revision, branch, nodeversion and platform from which promsd was built.",
    labelNames: ["version", "revision", "branch", "nodeversion", "platform"],
  }).set({ version: info.version, revision: info.revision, branch: info.branch, nodeversion: info.nodeVersion, platform: info.platform }, 1);
  return {
    httpSdRequests: counter(registry, {
      name: "promsd_http_sd_requests_total",
      help: "http_sd requests answered, by job (empty for unknown jobs), view and HTTP status code.",
      labelNames: ["job", "view", "code"],
    }),
    targets: gauge(registry, {
      name: "promsd_targets",
      help: "Targets of each job after target building, by state (active, dropped, failed).",
      labelNames: ["job", "state"],
    }),
    fileSdWrites: counter(registry, {
      name: "promsd_file_sd_writes_total",
      help: "file_sd output files written because their content changed.",
      labelNames: ["job"],
    }),
    fileSdWriteErrors: counter(registry, {
      name: "promsd_file_sd_write_errors_total",
      help: "file_sd output files that could not be written.",
      labelNames: ["job"],
    }),
    reloads: counter(registry, {
      name: "promsd_config_reloads_total",
      help: "Configuration reloads, by result (success, failure).",
      labelNames: ["result"],
    }),
    lastReloadSuccessful: gauge(registry, {
      name: "promsd_config_last_reload_successful",
      help: "Whether the last configuration reload attempt was successful.",
    }),
    allocationGeneration: gauge(registry, {
      name: "promsd_allocation_generation",
      help: "First 48 bits of the allocation generation (hash of membership and target identities) of ?consumer= answers; replicas that agree report equal values.",
      labelNames: ["job", "view"],
    }),
    allocationTargets: gauge(registry, {
      name: "promsd_allocation_targets",
      help: "Targets allocated to each consumer by ?consumer= allocation.",
      labelNames: ["job", "view", "consumer"],
    }),
    allocationDisplaced: gauge(registry, {
      name: "promsd_allocation_displaced_targets",
      help: "Targets not at their first rendezvous choice because of the bounded-load limit.",
      labelNames: ["job", "view"],
    }),
    lastReloadSuccessTimestamp: gauge(registry, {
      name: "promsd_config_last_reload_success_timestamp_seconds",
      help: "Timestamp of the last successful configuration reload.",
    }),
  };
}
