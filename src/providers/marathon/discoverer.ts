/**
 * Marathon discovery (spec marathon.md): every `refresh_interval`, GET `<server>/v2/apps/?embed=apps.tasks`
 * from one server picked at random, decode it with Go's JSON rules (./apps.ts) and turn every port of every
 * task into a target (./groups.ts). Apps that vanished since the last successful refresh come out as empty
 * groups (the shared poll loop). A failed refresh is logged and counted and emits nothing.
 *
 * Deviation (documented in marathon.md 2): promsd bounds each request by `refresh_interval`, where
 * Prometheus waits forever on a server that accepts the connection and never answers.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import type { TargetGroup } from "../../model/target-group.js";
import { poll } from "../polling.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { refreshMetricHooks } from "../refresh-metrics.js";
import { decodeAppList, MarathonDecodeError } from "./apps.js";
import type { MarathonConfig } from "./config.js";
import { appsToGroups } from "./groups.js";

/** The exact path Prometheus appends to the configured server string. */
export const MARATHON_APPS_PATH = "/v2/apps/?embed=apps.tasks";

export interface MarathonOptions {
  readonly client?: HttpClient;
  /** Picks the server index for a refresh; uniform random by default, as Prometheus does. */
  readonly pickServer?: (count: number) => number;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Throws SourceError `unable to read auth token file <path>: <error>` when the token file is unreadable
 * now: Prometheus fails the discoverer's creation then (counted in prometheus_sd_failed_configs).
 */
export function createMarathonDiscoverer(config: MarathonConfig, deps: DiscovererDeps, options: MarathonOptions = {}): Discoverer {
  if (config.authTokenFile !== "") {
    try {
      readFileSync(config.authTokenFile);
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_MARATHON_TOKEN", `unable to read auth token file ${config.authTokenFile}: ${describeError(error)}`, { cause: error });
    }
  }
  const metrics = refreshMetricHooks(deps.registry, "marathon", deps.jobNames[0] ?? "");
  const pickServer = options.pickServer ?? ((count: number) => Math.floor(Math.random() * count));

  async function tokenHeaders(): Promise<Record<string, string>> {
    if (config.authTokenFile !== "") {
      try {
        return { authorization: `token=${(await readFile(config.authTokenFile, "utf8")).trim()}` };
      } catch (error) {
        throw new SourceError("PROMSD_SOURCE_MARATHON_TOKEN", `unable to read auth token file ${config.authTokenFile}: ${describeError(error)}`, { cause: error });
      }
    }
    return config.authToken.isEmpty ? {} : { authorization: `token=${config.authToken.reveal()}` };
  }

  async function refresh(client: HttpClient, signal: AbortSignal): Promise<readonly TargetGroup[]> {
    const server = config.servers[pickServer(config.servers.length)] ?? "";
    const url = `${server}${MARATHON_APPS_PATH}`;
    const headers = await tokenHeaders();
    const response = await client.request(url, { signal, headers, timeoutMs: config.refreshIntervalMs, maxBodyBytes: config.maxBodyBytes });
    if (response.status < 200 || response.status > 299) {
      throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `non 2xx status '${response.status}' response during marathon service discovery`);
    }
    try {
      return appsToGroups(decodeAppList(response.body));
    } catch (error) {
      if (error instanceof MarathonDecodeError) throw new SourceError("PROMSD_SOURCE_MARATHON_BODY", `${JSON.stringify(url)}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  return {
    async *discover(signal) {
      // Prometheus sends Go's default User-Agent here; promsd sends its own (servers do not check it).
      const client = options.client ?? createHttpClient(config.httpClient, { dialerName: "marathon_sd", registry: deps.registry, logger: deps.logger });
      let lastError: string | undefined;
      const reportError = (error: unknown): void => {
        metrics.countFailure();
        const message = describeError(error);
        // Logged once per change of state, not on every tick of a long outage (STYLE 2.9).
        if (message !== lastError) deps.logger.error({ err: message }, "Unable to refresh target groups");
        lastError = message;
      };
      const refreshAndNote = async (refreshSignal: AbortSignal): Promise<readonly TargetGroup[]> => {
        const groups = await refresh(client, refreshSignal);
        if (lastError !== undefined) deps.logger.info({}, "Refreshing target groups succeeded again");
        lastError = undefined;
        return groups;
      };
      try {
        yield* poll(refreshAndNote, signal, { intervalMs: config.refreshIntervalMs, reportError, observeDuration: metrics.observeDuration, wait: deps.sleep });
      } finally {
        if (options.client === undefined) client.close();
      }
    },
  };
}
