/**
 * Kubernetes SD metrics with Prometheus's names (spec kubernetes.md 11.1, 11.2 work queue part); every
 * event series exists from start. Summaries carry no quantiles (only _sum and _count), as client-go's.
 */
import type { Counter, Gauge, Registry } from "prom-client";
import { counter, gauge } from "../../metrics/registry.js";
import { sumCountSummary, type SumCountSummary } from "../../metrics/sum-count-summary.js";
import { KUBERNETES_ROLES, type KubernetesRole } from "./roles/index.js";

export type KubernetesEvent = "add" | "update" | "delete";

export interface KubernetesMetrics {
  readonly events: Counter<"role" | "event">;
  readonly failures: Counter<string>;
  readonly queueDepth: Gauge<"queue_name">;
  readonly queueItems: Counter<"queue_name">;
  readonly queueLatency: SumCountSummary<"queue_name">;
  readonly queueWorkDuration: SumCountSummary<"queue_name">;
  readonly queueUnfinishedWork: Gauge<"queue_name">;
  readonly queueLongestRunning: Gauge<"queue_name">;
}

export function kubernetesMetrics(registry: Registry): KubernetesMetrics {
  const events = counter(registry, { name: "prometheus_sd_kubernetes_events_total", help: "The number of Kubernetes events handled.", labelNames: ["role", "event"] as const });
  for (const role of KUBERNETES_ROLES) for (const event of ["add", "delete", "update"]) events.labels(role, event).inc(0);
  const failures = counter(registry, { name: "prometheus_sd_kubernetes_failures_total", help: "The number of failed WATCH/LIST requests." });
  const q = ["queue_name"] as const;
  return {
    events,
    failures,
    queueDepth: gauge(registry, { name: "prometheus_sd_kubernetes_workqueue_depth", help: "Current depth of the work queue.", labelNames: q }),
    queueItems: counter(registry, { name: "prometheus_sd_kubernetes_workqueue_items_total", help: "Total number of items added to the work queue.", labelNames: q }),
    queueLatency: sumCountSummary(registry, { name: "prometheus_sd_kubernetes_workqueue_latency_seconds", help: "How long an item stays in the work queue.", labelNames: q }),
    queueWorkDuration: sumCountSummary(registry, { name: "prometheus_sd_kubernetes_workqueue_work_duration_seconds", help: "How long processing an item from the work queue takes.", labelNames: q }),
    queueUnfinishedWork: gauge(registry, { name: "prometheus_sd_kubernetes_workqueue_unfinished_work_seconds", help: "How long an item has remained unfinished in the work queue.", labelNames: q }),
    queueLongestRunning: gauge(registry, { name: "prometheus_sd_kubernetes_workqueue_longest_running_processor_seconds", help: "Duration of the longest running processor in the work queue.", labelNames: q }),
  };
}

/** The series one role's work queue writes, bound once (labels() per event would cost a lookup each). */
export interface RoleQueueMetrics {
  readonly events: Readonly<Record<KubernetesRole, Readonly<Record<KubernetesEvent, { inc(): void }>>>>;
  readonly depth: { set(value: number): void };
  readonly items: { inc(value?: number): void };
  readonly latency: { observe(value: number): void };
  readonly workDuration: { observe(value: number): void };
}

export function roleQueueMetrics(metrics: KubernetesMetrics, role: KubernetesRole): RoleQueueMetrics {
  const events = {} as Record<KubernetesRole, Record<KubernetesEvent, { inc(): void }>>;
  for (const r of KUBERNETES_ROLES) {
    events[r] = { add: metrics.events.labels(r, "add"), update: metrics.events.labels(r, "update"), delete: metrics.events.labels(r, "delete") };
  }
  metrics.queueUnfinishedWork.labels(role).set(0);
  metrics.queueLongestRunning.labels(role).set(0);
  return {
    events,
    depth: metrics.queueDepth.labels(role),
    items: metrics.queueItems.labels(role),
    latency: metrics.queueLatency.labels(role),
    workDuration: metrics.queueWorkDuration.labels(role),
  };
}
