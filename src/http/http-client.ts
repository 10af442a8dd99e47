/**
 * The one HTTP client every provider uses (spec common.md 6), built on node:http so that TLS files,
 * proxies, byte caps and connection metrics are ours to control. It reproduces what a Prometheus HTTP client
 * looks like on the wire: credentials from the HTTP client block, no `Accept-Encoding`, keep-alive
 * connections, redirects followed up to 10 times like Go's client. Unlike Go's client, credentials
 * (`Authorization`, cookies, secret `http_headers`) are never sent to a host other than the original one.
 *
 * Failures are SourceErrors with stable codes (`PROMSD_SOURCE_HTTP_NETWORK`, `_TIMEOUT`, `_TOO_LARGE`, …);
 * an abort by the caller's signal rejects with `signal.reason`. Messages never contain secrets: URLs are
 * shown with their password replaced by `xxxxx`, as Go does.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Registry } from "prom-client";
import type { HttpClientConfig } from "../config/http-client.js";
import { SourceError } from "../errors.js";
import type { Logger } from "../logging.js";
import { createDialTracker, noDialTracking } from "./conntrack.js";
import { requestCredentials } from "./credentials.js";
import { OAuth2TokenSource } from "./oauth2.js";
import { createProxySelector, urlHost } from "./proxy.js";
import { Transport } from "./transport.js";
import { PROMSD_USER_AGENT } from "./version.js";

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface HttpRequestOptions {
  readonly signal: AbortSignal;
  /** GET by default. A POST/PUT body is resent on 307/308; 301/302/303 turn the request into a GET, as Go's client does. */
  readonly method?: "GET" | "HEAD" | "POST" | "PUT";
  readonly body?: string | Buffer;
  readonly headers?: Readonly<Record<string, string>>;
  /** Deadline for the whole exchange: connect, redirects, headers and body (streams: until the stream ends). */
  readonly timeoutMs?: number;
  /** Bodies larger than this fail with PROMSD_SOURCE_HTTP_TOO_LARGE. */
  readonly maxBodyBytes: number;
}

export interface HttpClient {
  /** GET (or `options.method`) `url`; resolves with any status (the caller judges it), rejects with SourceError on transport failures. */
  request(url: string, options: HttpRequestOptions): Promise<HttpResponse>;
  /**
   * Streaming GET for watches: yields body chunks as they arrive. A status outside 200–299 rejects with
   * HttpStatusError (its body capped by `maxBodyBytes`); a line longer than `maxLineBytes` fails with
   * PROMSD_SOURCE_HTTP_TOO_LARGE. Breaking out of the loop closes the connection.
   */
  stream(url: string, options: HttpRequestOptions & { readonly maxLineBytes: number }): AsyncIterable<Buffer>;
  /** Closes every connection; idempotent. */
  close(): void;
}

export interface HttpClientOptions {
  /** Defaults to `promsd/<version>`. */
  readonly userAgent?: string;
  /** The `dialer_name` of the conntrack counters: `consul_sd`, `marathon_sd`, `http`, … */
  readonly dialerName: string;
  readonly registry?: Registry;
  readonly logger?: Logger;
  /** Send every `http:` request over this unix socket (see TransportOptions.socketPath). */
  readonly socketPath?: string;
}

