/**
 * One list-watch loop (client-go's Reflector, as Prometheus 2.42 drives it; prometheus-oracle.md
 * "Kubernetes", kubernetes.md 2.5). Written here rather than taken from @kubernetes/client-node because its
 * ListWatch does not page the initial list, keeps whole typed objects, stops for good on most errors and
 * drops unparsable lines silently (STYLE 1).
 *
 * - LIST `?[fieldSelector&][labelSelector&]limit=500&resourceVersion=0`, then `continue` pages; each page is
 *   parsed, decoded to the small records of `decode` and dropped.
 * - WATCH `?allowWatchBookmarks=true&…&resourceVersion=<rv>&timeoutSeconds=<300..599>&watch=true`; a
 *   clean end, a cut connection or a deadline re-opens it from the last version seen (event or BOOKMARK).
 * - A 410 (ERROR event or HTTP status) or any other ERROR event relists `?resourceVersion=<last rv>` after a
 *   back-off, falling back to a consistent `?limit=500` list when that version is gone too. The informer
 *   turns a relist into only real differences (kubernetes.md 2.5).
 * - Failed lists and failed watch openings are counted in prometheus_sd_kubernetes_failures_total and
 *   retried with back-off (Backoff); refused connections and 429 only back off, uncounted, as client-go does.
 * - A malformed watch line is counted and the watch is re-opened from the last good version: skipping it
 *   could silently lose the event it carried, re-opening makes the server send it again.
 */
import type { Counter } from "prom-client";
import { HttpStatusError } from "../../../http/index.js";
import type { Logger } from "../../../logging.js";
import { Backoff } from "./backoff.js";
import type { KubeClient } from "./client.js";
import { collectionPath, type KubeObject, type ResourceRef } from "./types.js";

export interface ListWatchSink<T> {
  /** A complete list (initial or relist) keyed by object key. */
  replace(items: Map<string, T>): void;
  /** One watch event. */
  apply(type: "ADDED" | "MODIFIED" | "DELETED", object: T): void;
}

export interface ListWatchOptions<T extends KubeObject> {
  readonly client: KubeClient;
  readonly resource: ResourceRef;
  readonly labelSelector?: string | undefined;
  readonly fieldSelector?: string | undefined;
  readonly decode: (raw: unknown) => T;
  readonly key: (object: T) => string;
  readonly logger: Logger;
  readonly failures: Counter;
  readonly malformedLines: Counter;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<boolean>;
  readonly backoff?: Backoff;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly pageSize?: number;
}

/**
 * Bodies and lines are bounded: a list response (a page, or a whole unpaged list as servers answer
 * `resourceVersion=0` from their watch cache; just under V8's longest string) and one watch event (etcd caps
 * an object at 1.5 MiB; a line carries one object plus its envelope).
 */
export const MAX_LIST_BODY_BYTES = 500 * 1024 * 1024;
export const MAX_WATCH_LINE_BYTES = 16 * 1024 * 1024;
const LIST_TIMEOUT_MS = 5 * 60_000;

type WatchOutcome = "ended" | "expired" | "error-event" | "refused" | "open-failed" | "cut" | "malformed";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; isRecord(e) && depth < 5; e = e["cause"], depth++) {
    if (typeof e["code"] === "string" && !e["code"].startsWith("PROMSD_")) return e["code"];
  }
  return undefined;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class ListError extends Error {
  constructor(readonly status: number, text: string) {
    super(text);
  }
}

export class ListWatch<T extends KubeObject> {
  readonly #o: ListWatchOptions<T>;
  readonly #path: string;
  readonly #backoff: Backoff;
  /** The last resourceVersion seen (list, event or bookmark). */
  #rv = "";

  constructor(options: ListWatchOptions<T>) {
    this.#o = options;
    this.#path = collectionPath(options.resource);
    this.#backoff = options.backoff ?? new Backoff({ ...(options.now && { now: options.now }), ...(options.random && { random: options.random }) });
  }

  get resourceVersion(): string {
    return this.#rv;
  }

