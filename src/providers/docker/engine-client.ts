/**
 * A small Docker Engine API client on promsd's HTTP client, doing what the Go Docker client Prometheus links
 * does on the wire, for both profiles:
 * - `host` as the Docker client parses it: `unix:///path` (dialled as a unix socket), `tcp://h:p[/base]`
 *   (plain HTTP), `http(s)://h:p`. As in Prometheus, the HTTP client block (TLS, auth, proxy, …) applies only
 *   to `http`/`https` hosts; unix and tcp hosts get a plain client.
 * - API version negotiation on first use: `HEAD /_ping` (then `GET /_ping` unless the connection failed),
 *   the daemon's `API-Version` header, capped by the client's own maximum, then `/v<version>/<path>`.
 *   2.42 (Docker client 20.10) caps at 1.41 and, when the ping fails, settles on 1.24 for good; 3.x (moby
 *   client 0.5) caps at 1.55 and reports a failed ping as a failed refresh, negotiating again next time.
 * - Status 200–399 is success; otherwise `Error response from daemon: <message>` from the JSON body.
 * - Every request is bounded by `refresh_interval` (the Go client's timeout) and every body is capped.
 */
import type { HttpClientConfig } from "../../config/http-client.js";
import { SourceError } from "../../errors.js";
import { createHttpClient, type HttpClient, type HttpResponse } from "../../http/http-client.js";
import type { Logger } from "../../logging.js";
import type { Profile } from "../../profile.js";
import type { Registry } from "prom-client";
import type { MobyFilter } from "./moby-config.js";

/** Where requests go: a base URL (its host is only the `Host` header for unix sockets) and maybe a socket. */
export interface EngineEndpoint {
  readonly baseUrl: string;
  readonly socketPath?: string;
  /** Whether Prometheus applies the HTTP client block (only for http:// and https:// hosts). */
  readonly usesHttpClientBlock: boolean;
}

const CLIENT_MAX_API_VERSION: Readonly<Record<Profile, string>> = { "v2.42": "1.41", v3: "1.55" };
/** What the Docker client assumes of a daemon that sends no `API-Version` header. */
const FALLBACK_API_VERSION = "1.24";
/** The Docker client reads at most this much of an error body. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** The Docker client's ParseHostURL plus the scheme it picks. Throws SourceError like `client.New` does. */
export function parseEngineHost(host: string, profile: Profile): EngineEndpoint {
  const separator = host.indexOf("://");
  if (separator < 0) throw new SourceError("PROMSD_SOURCE_DOCKER_HOST", `error setting up docker client: unable to parse docker host \`${host}\``);
  const proto = host.slice(0, separator);
  const address = host.slice(separator + 3);
  if (proto === "unix") {
    // The Docker client sends a dummy Host for local sockets: "docker" in 20.10, "api.moby.localhost" later.
    return { baseUrl: profile === "v2.42" ? "http://docker" : "http://api.moby.localhost", socketPath: address, usesHttpClientBlock: false };
  }
  if (proto === "npipe") throw new SourceError("PROMSD_SOURCE_DOCKER_HOST", "error setting up docker client: protocol not available");
  const scheme = proto === "https" ? "https" : "http";
  let parsed: URL;
  try {
    parsed = new URL(`${scheme}://${address}`);
  } catch {
    throw new SourceError("PROMSD_SOURCE_DOCKER_HOST", `error setting up docker client: unable to parse docker host \`${host}\``);
  }
  const basePath = parsed.pathname === "/" ? "" : parsed.pathname.replace(/\/$/, "");
  return { baseUrl: `${scheme}://${parsed.host}${basePath}`, usesHttpClientBlock: proto === "http" || proto === "https" };
}

/** Go's url.QueryEscape: unreserved characters stay, space becomes `+`, the rest is %XX (upper case). */
export function goQueryEscape(text: string): string {
  return Array.from(Buffer.from(text, "utf8"), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char)) return char;
    if (char === " ") return "+";
    return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }).join("");
}

/** The `filters` query value the Docker client sends: `{"name":{"value":true}}`, keys sorted as Go marshals maps. */
export function filtersParameter(filters: readonly MobyFilter[]): string | undefined {
  const byName = new Map<string, Set<string>>();
  for (const filter of filters) {
    for (const value of filter.values) {
      const values = byName.get(filter.name) ?? new Set<string>();
      values.add(value);
      byName.set(filter.name, values);
    }
  }
  if (byName.size === 0) return undefined;
  const sorted = [...byName.keys()].sort().map((name) => {
    const values = [...(byName.get(name) ?? [])].sort().map((value) => `${JSON.stringify(value)}:true`);
    return `${JSON.stringify(name)}:{${values.join(",")}}`;
  });
  return `{${sorted.join(",")}}`;
}

function versionLess(a: string, b: string): boolean {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor !== bMajor ? aMajor < bMajor : aMinor < bMinor;
}

export interface EngineClientOptions {
  readonly profile: Profile;
  readonly httpClient: HttpClientConfig;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  /** `docker_sd` or `dockerswarm_sd`: the conntrack dialer name of http(s) hosts. */
  readonly dialerName: string;
  readonly registry: Registry;
  readonly logger: Logger;
}