/** A non-2xx answer to a streaming request. */
export class HttpStatusError extends SourceError {
  constructor(readonly status: number, readonly statusText: string, readonly body: Buffer, url: string) {
    super("PROMSD_SOURCE_HTTP_STATUS", `Get ${JSON.stringify(url)}: server returned HTTP status ${status} ${statusText}`.trimEnd());
  }
}

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The URL as Go prints it in errors: the password of userinfo replaced by `xxxxx`, no fragment. */
export function redactUrl(url: URL): string {
  if (url.password === "") return url.href.replace(/#.*$/, "");
  const copy = new URL(url.href);
  copy.password = "xxxxx";
  copy.hash = "";
  return copy.href;
}

function flattenHeaders(response: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

export function createHttpClient(config: HttpClientConfig, options: HttpClientOptions): HttpClient {
  return new NodeHttpClient(config, options);
}

class NodeHttpClient implements HttpClient {
  readonly #config: HttpClientConfig;
  readonly #userAgent: string;
  readonly #transport: Transport;
  readonly #oauth2: OAuth2TokenSource | undefined;

  constructor(config: HttpClientConfig, options: HttpClientOptions) {
    this.#config = config;
    this.#userAgent = options.userAgent ?? PROMSD_USER_AGENT;
    const dials = options.registry === undefined ? noDialTracking : createDialTracker(options.registry, options.dialerName);
    this.#transport = new Transport({ tls: config.tlsConfig, selectProxy: createProxySelector(config), proxyConnectHeader: config.proxyConnectHeader, dials, socketPath: options.socketPath });
    this.#oauth2 = config.oauth2 && new OAuth2TokenSource(config.oauth2, dials);
  }

  async request(url: string, options: HttpRequestOptions): Promise<HttpResponse> {
    return this.#withDeadline(url, options, async (signal, target) => {
      const response = await this.#send(target, options, signal);
      const body = await readBody(response, options.maxBodyBytes, target, signal);
      return { status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", headers: flattenHeaders(response), body };
    });
  }

  async *stream(url: string, options: HttpRequestOptions & { readonly maxLineBytes: number }): AsyncIterable<Buffer> {
    const stop = new AbortController();
    const { signal, target, release } = this.#deadline(url, options, stop.signal);
    try {
      const response = await this.#send(target, options, signal).catch((error: unknown) => {
        throw describe(error, target, options.signal, signal);
      });
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 299) {
        const body = await readBody(response, options.maxBodyBytes, target, signal).catch(() => Buffer.alloc(0));
        throw new HttpStatusError(status, response.statusMessage ?? "", body, redactUrl(target));
      }
      let lineBytes = 0;
      try {
        for await (const chunk of response) {
          const buffer = chunk as Buffer; // an IncomingMessage without encoding yields Buffers
          let lineStart = 0;
          for (let newline = buffer.indexOf(0x0a); newline >= 0; newline = buffer.indexOf(0x0a, lineStart)) {
            if (lineBytes + newline - lineStart > options.maxLineBytes) throw lineTooLong(target, options.maxLineBytes);
            lineBytes = 0;
            lineStart = newline + 1;
          }
          lineBytes += buffer.length - lineStart;
          if (lineBytes > options.maxLineBytes) throw lineTooLong(target, options.maxLineBytes);
          yield buffer;
        }
      } catch (error) {
        throw describe(error, target, options.signal, signal);
      }
    } finally {
      stop.abort();
      release();
    }
  }

  close(): void {
    this.#transport.close();
    this.#oauth2?.close();
  }

  async #withDeadline<T>(url: string, options: HttpRequestOptions, work: (signal: AbortSignal, target: URL) => Promise<T>): Promise<T> {
    const { signal, target, release } = this.#deadline(url, options);
    try {
      return await work(signal, target);
    } catch (error) {
      throw describe(error, target, options.signal, signal);
    } finally {
      release();
    }
  }

  /** Combines the caller's signal, an optional extra signal and the timeout into one. */
  #deadline(url: string, options: HttpRequestOptions, extra?: AbortSignal): { signal: AbortSignal; target: URL; release: () => void } {
    let target: URL;
    try {
      target = new URL(url);
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_HTTP_NETWORK", `invalid request URL: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      throw new SourceError("PROMSD_SOURCE_HTTP_NETWORK", `Get ${JSON.stringify(redactUrl(target))}: unsupported protocol scheme ${JSON.stringify(target.protocol.slice(0, -1))}`);
    }
    const controller = new AbortController();
    const forward = (): void => controller.abort(options.signal.reason);
    const forwardExtra = (): void => controller.abort(extra?.reason);
    if (options.signal.aborted) forward();
    options.signal.addEventListener("abort", forward, { once: true });
    extra?.addEventListener("abort", forwardExtra, { once: true });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(new TimeoutMarker()), options.timeoutMs);
    const release = (): void => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", forward);
      extra?.removeEventListener("abort", forwardExtra);
    };
    return { signal: controller.signal, target, release };
  }

  /** Sends the request and follows redirects; resolves with the final response head. */
  async #send(original: URL, options: HttpRequestOptions, signal: AbortSignal): Promise<IncomingMessage> {
    const callerHeaders: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) callerHeaders[name.toLowerCase()] = value;
    const credentials = await requestCredentials(this.#config, this.#oauth2, signal);
    let url = original;
    let method = options.method ?? "GET";
    let body = options.body;
    for (let redirects = 0; ; redirects++) {
      const isOriginalHost = urlHost(url) === urlHost(original);
      const headers: OutgoingHttpHeaders = { "user-agent": this.#userAgent, ...credentials.plain };
      if (isOriginalHost) Object.assign(headers, credentials.sensitive);
      for (const [name, value] of Object.entries(callerHeaders)) {
        if (isOriginalHost || (name !== "authorization" && name !== "cookie" && name !== "www-authenticate")) headers[name] = value;
      }
      if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
      const response = await this.#transport.roundTrip({ url, method, headers, signal, ...(body === undefined ? {} : { body }) });
      const location = response.headers.location;
      const status = response.statusCode ?? 0;
      if (!this.#config.followRedirects || !REDIRECT_STATUSES.has(status) || location === undefined) return response;
      response.resume();
      if (status !== 307 && status !== 308 && method !== "GET" && method !== "HEAD") {
        method = "GET";
        body = undefined;
      }
      if (redirects + 1 >= MAX_REDIRECTS) {
        throw new SourceError("PROMSD_SOURCE_HTTP_REDIRECT", `Get ${JSON.stringify(redactUrl(new URL(location, url)))}: stopped after ${MAX_REDIRECTS} redirects`);
      }
      url = new URL(location, url);
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new SourceError("PROMSD_SOURCE_HTTP_REDIRECT", `redirect to unsupported protocol scheme ${JSON.stringify(url.protocol.slice(0, -1))}`);
      }
    }
  }
}

