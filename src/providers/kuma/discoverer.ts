/**
 * Kuma discovery (discovery/xds/kuma.go + client.go, Prometheus 3.x): a long-poll watch of the control
 * plane's MADS endpoint over xDS v3 REST. Each round POSTs a DiscoveryRequest (./mads.ts) carrying the
 * last accepted `version_info` and `response_nonce` to `<server>/v3/discovery:monitoringassignments?
 * fetch-timeout=<fetch_timeout>`; the server holds the request until the assignments change or
 * `fetch_timeout` passes, then answers 200 (new assignments: one group, source "kuma") or 304 (nothing new,
 * counted in prometheus_sd_kuma_fetch_skipped_updates_total). Rounds start at most every
 * `refresh_interval`, as Prometheus's ticker does; each is cut off after `fetch_timeout` + 15 s (Go's
 * client timeout). Failures are counted in prometheus_sd_kuma_fetch_failures_total (Prometheus's metric;
 * kuma does not use the shared refresh counter), logged once per distinct error, and keep the last targets.
 *
 * Deviation: after consecutive failures the wait grows (jittered, doubling) up to twice `refresh_interval`,
 * where Prometheus retries every tick; each answer is capped (KUMA_DEFAULTS.maxBodyBytes).
 */
import { formatDuration } from "../../config/duration.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import { counter, summary } from "../../metrics/registry.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { uyuniApiUrl } from "../uyuni/discoverer.js";
import type { KumaConfig } from "./config.js";
import { assignmentsToTargets, decodeDiscoveryResponse, discoveryRequestJson } from "./mads.js";

const FETCH_GRACE_MS = 15_000;

/** `<server path>/v3/discovery:monitoringassignments?fetch-timeout=…` (the server's own query is replaced). */
export function madsEndpoint(server: string, fetchTimeoutMs: number): string {
  const withoutQuery = server.split("#")[0]?.split("?")[0] ?? server;
  const joined = uyuniApiUrl(withoutQuery).replace(/\/rpc\/api$/, "/v3/discovery:monitoringassignments");
  return `${joined}?fetch-timeout=${encodeURIComponent(formatDuration(fetchTimeoutMs))}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface KumaOptions {
  readonly client?: HttpClient;
  readonly now?: () => number;
  /** Added to `fetch_timeout` for each request's deadline; Prometheus's 15 s by default. */
  readonly fetchGraceMs?: number;
}

export function createKumaDiscoverer(config: KumaConfig, deps: DiscovererDeps, options: KumaOptions = {}): Discoverer {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(config.server)?.[1] ?? "";
  if (scheme !== "http" && scheme !== "https") throw new SourceError("PROMSD_SOURCE_KUMA_SERVER", "kuma_sd: invalid xDS server URL protocol. must be either 'http' or 'https'");
  const endpoint = madsEndpoint(config.server, config.fetchTimeoutMs);
  const now = options.now ?? Date.now;
  const failures = counter(deps.registry, { name: "prometheus_sd_kuma_fetch_failures_total", help: "The number of Kuma MADS fetch call failures." });
  const skipped = counter(deps.registry, { name: "prometheus_sd_kuma_fetch_skipped_updates_total", help: "The number of Kuma MADS fetch calls that result in no updates to the targets." });
  const duration = summary(deps.registry, { name: "prometheus_sd_kuma_fetch_duration_seconds", help: "The duration of a Kuma MADS fetch call.", percentiles: [0.5, 0.9, 0.99] });

  return {
    async *discover(signal) {
      const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "kuma_sd", registry: deps.registry, logger: deps.logger });
      let versionInfo = "";
      let nonce = "";
      let lastError: string | undefined;
      let consecutiveFailures = 0;
      try {
        while (!signal.aborted) {
          const startedMs = now();
          let groups: TargetGroup[] | undefined;
          try {
            const response = await client.request(endpoint, {
              method: "POST", body: discoveryRequestJson(config.clientId, versionInfo, nonce), signal,
              headers: { "content-type": "application/json", accept: "application/json" },
              timeoutMs: config.fetchTimeoutMs + (options.fetchGraceMs ?? FETCH_GRACE_MS), maxBodyBytes: config.maxBodyBytes,
            });
            duration.observe((now() - startedMs) / 1000);
            if (response.status === 304) skipped.inc();
            else if (response.status !== 200) throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `non 200 status '${response.status}' response during xDS fetch`);
            else {
              const decoded = decodeDiscoveryResponse(JSON.parse(response.body.toString("utf8")) as unknown);
              // As in Prometheus, the version is acknowledged once the response decodes, before its resources do.
              versionInfo = decoded.versionInfo;
              nonce = decoded.nonce;
              groups = [{ source: "kuma", labels: {}, targets: assignmentsToTargets(decoded) }];
            }
            if (lastError !== undefined) deps.logger.info({}, "Kuma MADS fetch succeeded again");
            lastError = undefined;
            consecutiveFailures = 0;
          } catch (error) {
            if (signal.aborted) break;
            failures.inc();
            consecutiveFailures++;
            const message = describe(error);
            if (message !== lastError) deps.logger.error({ err: message }, "error parsing resources");
            lastError = message;
          }
          if (groups !== undefined) yield groups;
          const remainingMs = Math.max(0, config.refreshIntervalMs - (now() - startedMs));
          const backoffMs = consecutiveFailures === 0 ? 0 : Math.min(2 * config.refreshIntervalMs, config.refreshIntervalMs * 2 ** (consecutiveFailures - 1)) * (0.8 + Math.random() * 0.4);
          if (!(await deps.sleep(Math.max(remainingMs, backoffMs), signal))) break;
        }
      } finally {
        if (options.client === undefined) client.close();
      }
    },
  };
}
