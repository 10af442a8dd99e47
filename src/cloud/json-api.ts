/**
 * What the plain-HTTP cloud mechanisms (hetzner, digitalocean, linode, vultr, ionos, scaleway, …) share:
 * one JSON GET with a status check, a body cap and rate-limit answers met with backoff, and a page loop
 * with a hard page limit. The cloud SDK mechanisms (AWS, Azure) page and retry through their SDKs instead.
 *
 * Rate limits: 429 and 503 are retried after `Retry-After` (seconds or an HTTP date) or a capped, jittered
 * exponential backoff, at most `maxRetries` times, every wait honouring the caller's signal, so a throttled
 * refresh slows down instead of spinning; the refresh deadline (providers/refresh-discoverer.ts) still
 * bounds the whole refresh.
 */
import { SourceError } from "../errors.js";
import type { HttpClient, HttpRequestOptions, HttpResponse } from "../http/http-client.js";
import { sleep } from "../providers/polling.js";

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_PAGES = 10_000;

export interface JsonRequestOptions extends Omit<HttpRequestOptions, "maxBodyBytes"> {
  readonly maxBodyBytes?: number;
  /** Retries of 429/503 answers (default 4). */
  readonly maxRetries?: number;
  /** First backoff when the answer has no Retry-After (default 1 s, doubling, capped at 30 s, ±20 %). */
  readonly backoffMs?: number;
  /** Deps' sleep, so tests control time. */
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /** For error messages: `hetzner`, `linode`, … */
  readonly mechanism: string;
  /** Headers computed again before every attempt (request signatures that carry a timestamp), merged over `headers`. */
  readonly signHeaders?: () => Readonly<Record<string, string>>;
}

const RETRIED_STATUSES = new Set([429, 503]);
const MAX_BACKOFF_MS = 30_000;

/** Milliseconds a Retry-After header asks for, or undefined when absent or unreadable. */
export function retryAfterMs(header: string | undefined, nowMs = Date.now()): number | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** The request, retried on 429/503 with backoff; any other status is returned for the caller to judge. */
export async function requestWithBackoff(client: HttpClient, url: string, options: JsonRequestOptions): Promise<HttpResponse> {
  const { maxRetries = 4, backoffMs = 1000, wait = sleep, maxBodyBytes = DEFAULT_MAX_BODY_BYTES } = options;
  for (let attempt = 0; ; attempt++) {
    const headers = options.signHeaders ? { ...options.headers, ...options.signHeaders() } : options.headers;
    const response = await client.request(url, { ...options, ...(headers ? { headers } : {}), maxBodyBytes });
    if (!RETRIED_STATUSES.has(response.status) || attempt >= maxRetries) return response;
    const exponential = Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    const delayMs = Math.min(MAX_BACKOFF_MS, retryAfterMs(response.headers["retry-after"]) ?? exponential);
    if (!(await wait(delayMs, options.signal))) throw options.signal.reason;
  }
}

/** GETs (or POSTs) `url` and parses a 2xx JSON body as `unknown`; anything else is a SourceError. */
export async function fetchJson(client: HttpClient, url: string, options: JsonRequestOptions): Promise<unknown> {
  const response = await requestWithBackoff(client, url, options);
  if (response.status < 200 || response.status > 299) {
    const excerpt = response.body.subarray(0, 512).toString("utf8").trim();
    throw new SourceError("PROMSD_SOURCE_HTTP_STATUS", `${options.mechanism}: ${url}: server returned HTTP status ${response.status} ${response.statusText}${excerpt === "" ? "" : `: ${excerpt}`}`.trimEnd());
  }
  try {
    return JSON.parse(response.body.toString("utf8")) as unknown;
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_BAD_BODY", `${options.mechanism}: ${url}: invalid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

export interface Page<T> {
  readonly items: readonly T[];
  /** The next page's cursor (URL, token or number as text); undefined on the last page. */
  readonly next: string | undefined;
}

/** Fetches pages until `next` is undefined; more than `maxPages` pages (a looping cursor) is an error. */
export async function collectPages<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, options: { mechanism: string; maxPages?: number }): Promise<T[]> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const items: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; ; page++) {
    if (page >= maxPages) throw new SourceError("PROMSD_SOURCE_TOO_MANY_PAGES", `${options.mechanism}: more than ${maxPages} pages; stopping (a cursor that never ends?)`);
    const result = await fetchPage(cursor);
    items.push(...result.items);
    if (result.next === undefined || result.next === cursor) return items;
    cursor = result.next;
  }
}
