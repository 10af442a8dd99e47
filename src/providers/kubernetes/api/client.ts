/**
 * The Kubernetes API client (kubernetes.md 1.3, 11.2): one of three connection modes — `api_server` with the
 * Prometheus HTTP client block, `kubeconfig_file` (loaded by @kubernetes/client-node's KubeConfig, which also
 * runs auth plugins such as `exec`), or in-cluster (service-account token re-read on every request, tokens
 * rotate; CA file when readable). Every request goes through promsd's own HTTP client (src/http/), asks for
 * JSON only and is counted in the `prometheus_sd_kubernetes_http_request_*` metrics.
 */
import { access, constants } from "node:fs/promises";
import type { Registry } from "prom-client";
import type { HttpClientConfig, TlsConfig } from "../../../config/http-client.js";
import { Secret } from "../../../config/secret.js";
import { SourceError } from "../../../errors.js";
import { createHttpClient, HttpStatusError, type HttpClient, type HttpResponse } from "../../../http/index.js";
import type { Logger } from "../../../logging.js";
import { counter, summary } from "../../../metrics/registry.js";

export interface KubeConnectionConfig {
  readonly apiServer: string | undefined;
  readonly kubeconfigFile: string | undefined;
  readonly httpClientConfig: HttpClientConfig;
}

export interface KubeRequestOptions {
  readonly signal: AbortSignal;
  readonly timeoutMs?: number;
  readonly maxBodyBytes: number;
}

export interface KubeClient {
  /** `https://host:port` (no trailing slash); paths are appended to it. */
  readonly baseUrl: string;
  /** GET `pathAndQuery` (e.g. `/api/v1/pods?limit=500`); resolves with any status, rejects on transport failure. */
  get(pathAndQuery: string, options: KubeRequestOptions): Promise<HttpResponse>;
  /** Streaming GET for `watch=true`; non-2xx rejects with HttpStatusError; yields raw body chunks. */
  watch(pathAndQuery: string, options: KubeRequestOptions & { readonly maxLineBytes: number }): AsyncIterable<Buffer>;
  close(): void;
}

export interface KubeClientDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /** Defaults to process.env (tests pass their own). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Defaults to /var/run/secrets/kubernetes.io/serviceaccount. */
  readonly serviceAccountDir?: string;
}

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const EMPTY_TLS: TlsConfig = {
  ca: "", caFile: "", cert: "", certFile: "", key: new Secret(""), keyFile: "", serverName: "",
  insecureSkipVerify: false, minVersion: "", maxVersion: "",
};

/** An HTTP client block with Prometheus's defaults, then `overrides`. */
export function plainHttpClientConfig(overrides: Partial<HttpClientConfig> = {}): HttpClientConfig {
  return {
    basicAuth: undefined, authorization: undefined, oauth2: undefined, tlsConfig: EMPTY_TLS,
    proxyUrl: "", noProxy: "", proxyFromEnvironment: false, proxyConnectHeader: new Map(),
    followRedirects: true, enableHttp2: true, httpHeaders: new Map(), ...overrides,
  };
}

