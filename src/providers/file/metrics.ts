/**
 * file_sd metrics (file.md 6). The mtime gauge is a collector over every running file discoverer of a
 * registry, as Prometheus's TimestampCollector is: one series per distinct path, removed when the last
 * discoverer that read the path forgets it or stops.
 */
import { Gauge, type Counter, type Registry, type Summary } from "prom-client";
import { counter, summary } from "../../metrics/registry.js";

export interface FileSdMetrics {
  readonly readErrors: Counter;
  readonly watcherErrors: Counter;
  readonly scanDuration: Summary;
  /** This discoverer's file → mtime (whole Unix seconds) map; `release()` when the discoverer stops. */
  readonly mtimes: Map<string, number>;
  release(): void;
}

const MTIME_METRIC = "prometheus_sd_file_mtime_seconds";
const mtimeSources = new WeakMap<Registry, Set<Map<string, number>>>();

export function fileSdMetrics(registry: Registry): FileSdMetrics {
  const mtimes = new Map<string, number>();
  const sources = mtimeSourcesOf(registry);
  sources.add(mtimes);
  return {
    readErrors: counter(registry, { name: "prometheus_sd_file_read_errors_total", help: "The number of File-SD read errors." }),
    watcherErrors: counter(registry, { name: "prometheus_sd_file_watcher_errors_total", help: "The number of File-SD errors caused by filesystem watch failures." }),
    scanDuration: summary(registry, { name: "prometheus_sd_file_scan_duration_seconds", help: "The duration of the File-SD scan in seconds." }),
    mtimes,
    release: () => void sources.delete(mtimes),
  };
}

function mtimeSourcesOf(registry: Registry): Set<Map<string, number>> {
  let sources = mtimeSources.get(registry);
  if (sources !== undefined) return sources;
  const own = new Set<Map<string, number>>();
  sources = own;
  mtimeSources.set(registry, own);
  if (registry.getSingleMetric(MTIME_METRIC) === undefined) {
    new Gauge({
      name: MTIME_METRIC,
      help: "Timestamp (mtime) of files read by FileSD. Timestamp is set at read time.",
      labelNames: ["filename"],
      registers: [registry],
      collect() {
        this.reset();
        for (const map of own) for (const [filename, seconds] of map) this.set({ filename }, seconds);
      },
    });
  }
  return sources;
}
