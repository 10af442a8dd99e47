/**
 * `GET /api/v1/targets` and `GET /api/v1/scrape_pools` in Prometheus's shapes (core.md 6.3, 6.4, 6.6).
 * promsd never scrapes, so every active target is `health: "unknown"`, never scraped. The v3 profile writes
 * label objects without HTML escaping and other strings with it; 2.42 escapes everything, omits
 * `droppedTargetCounts` and the dropped targets' `scrapePool`. `GET /api/v1/targets/failed` is a promsd
 * extra (core.md 7.1): targets that failed target building, which Prometheus only logs.
 *
 * A job whose providers have not all delivered an initial set (TargetsView.delivery) is served like a
 * Prometheus scrape pool that never synced: left out of the listings (its `droppedTargetCounts` entry is 0),
 * and `?scrapePool=<that job>` answers 503 with the http_sd reason and `waitingFor`, so no script mistakes
 * "not discovered yet" for "no targets".
 */
import { compareUtf8, labelSetKey, RESERVED_LABEL_PREFIX, SCRAPE_INTERVAL_LABEL, SCRAPE_TIMEOUT_LABEL, type LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import type { ActiveTarget, JobTargets, TargetsView } from "../../targets/types.js";
import { goJsonString, labelsJson, stringsJson } from "../http/go-json.js";
import { apiSuccess, jsonArrayPieces, streamedApiSuccess, type HttpRequest, type HttpResponse } from "../http/router.js";
import { notDelivered } from "../http-sd/http-sd.js";
import { globalUrl, type GlobalUrlOptions } from "./global-url.js";

export interface TargetsApiOptions {
  readonly targets: TargetsView;
  readonly profile: Profile;
  /** For `globalUrl`; read at request time because the port is known only after listening. */
  readonly globalUrl: () => GlobalUrlOptions;
}

const NEVER = "0001-01-01T00:00:00Z";

function publicLabels(labels: LabelSet): LabelSet {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(labels)) if (!name.startsWith(RESERVED_LABEL_PREFIX)) out[name] = value;
  return out;
}

export class TargetsApi {
  readonly #options: TargetsApiOptions;

  constructor(options: TargetsApiOptions) {
    this.#options = options;
  }

  /** Pools that exist: every configured job, in ascending order. */
  #pools(): string[] {
    return [...this.#options.targets.jobNames()].sort(compareUtf8);
  }

  scrapePools(): HttpResponse {
    return apiSuccess(`{"scrapePools":${stringsJson(this.#pools())}}`);
  }

  /**
   * Rendered while written (core.md 7.4): one target at a time, so a large job costs a chunk of memory, not
   * the body. The jobs are read once, here, so the body shows one moment even if targets change meanwhile.
   */
  targets(request: HttpRequest): HttpResponse {
    const state = (request.url.searchParams.get("state") ?? "").toLowerCase();
    const poolFilter = request.url.searchParams.get("scrapePool") ?? "";
    const undelivered = this.#undelivered(poolFilter);
    if (undelivered) return undelivered;
    const query: TargetsQuery = {
      poolFilter,
      showActive: state === "" || state === "any" || state === "active",
      showDropped: state === "" || state === "any" || state === "dropped",
      urls: this.#options.globalUrl(),
    };
    const pools = this.#pools().map((pool) => ({ pool, job: this.#deliveredJob(pool) }));
    return streamedApiSuccess(() => this.#targetsData(pools, query));
  }

  /** The job's targets when each of its providers delivered; undefined otherwise (see the file comment). */
  #deliveredJob(pool: string): JobTargets | undefined {
    return this.#options.targets.delivery(pool).isComplete ? this.#options.targets.job(pool) : undefined;
  }

  /** 503 for `scrapePool=` of a configured job not delivered yet. */
  #undelivered(poolFilter: string): HttpResponse | undefined {
    if (poolFilter === "" || !this.#options.targets.jobNames().includes(poolFilter)) return undefined;
    const delivery = this.#options.targets.delivery(poolFilter);
    return delivery.isComplete ? undefined : notDelivered(poolFilter, delivery.waitingFor);
  }

