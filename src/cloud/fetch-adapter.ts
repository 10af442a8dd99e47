/**
 * A WHATWG `fetch` built on promsd's HTTP client, for vendor libraries that accept a fetch implementation
 * (gaxios for google-auth-library, …): their requests then get promsd's TLS files, proxy selection, body
 * caps and deadlines instead of a second, uncontrolled HTTP stack. Only what token and list calls need:
 * GET/POST/PUT with string, byte or URLSearchParams bodies.
 */
import type { HttpClient } from "../http/http-client.js";

export interface FetchAdapterOptions {
  readonly maxBodyBytes: number;
  /** Used when the caller's request has no signal of its own ends (default 30 s). */
  readonly timeoutMs?: number;
}

function bodyOf(body: unknown): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError("promsd's fetch adapter sends only string, URLSearchParams and byte bodies");
}

export function fetchOverHttpClient(client: HttpClient, options: FetchAdapterOptions): typeof fetch {
  return async (input, init = {}) => {
    const request = input instanceof Request ? input : undefined;
    const url = request ? request.url : input instanceof URL ? input.href : String(input);
    const method = (init.method ?? request?.method ?? "GET").toUpperCase();
    if (method !== "GET" && method !== "POST" && method !== "PUT") throw new TypeError(`promsd's fetch adapter does not send ${method}`);
    const headers = Object.fromEntries(new Headers(init.headers ?? request?.headers).entries());
    const body = bodyOf(init.body ?? (request && method !== "GET" ? Buffer.from(await request.arrayBuffer()) : undefined));
    if (init.body instanceof URLSearchParams && headers["content-type"] === undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const signal = init.signal ?? request?.signal ?? AbortSignal.timeout(options.timeoutMs ?? 30_000);
    const response = await client.request(url, { method, headers, signal, maxBodyBytes: options.maxBodyBytes, ...(body === undefined ? {} : { body }), timeoutMs: options.timeoutMs ?? 30_000 });
    const noBody = response.status === 204 || response.status === 304;
    return new Response(noBody ? null : response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
