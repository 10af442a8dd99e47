/**
 * A tiny HTTP layer on node:http. Handlers are plain functions from an `HttpRequest` to an `HttpResponse`, so
 * every endpoint can be exercised in-process with `router.inject(...)` (as fastify's inject() and hono's
 * app.request() do) and served through a real socket by ./server.ts without changing a line.
 */
import { goJsonString } from "./go-json.js";

export interface HttpRequest {
  readonly method: string;
  /** Parsed request URL; only `pathname` and `searchParams` are meaningful. */
  readonly url: URL;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The body as text (identity encoding); what in-process callers read. */
  readonly body: string;
  /**
   * Precomputed wire bytes, sent instead of `body` when set: the UTF-8 of `body`, or its gzip when the
   * headers say `content-encoding: gzip`. Lets hot endpoints encode once per change instead of per request.
   */
  readonly bytes?: Buffer;
  /**
   * A body produced piece by piece while it is sent (core.md 7.4): the server writes the pieces (strings as
   * UTF-8) in chunks, waiting for the socket to drain, and stops as soon as the client goes away, so memory
   * is bounded by a chunk rather than by the body. Called once per delivery; `body` is then the pieces joined,
   * computed only when read (in-process callers).
   */
  readonly chunks?: () => Iterable<string | Uint8Array>;
  /** Byte length of what `chunks` yields, when known: sent as content-length instead of chunked encoding. */
  readonly contentLength?: number;
  /**
   * A long-lived response (server-sent events): the server writes the headers without a content length, then
   * calls `start` with a writer; `signal` aborts when the client goes away or the server closes. `body` is
   * ignored. In-process callers (inject) call `start` themselves.
   */
  readonly stream?: ResponseStream;
}

export interface ResponseStream {
  start(write: (chunk: string) => void, signal: AbortSignal): void;
}

export type RouteHandler = (request: HttpRequest) => HttpResponse | Promise<HttpResponse>;

/** Prometheus's API error types and the status each maps to. */
export type ApiErrorType = "bad_data" | "not_found" | "internal" | "unavailable";
const ERROR_STATUS: Record<ApiErrorType, number> = { bad_data: 400, not_found: 404, internal: 500, unavailable: 503 };

export const JSON_CONTENT_TYPE = "application/json";

/** A JSON response whose body is already JSON text. */
export function jsonResponse(body: string, status = 200, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { "content-type": JSON_CONTENT_TYPE, ...headers }, body };
}

/**
 * A JSON response rendered while it is written (see `HttpResponse.chunks`). `render` must yield the same
 * pieces on every call: reading `body` renders once more.
 */
export function streamedJsonResponse(render: () => Iterable<string>, status = 200): HttpResponse {
  return {
    status,
    headers: { "content-type": JSON_CONTENT_TYPE },
    chunks: render,
    get body() {
      return [...render()].join("");
    },
  };
}

/** `{"status":"success","data":` + the pieces of `data` + `}`: Prometheus's API envelope, streamed. */
export function streamedApiSuccess(data: () => Iterable<string>): HttpResponse {
  return streamedJsonResponse(function* envelope() {
    yield '{"status":"success","data":';
    yield* data();
    yield "}";
  });
}

/** The pieces of a JSON array of `items` (each already JSON text), commas included. */
export function* jsonArrayPieces(items: Iterable<string>): Generator<string> {
  yield "[";
  let separator = "";
  for (const item of items) {
    yield separator;
    yield item;
    separator = ",";
  }
  yield "]";
}

/** `{"status":"success","data":<dataJson>}`, Prometheus's API envelope. */
export function apiSuccess(dataJson: string): HttpResponse {
  return jsonResponse(`{"status":"success","data":${dataJson}}`);
}

/** `{"status":"error","errorType":"bad_data","error":"<message>"}` with the matching HTTP status. */
export function apiError(errorType: ApiErrorType, message: string): HttpResponse {
  return jsonResponse(`{"status":"error","errorType":"${errorType}","error":${goJsonString(message)}}`, ERROR_STATUS[errorType]);
}

export function textResponse(body: string, status = 200, contentType = "text/plain; charset=utf-8"): HttpResponse {
  return { status, headers: { "content-type": contentType }, body };
}

interface Route {
  readonly method: string;
  readonly path: string;
  readonly isPrefix: boolean;
  readonly handler: RouteHandler;
}

export interface InjectOptions {
  readonly method?: string;
  /** Path with query string, e.g. `/api/v1/sd/node?view=final`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export class Router {
  readonly #routes: Route[] = [];
  readonly #onError: (error: unknown, request: HttpRequest) => void;

  constructor(options: { onError?: (error: unknown, request: HttpRequest) => void } = {}) {
    this.#onError = options.onError ?? (() => {});
  }

  /** Routes `method path` exactly; with `isPrefix`, every path starting with `path`. */
  add(method: string, path: string, handler: RouteHandler, options: { isPrefix?: boolean } = {}): this {
    this.#routes.push({ method, path, isPrefix: options.isPrefix ?? false, handler });
    return this;
  }

  get(path: string, handler: RouteHandler, options: { isPrefix?: boolean } = {}): this {
    return this.add("GET", path, handler, options);
  }

  post(path: string, handler: RouteHandler): this {
    return this.add("POST", path, handler);
  }

  /** Answers one request. Never throws: a handler's exception becomes a 500 with an `internal` error. */
  async handle(request: HttpRequest): Promise<HttpResponse> {
    const matching = this.#routes.filter((r) => (r.isPrefix ? request.url.pathname.startsWith(r.path) : request.url.pathname === r.path));
    if (matching.length === 0) return apiError("not_found", `no handler for path ${request.url.pathname}`);
    // HEAD is answered like GET without a body (the server adapter drops it).
    const method = request.method === "HEAD" ? "GET" : request.method;
    const route = matching.find((r) => r.method === method);
    if (!route) {
      const allowed = [...new Set(matching.map((r) => r.method))].join(", ");
      const response = apiError("bad_data", `method ${request.method} not allowed for ${request.url.pathname}`);
      return { status: 405, headers: { ...response.headers, allow: allowed }, body: response.body };
    }
    try {
      return await route.handler(request);
    } catch (error) {
      this.#onError(error, request);
      return apiError("internal", error instanceof Error ? error.message : String(error));
    }
  }

  /** In-process request, for tests: no socket, same code path as the server. */
  inject(options: InjectOptions): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    return this.handle({ method: options.method ?? "GET", url: new URL(options.path, "http://promsd.invalid"), headers });
  }
}
