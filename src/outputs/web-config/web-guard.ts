/**
 * The request side of the web config, in exporter-toolkit's webHandler order: a file that is invalid now →
 * 500; the rate limiter → 429 (before authentication, so floods never reach bcrypt); the configured headers
 * on every response from here on; then basic auth → 401 with `WWW-Authenticate: Basic`.
 */
import type { HttpRequest, HttpResponse } from "../http/router.js";
import { BasicAuthVerifier, parseBasicAuthorization } from "./basic-auth.js";
import { RateLimiter } from "./rate-limit.js";
import type { WebConfigSource } from "./web-config-source.js";

export interface RequestHandler {
  handle(request: HttpRequest): Promise<HttpResponse>;
}

/** Go's http.Error: the status text and a newline, as plain text. */
function plainError(status: number, text: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { "content-type": "text/plain; charset=utf-8", ...headers }, body: `${text}\n` };
}

export class WebGuard implements RequestHandler {
  readonly #inner: RequestHandler;
  readonly #source: WebConfigSource;
  readonly #limiter: RateLimiter | undefined;
  readonly verifier: BasicAuthVerifier;

  constructor(inner: RequestHandler, source: WebConfigSource, verifier = new BasicAuthVerifier()) {
    this.#inner = inner;
    this.#source = source;
    this.verifier = verifier;
    // Built once from the file as it was at start, like the toolkit's limiter.
    const rate = source.current?.config.rateLimit;
    this.#limiter = rate && rate.intervalMs !== 0 ? new RateLimiter(rate) : undefined;
  }

  async handle(request: HttpRequest): Promise<HttpResponse> {
    const loaded = this.#source.current;
    if (!loaded) return plainError(500, "Internal Server Error");
    if (this.#limiter && !this.#limiter.allow()) return plainError(429, "Too Many Requests");
    const { config } = loaded;
    const headers: Record<string, string> = {};
    for (const [name, value] of config.headers) headers[name.toLowerCase()] = value;
    const response = await this.#authorized(request, loaded.config);
    return withHeaders(response, headers);
  }

  async #authorized(request: HttpRequest, config: NonNullable<WebConfigSource["current"]>["config"]): Promise<HttpResponse> {
    if (config.users.size === 0) return this.#inner.handle(request);
    const credentials = parseBasicAuthorization(request.headers.authorization);
    if (credentials && (await this.verifier.verify(config.users, config.unknownUserHash, credentials))) return this.#inner.handle(request);
    return plainError(401, "Unauthorized", { "www-authenticate": "Basic" });
  }
}

/**
 * `response` with `headers` under its own (the endpoint's headers win, as a Go handler's Header().Set after
 * the toolkit's does). A prototype link instead of a spread: spreading would evaluate a streamed
 * response's lazy `body`.
 */
export function withHeaders(response: HttpResponse, headers: Readonly<Record<string, string>>): HttpResponse {
  return Object.create(response, { headers: { value: { ...headers, ...response.headers }, enumerable: true } }) as HttpResponse;
}
