/**
 * HTTP discovery (spec http.md, core.md 6.2): GET `url` every `refresh_interval` through the shared HTTP
 * client, require status 200 and a JSON content type, decode the body as file_sd-style groups. Group `i`
 * has source `<url>:<i>` and the `__meta_url` label; indexes that vanished since the last successful
 * refresh come out as empty groups (the shared poll loop does that). Any failure is logged, counted in
 * `prometheus_sd_http_failures_total` and the refresh counters, and emits nothing, so the last good
 * targets stay for as long as the endpoint is broken.
 */
import { SourceError } from "../../errors.js";
import { createHttpClient, redactUrl, type HttpClient } from "../../http/http-client.js";
import { ADDRESS_LABEL } from "../../model/labels.js";
import { decodeGroupsJson, GroupDecodeError } from "../../model/target-group-codec.js";
import type { TargetGroup } from "../../model/target-group.js";
import { counter } from "../../metrics/registry.js";
import { poll } from "../polling.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { refreshMetricHooks } from "../refresh-metrics.js";
import type { HttpSdConfig } from "./config.js";

export const META_URL = "__meta_url";

/** `application/json`, optionally with a utf-8 charset and nothing else (http.md 3.3). */
const JSON_CONTENT_TYPE = /^application\/json(;\s*charset=("utf-8"|utf-8))?$/i;

export interface HttpSdOptions {
  /** Tests and embedders may pass their own client; by default one is created per discover() call. */
  readonly client?: HttpClient;
}

/** X-Prometheus-Refresh-Interval-Seconds: seconds in the shortest decimal form (`60`, `0.5`). */
export function refreshIntervalHeader(refreshIntervalMs: number): string {
  return String(refreshIntervalMs / 1000);
}

/** Turns a successful response body into groups; throws SourceError for Prometheus's failure cases. */
export function groupsFromResponse(
  config: Pick<HttpSdConfig, "url" | "scheme">,
  response: { status: number; statusText: string; headers: Readonly<Record<string, string>>; body: Buffer },
): TargetGroup[] {
  if (response.status !== 200) {
    throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `server returned HTTP status ${response.status} ${response.statusText}`.trimEnd());
  }
  const contentType = response.headers["content-type"];
  if (contentType === undefined || !JSON_CONTENT_TYPE.test(contentType.trim())) {
    throw new SourceError("PROMSD_SOURCE_HTTP_CONTENT_TYPE", `unsupported content type ${JSON.stringify(contentType ?? "")}`);
  }
  let decoded;
  try {
    decoded = decodeGroupsJson(response.body, config.scheme);
  } catch (error) {
    if (error instanceof GroupDecodeError) throw new SourceError("PROMSD_SOURCE_HTTP_BODY", error.message, { cause: error });
    throw error;
  }
  return decoded.map((group, index) => ({
    source: `${config.url}:${index}`,
    labels: { ...group.labels, [META_URL]: config.url },
    targets: group.targets.map((address) => ({ [ADDRESS_LABEL]: address })),
  }));
}

export function createHttpSdDiscoverer(config: HttpSdConfig, deps: DiscovererDeps, options: HttpSdOptions = {}): Discoverer {
  const failures = counter(deps.registry, { name: "prometheus_sd_http_failures_total", help: "Number of HTTP service discovery refresh failures." });
  const metrics = refreshMetricHooks(deps.registry, "http", deps.jobNames[0] ?? "");
  const headers = { accept: "application/json", "x-prometheus-refresh-interval-seconds": refreshIntervalHeader(config.refreshIntervalMs) };

  return {
    async *discover(signal) {
      const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "http", registry: deps.registry, logger: deps.logger });
      let lastError: string | undefined;
      const refresh = async (refreshSignal: AbortSignal): Promise<readonly TargetGroup[]> => {
        const response = await client.request(config.url, { signal: refreshSignal, headers, timeoutMs: config.refreshIntervalMs, maxBodyBytes: config.maxBodyBytes });
        const groups = groupsFromResponse(config, response);
        if (lastError !== undefined) deps.logger.info({ url: redactUrl(new URL(config.url)) }, "Refreshing target groups succeeded again");
        lastError = undefined;
        return groups;
      };
      const reportError = (error: unknown): void => {
        failures.inc();
        metrics.countFailure();
        const message = error instanceof Error ? error.message : String(error);
        // Logged once per change of state, not on every tick of a long outage (STYLE 2.9).
        if (message !== lastError) deps.logger.error({ err: message }, "Unable to refresh target groups");
        lastError = message;
      };
      try {
        yield* poll(refresh, signal, { intervalMs: config.refreshIntervalMs, reportError, observeDuration: metrics.observeDuration, wait: deps.sleep });
      } finally {
        if (options.client === undefined) client.close();
      }
    },
  };
}
