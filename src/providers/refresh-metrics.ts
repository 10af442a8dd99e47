/**
 * Metrics of the generic refresh helper (spec common.md 7.1), shared by dns, http and marathon:
 * failures and durations per mechanism and config (the job that created the discoverer; 3.9+ labels).
 */
import type { Registry } from "prom-client";
import { counter, histogram, summary } from "../metrics/registry.js";

export function refreshMetricHooks(
  registry: Registry,
  mechanism: string,
  jobName: string,
): { observeDuration(seconds: number): void; countFailure(): void } {
  const failures = counter(registry, {
    name: "prometheus_sd_refresh_failures_total",
    help: "Number of refresh failures for the given SD mechanism.",
    labelNames: ["mechanism", "config"],
  });
  const durations = summary(registry, {
    name: "prometheus_sd_refresh_duration_seconds",
    help: "The duration of a refresh for the given SD mechanism.",
    labelNames: ["mechanism", "config"],
  });
  const durationHistogram = histogram(registry, {
    name: "prometheus_sd_refresh_duration_histogram_seconds",
    help: "The duration of a refresh for the given SD mechanism.",
    labelNames: ["mechanism"],
    buckets: [0.01, 0.1, 1, 10],
  });
  const labels = { mechanism, config: jobName };
  failures.inc(labels, 0); // Prometheus initialises the series, so a dashboard sees 0 rather than nothing
  return {
    countFailure: () => failures.inc(labels),
    observeDuration: (seconds) => {
      durations.observe(labels, seconds);
      durationHistogram.observe({ mechanism }, seconds);
    },
  };
}
