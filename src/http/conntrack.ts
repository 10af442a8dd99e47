/**
 * Prometheus's `net_conntrack_dialer_*` counters (spec common.md 6): every HTTP client counts its TCP dials
 * under its `dialer_name` (`consul_sd`, `marathon_sd`, `http`, …).
 */
import type { Socket } from "node:net";
import type { Registry } from "prom-client";
import { counter } from "../metrics/registry.js";

export interface DialTracker {
  /** Call right after starting a TCP connect; counts attempted/established/failed/closed for it. */
  track(socket: Socket): void;
}

export const noDialTracking: DialTracker = { track: () => {} };

/** Go conntrack's failure reasons. */
function failureReason(error: unknown): string {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  switch (code) {
    case "ECONNREFUSED":
      return "refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "resolution";
    case "ETIMEDOUT":
      return "timeout";
    default:
      return "unknown";
  }
}

export function createDialTracker(registry: Registry, dialerName: string): DialTracker {
  const labelNames = ["dialer_name"] as const;
  const attempted = counter(registry, { name: "net_conntrack_dialer_conn_attempted_total", help: "Total number of connections attempted by the given dialer a given name.", labelNames });
  const established = counter(registry, { name: "net_conntrack_dialer_conn_established_total", help: "Total number of connections successfully established by the given dialer a given name.", labelNames });
  const failed = counter(registry, { name: "net_conntrack_dialer_conn_failed_total", help: "Total number of connections failed to dial by the dialer a given name.", labelNames: ["dialer_name", "reason"] });
  const closed = counter(registry, { name: "net_conntrack_dialer_conn_closed_total", help: "Total number of connections closed which originated from the dialer of a given name.", labelNames });
  const labels = { dialer_name: dialerName };
  // Go pre-initialises every series so dashboards see zeros.
  for (const metric of [attempted, established, closed]) metric.inc(labels, 0);
  for (const reason of ["refused", "resolution", "timeout", "unknown"]) failed.inc({ ...labels, reason }, 0);
  return {
    track(socket) {
      attempted.inc(labels);
      const onError = (error: unknown): void => failed.inc({ ...labels, reason: failureReason(error) });
      socket.once("error", onError);
      socket.once("connect", () => {
        socket.off("error", onError);
        established.inc(labels);
        socket.once("close", () => closed.inc(labels));
      });
    },
  };
}
