/** Kubernetes SD metrics with Prometheus's names (spec kubernetes.md 11.1); every series exists from start. */
import type { Counter, Registry } from "prom-client";
import { counter } from "../../metrics/registry.js";
import { KUBERNETES_ROLES } from "./roles/index.js";

export type KubernetesEvent = "add" | "update" | "delete";

export interface KubernetesMetrics {
  readonly events: Counter<"role" | "event">;
  readonly failures: Counter<string>;
}

export function kubernetesMetrics(registry: Registry): KubernetesMetrics {
  const events = counter(registry, { name: "prometheus_sd_kubernetes_events_total", help: "The number of Kubernetes events handled.", labelNames: ["role", "event"] as const });
  for (const role of KUBERNETES_ROLES) for (const event of ["add", "delete", "update"]) events.labels(role, event).inc(0);
  const failures = counter(registry, { name: "prometheus_sd_kubernetes_failures_total", help: "The number of failed WATCH/LIST requests." });
  return { events, failures };
}
