/**
 * `GET /api/v1/targets` and `GET /api/v1/scrape_pools` in Prometheus's shapes (core.md 6.3, 6.4, 6.6).
 * promsd never scrapes, so every active target is `health: "unknown"`, never scraped. The v3 profile writes
 * label objects without HTML escaping and other strings with it; 2.42 escapes everything, omits
 * `droppedTargetCounts` and the dropped targets' `scrapePool`. `GET /api/v1/targets/failed` is a promsd
 * extra (core.md 7.1): targets that failed target building, which Prometheus only logs.
 */
import { compareUtf8, labelSetKey, RESERVED_LABEL_PREFIX, SCRAPE_INTERVAL_LABEL, SCRAPE_TIMEOUT_LABEL, type LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import type { ActiveTarget, JobTargets, TargetsView } from "../../targets/types.js";
import { goJsonString, labelsJson, stringsJson } from "../http/go-json.js";
import { apiSuccess, type HttpRequest, type HttpResponse } from "../http/router.js";
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

  targets(request: HttpRequest): HttpResponse {
    const state = (request.url.searchParams.get("state") ?? "").toLowerCase();
    const poolFilter = request.url.searchParams.get("scrapePool") ?? "";
    const showActive = state === "" || state === "any" || state === "active";
    const showDropped = state === "" || state === "any" || state === "dropped";
    const isV3 = this.#options.profile === "v3";
    const urls = this.#options.globalUrl();
    const active: string[] = [];
    const dropped: string[] = [];
    const counts: string[] = [];
    for (const pool of this.#pools()) {
      const job = this.#options.targets.job(pool);
      counts.push(`${goJsonString(pool)}:${job?.droppedCount ?? 0}`);
      if (!job || (poolFilter !== "" && pool !== poolFilter)) continue;
      if (showActive) for (const target of sortActive(job)) active.push(this.#activeJson(target, pool, urls));
      if (showDropped) {
        for (const target of job.dropped) {
          const labels = labelsJson(target.discoveredLabels, !isV3);
          dropped.push(isV3 ? `{"discoveredLabels":${labels},"scrapePool":${goJsonString(pool)}}` : `{"discoveredLabels":${labels}}`);
        }
      }
    }
    let data = `{"activeTargets":[${active.join(",")}],"droppedTargets":[${dropped.join(",")}]`;
    if (isV3) data += `,"droppedTargetCounts":${showDropped ? `{${counts.join(",")}}` : "null"}`;
    return apiSuccess(`${data}}`);
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
    const failed: string[] = [];
    for (const pool of this.#pools()) {
      if (poolFilter !== "" && pool !== poolFilter) continue;
      for (const target of this.#options.targets.job(pool)?.failed ?? []) {
        failed.push(
          `{"discoveredLabels":${labelsJson(target.discoveredLabels, false)},"scrapePool":${goJsonString(pool)},` +
            `"source":${goJsonString(target.source)},"index":${target.index},"error":${goJsonString(target.reason)}}`,
        );
      }
    }
    return apiSuccess(`{"failedTargets":[${failed.join(",")}]}`);
  }
}

/** Prometheus leaves the order within a pool unspecified; promsd sorts by scrape URL, then labels. */
function sortActive(job: JobTargets): ActiveTarget[] {
  return [...job.active].sort((a, b) => compareUtf8(a.scrapeUrl, b.scrapeUrl) || compareUtf8(labelSetKey(a.labels), labelSetKey(b.labels)));
}
