/**
 * A fake Consul agent speaking the HTTP API that Prometheus's and promsd's consul discovery use:
 * /v1/agent/self, /v1/catalog/services and /v1/health/service/<name>, with blocking-query semantics (a request
 * whose `index` is current is held until the data changes or the hold time ends), `X-Consul-Index` on every
 * answer, server-side `tag` and `node-meta` filtering, an ACL token check, and scriptable faults.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { startServer, type TestServer } from "../../http/test-support.js";

export interface FakeConsulOptions {
  readonly datacenter?: string;
  /** When set, requests must carry this X-Consul-Token. */
  readonly token?: string;
  /** How long a blocking query is held at most (real Consul: `wait`, up to 10 min). */
  readonly holdMs?: number;
}

export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly body?: string }
  | { readonly kind: "garbage" }
  | { readonly kind: "truncated" }
  | { readonly kind: "oversized"; readonly bytes: number }
  | { readonly kind: "stall" }
  | { readonly kind: "no-index" }
  | { readonly kind: "content-type"; readonly value: string };

export interface RecordedRequest {
  readonly path: string;
  readonly query: string;
  readonly token: string | undefined;
  /** The Authorization header (basic auth, bearer), as sent. */
  readonly authorization: string | undefined;
}

/** A health entry as Consul returns it: `{Node, Service, Checks}` objects, stored verbatim. */
export type HealthEntryJson = Record<string, unknown>;

export class FakeConsul {
  readonly requests: RecordedRequest[] = [];
  #index = 1;
  readonly #services = new Map<string, HealthEntryJson[]>();
  readonly #waiters = new Set<() => void>();
  readonly #faults: Fault[] = [];
  #server: TestServer | undefined;
  #origin = "";

  constructor(readonly options: FakeConsulOptions = {}) {}

  get origin(): string {
    return this.#origin;
  }
  /** `host:port`, as `server:` is usually written. */
  get address(): string {
    return this.#origin.replace(/^http:\/\//, "");
  }
  get port(): number {
    return Number(new URL(this.#origin).port);
  }
  get index(): number {
    return this.#index;
  }

  /** Listens on `port` (0 = any); restart an outage on the same port with `start(previousPort)`. */
  async start(port = 0): Promise<this> {
    this.#server = await startServer((req, res) => void this.#handle(req, res), { port });
    this.#origin = this.#server.origin;
    return this;
  }

  /** Releases held queries and drops every connection. */
  async close(): Promise<void> {
    for (const wake of this.#waiters) wake();
    await this.#server?.close();
  }

  /** Registers or replaces a service's instances; bumps the index and releases blocked queries. */
  setService(name: string, entries: HealthEntryJson[]): void {
    this.#services.set(name, entries);
    this.bump();
  }

  removeService(name: string): void {
    this.#services.delete(name);
    this.bump();
  }

  /** Moves the index (to `to` when given, e.g. backwards) and releases blocked queries. */
  bump(to?: number): void {
    this.#index = to ?? this.#index + 1;
    for (const wake of [...this.#waiters]) wake();
  }

  /** The next matching requests fail this way, in order. */
  fail(...faults: Fault[]): void {
    this.#faults.push(...faults);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    const token = req.headers["x-consul-token"];
    const authorization = req.headers.authorization;
    this.requests.push({ path: url.pathname, query: url.search.slice(1), token: typeof token === "string" ? token : undefined, authorization });
    if (this.options.token !== undefined && token !== this.options.token) return this.#send(res, 403, "ACL not found", "text/plain");
    const fault = url.pathname === "/v1/agent/self" ? undefined : this.#faults.shift();
    if (fault?.kind === "stall") return; // never answers; the client's timeout must fire
    if (fault?.kind === "status") return this.#send(res, fault.status, fault.body ?? "internal error", "text/plain");
    if (url.pathname === "/v1/agent/self") return this.#send(res, 200, JSON.stringify({ Config: { Datacenter: this.options.datacenter ?? "test-dc" } }));
    const requested = Number(url.searchParams.get("index") ?? "0");
    if (requested > 0 && requested >= this.#index) await this.#hold(waitMs(url.searchParams.get("wait")));
    let body: string;
    if (url.pathname === "/v1/catalog/services") body = JSON.stringify(this.#catalog(url));
    else if (url.pathname.startsWith("/v1/health/service/")) body = JSON.stringify(this.#health(decodeURIComponent(url.pathname.slice("/v1/health/service/".length)), url));
    else return this.#send(res, 404, "not found", "text/plain");
    if (fault?.kind === "garbage") body = "<html>not json";
    if (fault?.kind === "oversized") body = `[${" ".repeat(fault.bytes)}]`;
    if (fault?.kind === "truncated") {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(body.length + 100), "X-Consul-Index": String(this.#index) });
      res.write(body.slice(0, Math.floor(body.length / 2)));
      res.socket?.destroy();
      return;
    }
    this.#send(res, 200, body, fault?.kind === "content-type" ? fault.value : "application/json", fault?.kind !== "no-index");
  }

  /** Holds until the data changes, or for min(`wait`, holdMs) as Consul caps a blocking query at its `wait`. */
  #hold(requestedWaitMs: number | undefined): Promise<void> {
    const holdMs = this.options.holdMs ?? 1000;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, requestedWaitMs === undefined ? holdMs : Math.min(requestedWaitMs, holdMs));
      this.#waiters.add(done);
    });
  }

  #send(res: ServerResponse, status: number, body: string, contentType = "application/json", withIndex = true): void {
    if (res.destroyed) return;
    res.writeHead(status, { "Content-Type": contentType, ...(withIndex ? { "X-Consul-Index": String(this.#index) } : {}) });
    res.end(body);
  }

  #nodeMetaMatches(entry: HealthEntryJson, url: URL): boolean {
    const meta = ((entry.Node as Record<string, unknown> | undefined)?.Meta ?? {}) as Record<string, unknown>;
    return url.searchParams.getAll("node-meta").every((pair) => {
      const cut = pair.indexOf(":");
      return meta[pair.slice(0, cut)] === pair.slice(cut + 1);
    });
  }

  #catalog(url: URL): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [name, entries] of this.#services) {
      const matching = entries.filter((e) => this.#nodeMetaMatches(e, url));
      if (matching.length === 0 && entries.length > 0) continue;
      const tags = new Set<string>();
      for (const e of matching) for (const t of ((e.Service as Record<string, unknown> | undefined)?.Tags ?? []) as string[]) tags.add(t);
      out[name] = [...tags];
    }
    return out;
  }

  #health(name: string, url: URL): HealthEntryJson[] {
    const wanted = url.searchParams.getAll("tag");
    return (this.#services.get(name) ?? []).filter((e) => {
      const tags = ((e.Service as Record<string, unknown> | undefined)?.Tags ?? []) as string[];
      return this.#nodeMetaMatches(e, url) && wanted.every((t) => tags.includes(t));
    });
  }
}

/** Consul's `wait` parameter: a Go duration with one unit (`120000ms`, `5s`, `2m`); a bare number is seconds. */
export function waitMs(wait: string | null): number | undefined {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)?$/.exec(wait ?? "");
  if (!match) return undefined;
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "ms" | "s" | "m" | "h"]; // the regex admits only these units
  return Number(match[1]) * unitMs;
}