function lineTooLong(target: URL, maxLineBytes: number): SourceError {
  return new SourceError("PROMSD_SOURCE_HTTP_TOO_LARGE", `Get ${JSON.stringify(redactUrl(target))}: stream line longer than ${maxLineBytes} bytes`);
}

/** The abort reason of a request deadline. */
class TimeoutMarker extends Error {
  constructor() {
    super("request deadline exceeded");
  }
}

/** Reads the whole body, failing once it exceeds `maxBytes`. */
async function readBody(response: IncomingMessage, maxBytes: number, target: URL, signal: AbortSignal): Promise<Buffer> {
  const declared = Number(response.headers["content-length"] ?? Number.NaN);
  const tooLarge = (): SourceError =>
    new SourceError("PROMSD_SOURCE_HTTP_TOO_LARGE", `Get ${JSON.stringify(redactUrl(target))}: response body larger than ${maxBytes} bytes`);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer; // an IncomingMessage without encoding yields Buffers
    size += buffer.length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(buffer);
  }
  if (signal.aborted) throw signal.reason;
  if (!response.complete) {
    throw new SourceError("PROMSD_SOURCE_HTTP_NETWORK", `Get ${JSON.stringify(redactUrl(target))}: unexpected EOF`);
  }
  return Buffer.concat(chunks);
}

/** Maps any failure to the caller's abort reason, a timeout SourceError, or a network SourceError. */
function describe(error: unknown, target: URL, callerSignal: AbortSignal, signal: AbortSignal): unknown {
  if (callerSignal.aborted) return callerSignal.reason;
  if (error instanceof SourceError) return error;
  const where = `Get ${JSON.stringify(redactUrl(target))}`;
  if (signal.aborted && signal.reason instanceof TimeoutMarker) {
    return new SourceError("PROMSD_SOURCE_HTTP_TIMEOUT", `${where}: context deadline exceeded (Client.Timeout exceeded)`, { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new SourceError("PROMSD_SOURCE_HTTP_NETWORK", `${where}: ${reason}`, { cause: error });
}