export class EngineClient {
  readonly #endpoint: EngineEndpoint;
  readonly #options: EngineClientOptions;
  readonly #http: HttpClient;
  #version: string | undefined;

  constructor(endpoint: EngineEndpoint, options: EngineClientOptions, http?: HttpClient) {
    this.#endpoint = endpoint;
    this.#options = options;
    // Prometheus hands its HTTP client block to the Docker client only for http(s) hosts.
    const config = endpoint.usesHttpClientBlock ? options.httpClient : plainClientConfig(options.httpClient);
    this.#http = http ?? createHttpClient(config, {
      dialerName: options.dialerName,
      registry: options.registry,
      logger: options.logger,
      ...(endpoint.socketPath === undefined ? {} : { socketPath: endpoint.socketPath }),
    });
  }

  /** GET `/v<version><path>?<query>` and the decoded JSON; SourceError on any failure. */
  async getJson(path: string, query: Readonly<Record<string, string | undefined>>, signal: AbortSignal): Promise<unknown> {
    const version = await this.#negotiatedVersion(signal);
    const parameters = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    const search = parameters.length === 0 ? "" : `?${parameters.map(([k, v]) => `${goQueryEscape(k)}=${goQueryEscape(v)}`).join("&")}`;
    const response = await this.#request(`/v${version}${path}${search}`, "GET", signal);
    if (response.status < 200 || response.status >= 400) throw daemonError(response, path);
    try {
      return JSON.parse(response.body.toString("utf8"));
    } catch (error) {
      throw new SourceError("PROMSD_SOURCE_DOCKER_BODY", `decoding ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  close(): void {
    this.#http.close();
  }

  #request(path: string, method: "GET" | "HEAD", signal: AbortSignal, maxBodyBytes = this.#options.maxBodyBytes): Promise<HttpResponse> {
    return this.#http.request(`${this.#endpoint.baseUrl}${path}`, { method, signal, timeoutMs: this.#options.timeoutMs, maxBodyBytes });
  }

  async #negotiatedVersion(signal: AbortSignal): Promise<string> {
    if (this.#version !== undefined) return this.#version;
    const max = CLIENT_MAX_API_VERSION[this.#options.profile];
    let serverVersion: string | undefined;
    try {
      serverVersion = await this.#ping(signal);
    } catch (error) {
      if (this.#options.profile === "v3") throw error;
      // Docker client 20.10 ignores the ping's error and settles on the fallback version for good (seen with
      // promtool 2.42: a hung or failed /_ping, then /v1.24/… paths from then on).
      this.#version = FALLBACK_API_VERSION;
      if (signal.aborted) throw error;
    }
    const offered = serverVersion === undefined || serverVersion === "" ? FALLBACK_API_VERSION : serverVersion;
    this.#version = versionLess(offered, max) ? offered : max;
    return this.#version;
  }

  /** The daemon's API-Version header: HEAD first, GET when HEAD was answered with something else than 200/500. */
  async #ping(signal: AbortSignal): Promise<string | undefined> {
    const head = await this.#request("/_ping", "HEAD", signal, MAX_ERROR_BODY_BYTES);
    if (head.status === 200 || head.status === 500) return pingVersion(head);
    return pingVersion(await this.#request("/_ping", "GET", signal, MAX_ERROR_BODY_BYTES));
  }
}

/** The Docker client's own transport: no credentials, headers or proxies from the HTTP client block. */
function plainClientConfig(block: HttpClientConfig): HttpClientConfig {
  return {
    ...block,
    basicAuth: undefined,
    authorization: undefined,
    oauth2: undefined,
    httpHeaders: new Map(),
    proxyUrl: "",
    noProxy: "",
    proxyFromEnvironment: false,
    proxyConnectHeader: new Map(),
    followRedirects: true,
  };
}

function pingVersion(response: HttpResponse): string | undefined {
  const version = response.headers["api-version"];
  if (response.status < 200 || response.status >= 400) {
    if (version !== undefined) return version;
    throw daemonError(response, "/_ping");
  }
  return version;
}

function daemonError(response: HttpResponse, path: string): SourceError {
  const text = response.body.subarray(0, MAX_ERROR_BODY_BYTES).toString("utf8");
  if (text.length === 0) {
    return new SourceError("PROMSD_SOURCE_HTTP_STATUS", `request returned ${response.statusText || response.status} for API route and version ${path}, check if the server supports the requested API version`);
  }
  let message = text.trim();
  if ((response.headers["content-type"] ?? "").startsWith("application/json")) {
    try {
      const decoded: unknown = JSON.parse(text);
      if (typeof decoded === "object" && decoded !== null && "message" in decoded && typeof decoded.message === "string") message = decoded.message;
    } catch {
      // Not JSON after all: the text itself is the message.
    }
  }
  return new SourceError("PROMSD_SOURCE_HTTP_STATUS", `Error response from daemon: ${message}`);
}
