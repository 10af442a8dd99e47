/**
 * Linode discovery (Prometheus discovery/linode, not in 2.42): the first refresh lists every instance,
 * IP address and IPv6 range (`/v4/linode/instances`, `/v4/networking/ips`, `/v4/networking/ipv6/ranges`,
 * `page_size=500`, following `page`/`pages`, `region` as `X-Filter`). Later refreshes first ask
 * `/v4/account/events` (one page of 25, `X-Filter` created since the last refresh) and keep the last
 * targets when nothing happened, except every 10th poll; a 401 there turns event polling off for good
 * (the token may lack the events scope) and lists everything from then on. A failed full refresh also
 * counts in `prometheus_sd_linode_failures_total`. Plain HTTP instead of linodego: bearer-token JSON with
 * page numbers.
 */
import { collectPages, fetchJson } from "../../cloud/json-api.js";
import { GoStruct } from "../../cloud/go-json.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient } from "../../http/http-client.js";
import { counter } from "../../metrics/registry.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { createRefreshDiscoverer, type Refresher } from "../refresh-discoverer.js";
import type { LinodeConfig } from "./config.js";
import { linodeTarget } from "./targets.js";

const PAGE_SIZE = 500;
const EVENTS_PAGE_SIZE = 25;
/** Prometheus lists everything at least every this many event polls. */
const FORCED_REFRESH_POLLS = 10;

/** Go's "2006-01-02T15:04:05" in UTC. */
const goTimestamp = (date: Date): string => date.toISOString().slice(0, 19);

export interface LinodeOptions {
  /** The clock, for the events filter (tests pass a fixed one). */
  readonly now?: () => Date;
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof SourceError && error.code === "PROMSD_SOURCE_HTTP_STATUS" && / HTTP status 401 /.test(`${error.message} `);
}

export function createLinodeDiscoverer(config: LinodeConfig, deps: DiscovererDeps, options: LinodeOptions = {}): Discoverer {
  const now = options.now ?? (() => new Date());
  const failures = counter(deps.registry, { name: "prometheus_sd_linode_failures_total", help: "Number of Linode service discovery refresh failures." });
  const created = now();

  function open(): Refresher {
    const client = createHttpClient(config.httpClient, { dialerName: "linode_sd", registry: deps.registry, logger: deps.logger });
    const get = (path: string, query: string, filter: string, signal: AbortSignal): Promise<unknown> =>
      fetchJson(client, `${config.endpoint}${path}?${query}`, { signal, mechanism: "linode", maxBodyBytes: config.maxBodyBytes, wait: deps.sleep, headers: filter === "" ? {} : { "x-filter": filter } });
    const listAll = (path: string, signal: AbortSignal): Promise<GoStruct[]> => {
      const filter = config.region === "" ? "" : `{"region": "${config.region}"}`;
      return collectPages(async (cursor) => {
        const page = Number(cursor ?? "1");
        const body = GoStruct.of(await get(path, `page=${page}&page_size=${PAGE_SIZE}`, filter, signal), "linodego.pagedResponse");
        return { items: body.structs("data", "linodego.item"), next: page < body.int("pages") ? String(page + 1) : undefined };
      }, { mechanism: "linode" });
    };
    let lastRefresh = created;
    let lastGroups: TargetGroup[] | undefined;
    let pollCount = 0;
    let isEventPolling = true;

    async function listEverything(signal: AbortSignal): Promise<TargetGroup[]> {
      try {
        const instances = await listAll("/linode/instances", signal);
        const ips = await listAll("/networking/ips", signal);
        const ranges = await listAll("/networking/ipv6/ranges", signal);
        const targets = instances.map((i) => linodeTarget(i, ips, ranges, config.port, config.tagSeparator)).filter((t): t is LabelSet => t !== undefined);
        return [{ source: "Linode", labels: {}, targets }];
      } catch (error) {
        failures.inc();
        throw error;
      }
    }

    /** False when account events say nothing changed since the last refresh (and no forced refresh is due). */
    async function needsFullRefresh(signal: AbortSignal): Promise<boolean> {
      if (lastGroups === undefined || !isEventPolling) return true;
      try {
        const filter = `{"created": {"+gte": "${goTimestamp(lastRefresh)}"}}`;
        const events = GoStruct.of(await get("/account/events", `page=1&page_size=${EVENTS_PAGE_SIZE}`, filter, signal), "linodego.EventsPagedResponse");
        pollCount++;
        return events.list("data").length > 0 || pollCount >= FORCED_REFRESH_POLLS;
      } catch (error) {
        if (!isUnauthorized(error)) throw error;
        isEventPolling = false;
        return true;
      }
    }

    return {
      async refresh(signal) {
        const startedAt = now();
        if (await needsFullRefresh(signal)) {
          lastGroups = await listEverything(signal);
          pollCount = 0;
        }
        lastRefresh = startedAt;
        return lastGroups ?? [];
      },
      close: () => client.close(),
    };
  }

  return createRefreshDiscoverer({ mechanism: "linode", intervalMs: config.refreshIntervalMs, open }, deps);
}
