/**
 * The AWS SDK's HTTP layer replaced by promsd's one HTTP client (src/http/http-client.ts), for every AWS
 * client promsd builds (EC2, Lightsail, ECS, …, and the STS clients of the credential providers). Prometheus
 * hands the SDK an `http.Client` built from the scrape config's HTTP client block (`config.NewClientFromConfig`);
 * this is the same idea, and it gives the SDK's requests what that block promises: `proxy_url` and the proxy
 * environment, `tls_config` (CA, client certificate, server name), `follow_redirects`, plus promsd's rules:
 * every answer's body capped at `maxBodyBytes` (an endless or huge answer fails the refresh instead of
 * filling memory) and no credentials sent to another host on redirects.
 *
 * The SDK signs the request (SigV4) before it reaches this handler and parses the answer after it; retries
 * and their backoff are the SDK's retry strategy, configured in ./clients.ts.
 */
import type { HttpRequest, HttpResponse, RequestHandler, RequestHandlerOutput } from "@smithy/types";
import { SourceError } from "../../errors.js";
import type { HttpClient } from "../../http/http-client.js";

type SdkHandlerOptions = { abortSignal?: unknown; requestTimeout?: number };

const METHODS = new Set(["GET", "POST", "PUT"] as const);
type Method = "GET" | "POST" | "PUT";

function isMethod(method: string): method is Method {
  return (METHODS as ReadonlySet<string>).has(method);
}

/** The URL the SDK means: scheme, host, port, path and its query bag, in the bag's order. */
export function sdkRequestUrl(request: HttpRequest): string {
  const port = request.port === undefined ? "" : `:${request.port}`;
  const host = request.hostname.includes(":") && !request.hostname.startsWith("[") ? `[${request.hostname}]` : request.hostname;
  const query = Object.entries(request.query ?? {})
    .flatMap(([name, value]) => {
      const key = encodeRfc3986(name);
      if (value === null) return [key];
      return (Array.isArray(value) ? value : [value]).map((v) => `${key}=${encodeRfc3986(v)}`);
    })
    .join("&");
  return `${request.protocol}//${host}${port}${request.path}${query === "" ? "" : `?${query}`}`;
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function requestBody(body: unknown): string | Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  // The services promsd uses send query-string or JSON bodies; a stream would mean an unexpected operation.
  throw new SourceError("PROMSD_SOURCE_AWS_REQUEST", "AWS SDK request body of an unsupported kind (streaming uploads are not used by discovery)");
}

/** A smithy RequestHandler on top of promsd's HttpClient. */
export class PromsdSdkHttpHandler implements RequestHandler<HttpRequest, HttpResponse> {
  readonly metadata = { handlerProtocol: "http/1.1" };
  readonly #client: HttpClient;
  readonly #maxBodyBytes: number;

  constructor(client: HttpClient, options: { maxBodyBytes: number }) {
    this.#client = client;
    this.#maxBodyBytes = options.maxBodyBytes;
  }

  async handle(request: HttpRequest, options: SdkHandlerOptions = {}): Promise<RequestHandlerOutput<HttpResponse>> {
    const method = request.method.toUpperCase();
    if (!isMethod(method)) throw new SourceError("PROMSD_SOURCE_AWS_REQUEST", `AWS SDK request method ${method} is not used by discovery`);
    // The SDK passes the signal its caller gave to `send`; promsd always gives one.
    const signal = options.abortSignal instanceof AbortSignal ? options.abortSignal : new AbortController().signal;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      // node:http computes these from the URL and the body; the SDK's values are the same.
      if (name.toLowerCase() !== "content-length") headers[name] = value;
    }
    const body = requestBody(request.body);
    const response = await this.#client.request(sdkRequestUrl(request), {
      method,
      headers,
      signal,
      maxBodyBytes: this.#maxBodyBytes,
      ...(body === undefined ? {} : { body }),
      ...(options.requestTimeout ? { timeoutMs: options.requestTimeout } : {}),
    });
    return { response: { statusCode: response.status, reason: response.statusText, headers: { ...response.headers }, body: response.body } };
  }

  updateHttpClientConfig(): void {
    // Nothing the SDK could change: the client is built from promsd's config.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    this.#client.close();
  }
}