  /** Runs until `signal` aborts; never throws for remote failures. */
  async run(sink: ListWatchSink<T>, signal: AbortSignal): Promise<void> {
    let listRv: string | undefined = "0";
    let needsList = true;
    let isFirstList = true;
    while (!signal.aborted) {
      if (needsList) {
        if (!isFirstList && !(await this.#o.sleep(this.#backoff.next(), signal))) return;
        isFirstList = false;
        try {
          sink.replace(await this.#list(listRv, signal));
          needsList = false;
        } catch (error) {
          if (signal.aborted) return;
          this.#o.failures.inc();
          this.#o.logger.warn({ path: this.#path, err: message(error) }, "Kubernetes list failed");
          // The version asked for is gone: the next list is a consistent read of the current state.
          if (error instanceof ListError && error.status === 410) listRv = undefined;
          continue;
        }
      }
      const started = (this.#o.now ?? performance.now.bind(performance))();
      const { outcome, events } = await this.#watch(sink, signal);
      if (signal.aborted) return;
      const isShort = events === 0 && (this.#o.now ?? performance.now.bind(performance))() - started < 1000;
      switch (outcome) {
        case "ended":
        case "cut":
          // Re-open at once from the last version; a watch that ends immediately without events backs off so
          // a broken server cannot make us spin.
          if (isShort && !(await this.#o.sleep(this.#backoff.next(), signal))) return;
          break;
        case "refused":
          if (!(await this.#o.sleep(this.#backoff.next(), signal))) return;
          break;
        case "malformed":
          this.#o.malformedLines.inc();
          if (!(await this.#o.sleep(this.#backoff.next(), signal))) return;
          break;
        case "open-failed":
          this.#o.failures.inc();
          needsList = true;
          listRv = this.#rv;
          break;
        case "expired":
        case "error-event":
          needsList = true;
          listRv = this.#rv;
          break;
      }
    }
  }

  #query(params: Record<string, string | undefined>): string {
    const all: Record<string, string | undefined> = {
      ...params,
      fieldSelector: this.#o.fieldSelector || undefined,
      labelSelector: this.#o.labelSelector || undefined,
    };
    const query = new URLSearchParams();
    for (const name of Object.keys(all).sort()) {
      const value = all[name];
      if (value !== undefined) query.set(name, value);
    }
    return query.toString();
  }

  async #list(resourceVersion: string | undefined, signal: AbortSignal): Promise<Map<string, T>> {
    const items = new Map<string, T>();
    const pageSize = String(this.#o.pageSize ?? 500);
    // Prometheus relists from the last version without a limit (served from the API server's watch cache).
    const isRelist = resourceVersion !== undefined && resourceVersion !== "0";
    let query = this.#query({ limit: isRelist ? undefined : pageSize, resourceVersion });
    let listRv = "";
    for (;;) {
      const response = await this.#o.client.get(`${this.#path}?${query}`, { signal, timeoutMs: LIST_TIMEOUT_MS, maxBodyBytes: MAX_LIST_BODY_BYTES });
      if (response.status !== 200) {
        throw new ListError(response.status, `GET ${this.#path}: server returned HTTP status ${response.status} ${response.statusText}`.trimEnd());
      }
      const page: unknown = JSON.parse(response.body.toString("utf8"));
      const metadata = isRecord(page) && isRecord(page["metadata"]) ? page["metadata"] : {};
      const rawItems = isRecord(page) && Array.isArray(page["items"]) ? page["items"] : [];
      for (const raw of rawItems) {
        const object = this.#o.decode(raw);
        items.set(this.#o.key(object), object);
      }
      listRv = typeof metadata["resourceVersion"] === "string" ? metadata["resourceVersion"] : listRv;
      const token = typeof metadata["continue"] === "string" ? metadata["continue"] : "";
      if (token === "") break;
      query = this.#query({ continue: token, limit: pageSize });
    }
    this.#rv = listRv;
    return items;
  }

  async #watch(sink: ListWatchSink<T>, signal: AbortSignal): Promise<{ outcome: WatchOutcome; events: number }> {
    const random = this.#o.random ?? Math.random;
    const timeoutSeconds = 300 + Math.floor(random() * 300);
    const query = this.#query({ allowWatchBookmarks: "true", resourceVersion: this.#rv, timeoutSeconds: String(timeoutSeconds), watch: "true" });
    let events = 0;
    let pending: Buffer[] = [];
    try {
      const chunks = this.#o.client.watch(`${this.#path}?${query}`, {
        signal,
        // A client-side deadline in case the server never ends the stream it promised to end.
        timeoutMs: (timeoutSeconds + 60) * 1000,
        maxBodyBytes: 1 << 20,
        maxLineBytes: MAX_WATCH_LINE_BYTES,
      });
      for await (const chunk of chunks) {
        let start = 0;
        for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
          pending.push(chunk.subarray(start, newline));
          const line = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
          pending = [];
          start = newline + 1;
          if (line.length === 0) continue;
          const outcome = this.#handleLine(line, sink);
          if (outcome !== undefined) return { outcome, events };
          events++;
        }
        if (start < chunk.length) pending.push(chunk.subarray(start));
      }
      return { outcome: "ended", events };
    } catch (error) {
      if (signal.aborted) return { outcome: "ended", events };
      if (error instanceof HttpStatusError) {
        if (error.status === 410) return { outcome: "expired", events };
        if (error.status === 429) return { outcome: "refused", events };
        this.#o.logger.warn({ path: this.#path, err: message(error) }, "Kubernetes watch failed");
        return { outcome: "open-failed", events };
      }
      if (errorCode(error) === "ECONNREFUSED") return { outcome: "refused", events };
      this.#o.logger.debug({ path: this.#path, err: message(error) }, "Kubernetes watch connection ended");
      return { outcome: "cut", events };
    }
  }

  /** Applies one watch line; returns an outcome when the watch must stop. */
  #handleLine(line: Buffer, sink: ListWatchSink<T>): WatchOutcome | undefined {
    let event: unknown;
    try {
      event = JSON.parse(line.toString("utf8"));
    } catch {
      this.#o.logger.warn({ path: this.#path, bytes: line.length }, "Malformed Kubernetes watch line; re-opening the watch");
      return "malformed";
    }
    const type = isRecord(event) ? event["type"] : undefined;
    const object = isRecord(event) ? event["object"] : undefined;
    if (!isRecord(object)) return "malformed";
    if (type === "ERROR") {
      const code = object["code"];
      this.#o.logger.info({ path: this.#path, code, message: object["message"] }, "Kubernetes watch ended with an error; relisting");
      return code === 410 ? "expired" : "error-event";
    }
    const metadata = isRecord(object["metadata"]) ? object["metadata"] : {};
    const rv = typeof metadata["resourceVersion"] === "string" ? metadata["resourceVersion"] : "";
    if (type === "BOOKMARK") {
      if (rv !== "") this.#rv = rv;
      return undefined;
    }
    if (type !== "ADDED" && type !== "MODIFIED" && type !== "DELETED") return "malformed";
    sink.apply(type, this.#o.decode(object));
    if (rv !== "") this.#rv = rv;
    return undefined;
  }
}
