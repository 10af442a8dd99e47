/**
 * A polling discoverer in one call, for every mechanism built on Prometheus's `discovery/refresh` package
 * (docker, eureka, the clouds, …): the shared poll loop (./polling.ts), the refresh metrics
 * (`prometheus_sd_refresh_failures_total{mechanism}`, durations), errors logged once per distinct message
 * (a long outage is one line, and recovery is one more), and a deadline per refresh so that a server that
 * accepts the connection and never answers cannot stall discovery. A failed refresh emits nothing: the
 * manager keeps the last good targets.
 *
 * `open` runs when discovery starts, not when the discoverer is created (constructors never start I/O,
 * STYLE 2.10): it is where a heavy client library is loaded with `await import()`, so that a config that
 * does not use the mechanism never loads it. When `open` fails, that counts as a failed refresh and is
 * retried at the next interval.
 */
import { SourceError } from "../errors.js";
import type { TargetGroup } from "../model/target-group.js";
import { poll } from "./polling.js";
import type { Discoverer, DiscovererDeps } from "./provider.js";
import { refreshMetricHooks } from "./refresh-metrics.js";

/** What `open` returns: the refresh itself and, optionally, how to release its clients. */
export interface Refresher {
  /** All groups the mechanism knows now. Throw (preferably a SourceError) to report a failure. */
  refresh(signal: AbortSignal): Promise<readonly TargetGroup[]>;
  close?(): void;
}

export interface RefreshDiscovererOptions {
  /** The `mechanism` metric label, as Prometheus names it (`docker`, `ec2`, `hetzner`, …). */
  readonly mechanism: string;
  readonly intervalMs: number;
  /** Deadline of one refresh (including `open`); defaults to `intervalMs`. */
  readonly refreshTimeoutMs?: number;
  /** Builds the clients; called once per `discover`, again after a failure of its own. */
  readonly open: (signal: AbortSignal) => Promise<Refresher> | Refresher;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createRefreshDiscoverer(options: RefreshDiscovererOptions, deps: DiscovererDeps): Discoverer {
  const metrics = refreshMetricHooks(deps.registry, options.mechanism, deps.jobNames[0] ?? "");
  const timeoutMs = options.refreshTimeoutMs ?? options.intervalMs;
  return {
    async *discover(signal) {
      let refresher: Refresher | undefined;
      let lastError: string | undefined;
      const reportError = (error: unknown): void => {
        metrics.countFailure();
        const message = describeError(error);
        if (message !== lastError) deps.logger.error({ err: message }, "Unable to refresh target groups");
        lastError = message;
      };
      const refreshOnce = async (outer: AbortSignal): Promise<readonly TargetGroup[]> => {
        const deadline = new AbortController();
        const timer = setTimeout(() => deadline.abort(new SourceError("PROMSD_SOURCE_REFRESH_TIMEOUT", `${options.mechanism} refresh did not finish within ${timeoutMs} ms`)), timeoutMs);
        const refreshSignal = AbortSignal.any([outer, deadline.signal]);
        let groups: readonly TargetGroup[];
        try {
          refresher ??= await options.open(refreshSignal);
          groups = await refresher.refresh(refreshSignal);
        } catch (error) {
          // A client that rejects with its own abort error on our deadline is reported as the deadline.
          throw deadline.signal.aborted && !outer.aborted ? deadline.signal.reason : error;
        } finally {
          clearTimeout(timer);
        }
        if (lastError !== undefined) deps.logger.info({}, "Refreshing target groups succeeded again");
        lastError = undefined;
        return groups;
      };
      try {
        yield* poll(refreshOnce, signal, { intervalMs: options.intervalMs, reportError, observeDuration: metrics.observeDuration, wait: deps.sleep });
      } finally {
        refresher?.close?.();
      }
    },
  };
}