  *#targetsData(pools: readonly PoolTargets[], query: TargetsQuery): Generator<string> {
    const isV3 = this.#options.profile === "v3";
    const shown = pools.filter(({ pool, job }) => job !== undefined && (query.poolFilter === "" || pool === query.poolFilter));
    yield '{"activeTargets":';
    yield* jsonArrayPieces(query.showActive ? this.#activeTargets(shown, query.urls) : []);
    yield ',"droppedTargets":';
    yield* jsonArrayPieces(query.showDropped ? droppedTargets(shown, isV3) : []);
    if (isV3) {
      const counts = pools.map(({ pool, job }) => `${goJsonString(pool)}:${job?.droppedCount ?? 0}`);
      yield `,"droppedTargetCounts":${query.showDropped ? `{${counts.join(",")}}` : "null"}`;
    }
    yield "}";
  }

  *#activeTargets(pools: readonly PoolTargets[], urls: GlobalUrlOptions): Generator<string> {
    for (const { pool, job } of pools) if (job) for (const target of sortActive(job)) yield this.#activeJson(target, pool, urls);
  }

  #activeJson(target: ActiveTarget, pool: string, urls: GlobalUrlOptions): string {
    const escapeLabels = this.#options.profile !== "v3";
    const global = globalUrl(target.scrapeUrl, urls);
    const lastError = global.error === undefined ? "" : `: ${global.error}`;
    return (
      `{"discoveredLabels":${labelsJson(target.discoveredLabels, escapeLabels)},` +
      `"labels":${labelsJson(publicLabels(target.labels), escapeLabels)},` +
      `"scrapePool":${goJsonString(pool)},"scrapeUrl":${goJsonString(target.scrapeUrl)},` +
      `"globalUrl":${goJsonString(global.url)},"lastError":${goJsonString(lastError)},` +
      `"lastScrape":"${NEVER}","lastScrapeDuration":0,"health":"unknown",` +
      `"scrapeInterval":${goJsonString(target.labels[SCRAPE_INTERVAL_LABEL] ?? "")},` +
      `"scrapeTimeout":${goJsonString(target.labels[SCRAPE_TIMEOUT_LABEL] ?? "")}}`
    );
  }

  /** promsd extra: `{"failedTargets":[{discoveredLabels, scrapePool, source, index, error}]}`. */
  failedTargets(request: HttpRequest): HttpResponse {
    const poolFilter = request.url.searchParams.get("scrapePool") ?? "";
    const undelivered = this.#undelivered(poolFilter);
    if (undelivered) return undelivered;
    const pools = this.#pools()
      .filter((pool) => poolFilter === "" || pool === poolFilter)
      .map((pool) => ({ pool, job: this.#deliveredJob(pool) }));
    return streamedApiSuccess(function* failedData() {
      yield '{"failedTargets":';
      yield* jsonArrayPieces(failedTargets(pools));
      yield "}";
    });
  }
}

interface TargetsQuery {
  readonly poolFilter: string;
  readonly showActive: boolean;
  readonly showDropped: boolean;
  readonly urls: GlobalUrlOptions;
}

/** A pool and its targets as read when the request arrived; `job` is undefined until the job is built. */
interface PoolTargets {
  readonly pool: string;
  readonly job: JobTargets | undefined;
}

function* droppedTargets(pools: readonly PoolTargets[], isV3: boolean): Generator<string> {
  for (const { pool, job } of pools) {
    for (const target of job?.dropped ?? []) {
      const labels = labelsJson(target.discoveredLabels, !isV3);
      yield isV3 ? `{"discoveredLabels":${labels},"scrapePool":${goJsonString(pool)}}` : `{"discoveredLabels":${labels}}`;
    }
  }
}

function* failedTargets(pools: readonly PoolTargets[]): Generator<string> {
  for (const { pool, job } of pools) {
    for (const target of job?.failed ?? []) {
      yield (
        `{"discoveredLabels":${labelsJson(target.discoveredLabels, false)},"scrapePool":${goJsonString(pool)},` +
        `"source":${goJsonString(target.source)},"index":${target.index},"error":${goJsonString(target.reason)}}`
      );
    }
  }
}

/** Prometheus leaves the order within a pool unspecified; promsd sorts by scrape URL, then labels. */
function sortActive(job: JobTargets): ActiveTarget[] {
  return [...job.active].sort((a, b) => compareUtf8(a.scrapeUrl, b.scrapeUrl) || compareUtf8(labelSetKey(a.labels), labelSetKey(b.labels)));
}