/** Go's net.JoinHostPort. */
function joinHostPort(host: string, port: string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Creates the client for one discoverer; throws SourceError when the mode's requirements are missing. */
export async function createKubeClient(config: KubeConnectionConfig, deps: KubeClientDeps): Promise<KubeClient> {
  const metrics = clientMetrics(deps.registry);
  if (config.kubeconfigFile !== undefined && config.kubeconfigFile !== "") {
    return createFromKubeconfig(config.kubeconfigFile, deps, metrics);
  }
  if (config.apiServer !== undefined && config.apiServer !== "") {
    const http = createHttpClient(config.httpClientConfig, { dialerName: "kubernetes", registry: deps.registry, logger: deps.logger });
    return new InstrumentedKubeClient(config.apiServer, http, metrics, async () => ({}));
  }
  const env = deps.env ?? process.env;
  const host = env["KUBERNETES_SERVICE_HOST"] ?? "";
  const port = env["KUBERNETES_SERVICE_PORT"] ?? "";
  if (host === "" || port === "") {
    throw new SourceError("PROMSD_SOURCE_KUBERNETES_CONFIG", "unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined");
  }
  const dir = deps.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  let caFile = `${dir}/ca.crt`;
  try {
    await access(caFile, constants.R_OK);
  } catch (error) {
    // Prometheus only logs an unreadable CA and falls back to the system roots (kubernetes.md 1.3).
    deps.logger.error({ err: String(error), file: caFile }, "Expected to load root CA config, but got err");
    caFile = "";
  }
  deps.logger.info({}, "Using pod service account via in-cluster config");
  const httpConfig = plainHttpClientConfig({
    tlsConfig: { ...EMPTY_TLS, caFile },
    // A credentials file is re-read on every request, so rotated tokens are picked up.
    authorization: { type: "Bearer", credentials: new Secret(""), credentialsFile: `${dir}/token` },
  });
  const http = createHttpClient(httpConfig, { dialerName: "kubernetes", registry: deps.registry, logger: deps.logger });
  return new InstrumentedKubeClient(`https://${joinHostPort(host, port)}`, http, metrics, async () => ({}));
}

async function createFromKubeconfig(file: string, deps: KubeClientDeps, metrics: ClientMetrics): Promise<KubeClient> {
  // Loaded lazily: the library is large and only this mode needs it.
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(file);
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_KUBERNETES_CONFIG", `unable to load kubeconfig ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new SourceError("PROMSD_SOURCE_KUBERNETES_CONFIG", `kubeconfig ${file} has no current cluster`);
  const user = kubeConfig.getCurrentUser();
  const inline = (data: string | undefined): string => (data ? Buffer.from(data, "base64").toString("utf8") : "");
  const tlsConfig: TlsConfig = {
    ...EMPTY_TLS,
    ca: inline(cluster.caData),
    caFile: cluster.caData ? "" : (cluster.caFile ?? ""),
    cert: inline(user?.certData),
    certFile: user?.certData ? "" : (user?.certFile ?? ""),
    key: new Secret(inline(user?.keyData)),
    keyFile: user?.keyData ? "" : (user?.keyFile ?? ""),
    serverName: cluster.tlsServerName ?? "",
    insecureSkipVerify: cluster.skipTLSVerify,
  };
  const http = createHttpClient(plainHttpClientConfig({ tlsConfig }), { dialerName: "kubernetes", registry: deps.registry, logger: deps.logger });
  const isPlainHttp = cluster.server.startsWith("http:") && !cluster.skipTLSVerify;
  // Authorization is asked for on every request: exec/oidc plugins cache and refresh their tokens themselves.
  // client-node refuses to build options for plain-http servers unless TLS verification is off, so those
  // (test clusters) get the static token or basic auth of the kubeconfig user only.
  const authorization = async (): Promise<Record<string, string>> => {
    const headers: Record<string, string> = {};
    if (isPlainHttp) {
      if (user?.token) headers["authorization"] = `Bearer ${user.token}`;
      else if (user?.username) headers["authorization"] = `Basic ${Buffer.from(`${user.username}:${user.password ?? ""}`).toString("base64")}`;
      return headers;
    }
    const request: { headers?: Record<string, unknown>; auth?: unknown } = {};
    await kubeConfig.applyToHTTPSOptions(request);
    const value = request.headers?.["Authorization"];
    if (typeof value === "string") headers["authorization"] = value;
    if (typeof request.auth === "string") headers["authorization"] = `Basic ${Buffer.from(request.auth).toString("base64")}`;
    return headers;
  };
  return new InstrumentedKubeClient(cluster.server, http, metrics, authorization);
}

interface ClientMetrics {
  readonly requests: ReturnType<typeof counter<"status_code">>;
  readonly duration: ReturnType<typeof summary<"endpoint">>;
}

function clientMetrics(registry: Registry): ClientMetrics {
  return {
    requests: counter(registry, { name: "prometheus_sd_kubernetes_http_request_total", help: "Total number of HTTP requests to the Kubernetes API by status code.", labelNames: ["status_code"] }),
    duration: summary(registry, {
      name: "prometheus_sd_kubernetes_http_request_duration_seconds",
      help: "Summary of latencies for HTTP requests to the Kubernetes API by endpoint.",
      labelNames: ["endpoint"],
      percentiles: [],
    }),
  };
}

/**
 * The `endpoint` label of the duration summary: the URL path with namespace and object-name segments
 * replaced by `{namespace}` / `{name}`, query dropped (kubernetes.md 11.2).
 */
export function endpointTemplate(pathAndQuery: string): string {
  const path = pathAndQuery.split("?", 1)[0] ?? "";
  const segments = path.split("/");
  // /api/<v>/… or /apis/<group>/<v>/…: the resource part starts after the version.
  let start = segments[1] === "api" ? 3 : segments[1] === "apis" ? 4 : segments.length;
  if (segments[start] === "namespaces" && start + 2 < segments.length) {
    segments[start + 1] = "{namespace}";
    start += 2;
  }
  if (start + 1 < segments.length) segments[start + 1] = "{name}";
  return segments.join("/");
}

const ACCEPT_JSON = { accept: "application/json" };

class InstrumentedKubeClient implements KubeClient {
  readonly baseUrl: string;
  readonly #http: HttpClient;
  readonly #metrics: ClientMetrics;
  readonly #authorization: () => Promise<Record<string, string>>;

  constructor(baseUrl: string, http: HttpClient, metrics: ClientMetrics, authorization: () => Promise<Record<string, string>>) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.#http = http;
    this.#metrics = metrics;
    this.#authorization = authorization;
  }

  async get(pathAndQuery: string, options: KubeRequestOptions): Promise<HttpResponse> {
    const started = performance.now();
    const endpoint = endpointTemplate(pathAndQuery);
    try {
      const headers = { ...ACCEPT_JSON, ...(await this.#authorization()) };
      const response = await this.#http.request(this.baseUrl + pathAndQuery, { ...options, headers });
      this.#metrics.requests.inc({ status_code: String(response.status) });
      return response;
    } catch (error) {
      if (!options.signal.aborted) this.#metrics.requests.inc({ status_code: "<error>" });
      throw error;
    } finally {
      this.#metrics.duration.observe({ endpoint }, (performance.now() - started) / 1000);
    }
  }

  async *watch(pathAndQuery: string, options: KubeRequestOptions & { readonly maxLineBytes: number }): AsyncIterable<Buffer> {
    const started = performance.now();
    const endpoint = endpointTemplate(pathAndQuery);
    // The shared client yields body chunks only, so a watch counts as established at its first chunk
    // (the fake and real servers flush headers at once; an idle watch is counted when it ends cleanly).
    let isCounted = false;
    const establish = (status: string): void => {
      if (isCounted) return;
      isCounted = true;
      this.#metrics.requests.inc({ status_code: status });
      this.#metrics.duration.observe({ endpoint }, (performance.now() - started) / 1000);
    };
    try {
      const headers = { ...ACCEPT_JSON, ...(await this.#authorization()) };
      for await (const chunk of this.#http.stream(this.baseUrl + pathAndQuery, { ...options, headers })) {
        establish("200");
        yield chunk;
      }
      establish("200");
    } catch (error) {
      if (error instanceof HttpStatusError) establish(String(error.status));
      else if (!options.signal.aborted) establish("<error>");
      throw error;
    }
  }

  close(): void {
    this.#http.close();
  }
}

/** GET /version: the server's major and minor version (digits only, `28+` → 28). */
export async function serverVersion(client: KubeClient, signal: AbortSignal): Promise<{ major: number; minor: number }> {
  const response = await client.get("/version", { signal, timeoutMs: 30_000, maxBodyBytes: 1 << 20 });
  if (response.status !== 200) {
    throw new SourceError("PROMSD_SOURCE_KUBERNETES_STATUS", `GET /version: server returned HTTP status ${response.status} ${response.statusText}`.trimEnd());
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body.toString("utf8"));
  } catch (error) {
    throw new SourceError("PROMSD_SOURCE_KUBERNETES_DECODE", "GET /version: body is not JSON", { cause: error });
  }
  const record = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {}; // parser edge
  const number = (value: unknown): number => Number.parseInt(typeof value === "string" ? value.replace(/\D+$/, "") : "", 10);
  const major = number(record["major"]);
  const minor = number(record["minor"]);
  if (!Number.isFinite(major) || !Number.isFinite(minor)) {
    throw new SourceError("PROMSD_SOURCE_KUBERNETES_DECODE", "GET /version: no major/minor version in the answer");
  }
  return { major, minor };
}
