/**
 * The standard Prometheus HTTP client block (spec common.md 6, core.md 5.2): `basic_auth`, `authorization`,
 * `oauth2`, `bearer_token[_file]`, `tls_config`, proxy settings, `follow_redirects`, `enable_http2` and (v3)
 * `http_headers`. Scrape configs and the consul, marathon, http and kubernetes providers inline it next to
 * their own keys, so the parser reads from the caller's MapReader and leaves `finish()` to the caller.
 *
 * Secrets become `Secret`; `*_file` paths are joined with the config directory. Keys that Prometheus 2.42
 * does not know are simply not read under that profile, so the caller's `finish()` rejects them with the
 * owner's Go type name, exactly as go-yaml does.
 */
import { isAbsolute, join } from "node:path";
import { ConfigError } from "../errors.js";
import { goUrlParseError } from "./go-url.js";
import type { ConfigLocation } from "../yaml/location.js";
import { MapReader, typeError, type ParseContext } from "./reader.js";
import { Secret } from "./secret.js";
import { scalarText } from "../yaml/yaml-node.js";

export interface BasicAuthConfig {
  readonly username: string;
  readonly usernameFile: string;
  readonly password: Secret;
  readonly passwordFile: string;
}

export interface AuthorizationConfig {
  /** Trimmed; `Bearer` when not written. */
  readonly type: string;
  readonly credentials: Secret;
  readonly credentialsFile: string;
}

export interface TlsConfig {
  readonly ca: string;
  readonly caFile: string;
  readonly cert: string;
  readonly certFile: string;
  readonly key: Secret;
  readonly keyFile: string;
  readonly serverName: string;
  readonly insecureSkipVerify: boolean;
  /** "" or one of TLS10…TLS13. */
  readonly minVersion: string;
  readonly maxVersion: string;
}

export interface ProxyConfig {
  readonly proxyUrl: string;
  readonly noProxy: string;
  readonly proxyFromEnvironment: boolean;
  readonly proxyConnectHeader: ReadonlyMap<string, readonly Secret[]>;
}

export interface OAuth2Config extends ProxyConfig {
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly clientSecretFile: string;
  readonly scopes: readonly string[];
  readonly tokenUrl: string;
  readonly endpointParams: ReadonlyMap<string, string>;
  readonly tlsConfig: TlsConfig;
}

/** One custom header (v3 `http_headers`): plain values, secret values and files holding values. */
export interface HttpHeaderConfig {
  readonly values: readonly string[];
  readonly secrets: readonly Secret[];
  readonly files: readonly string[];
}

export interface HttpClientConfig extends ProxyConfig {
  readonly basicAuth: BasicAuthConfig | undefined;
  /** Also set when `bearer_token`/`bearer_token_file` was used (converted as Prometheus does). */
  readonly authorization: AuthorizationConfig | undefined;
  readonly oauth2: OAuth2Config | undefined;
  readonly tlsConfig: TlsConfig;
  readonly followRedirects: boolean;
  readonly enableHttp2: boolean;
  readonly httpHeaders: ReadonlyMap<string, HttpHeaderConfig>;
}

const TLS_VERSIONS = new Set(["TLS10", "TLS11", "TLS12", "TLS13"]);

/** The keys this block owns at its parent's level (for callers that list their own keys). */
export const HTTP_CLIENT_KEYS: readonly string[] = [
  "basic_auth", "authorization", "oauth2", "bearer_token", "bearer_token_file", "tls_config", "proxy_url",
  "no_proxy", "proxy_from_environment", "proxy_connect_header", "follow_redirects", "enable_http2", "http_headers",
];

/** Joins a relative path with the config directory, lexically cleaned; absolute and empty paths stay. */
export function resolveConfigPath(path: string, configDir: string): string {
  if (path === "" || isAbsolute(path)) return path;
  return join(configDir, path);
}

/**
 * Reads the inline HTTP client keys from `reader` and validates them in Prometheus's order (common.md 6).
 * Throws ConfigError with Prometheus's message as `problem`.
 */
export function parseHttpClientConfig(reader: MapReader, ctx: ParseContext): HttpClientConfig {
  return readHttpClientConfig(reader, ctx).validate();
}

/** An HTTP client block that has been read (decode-time errors raised) but not yet validated. */
export interface UnvalidatedHttpClientConfig {
  /**
   * Runs HTTPClientConfig.Validate's checks and returns the effective config (`bearer_token[_file]` turned
   * into `authorization`). Prometheus runs them after decoding the whole owner (scrape config, …) and
   * after its `job_name` check, so owners call this at that point.
   */
  validate(): HttpClientConfig;
}

/** Reads the inline HTTP client keys; decode-time errors (types, unknown keys, URLs, TLS versions) throw now. */
export function readHttpClientConfig(reader: MapReader, ctx: ParseContext): UnvalidatedHttpClientConfig {
  const isV3 = ctx.profile === "v3";
  const basicAuth = readBasicAuth(reader, ctx);
  const authorizationReader = reader.map("authorization", "config.Authorization");
  const authorization = authorizationReader && readAuthorization(authorizationReader, ctx);
  const oauth2Reader = reader.map("oauth2", "config.OAuth2");
  const oauth2 = oauth2Reader && readOAuth2(oauth2Reader, ctx);
  const bearerToken = reader.secret("bearer_token")?.reveal() ?? "";
  const bearerTokenFile = resolveConfigPath(reader.string("bearer_token_file") ?? "", ctx.configDir);
  const config = {
    basicAuth,
    authorization,
    oauth2,
    tlsConfig: readTlsConfig(reader.map("tls_config", "config.plain"), ctx),
    ...readProxy(reader, ctx),
    followRedirects: reader.bool("follow_redirects") ?? true,
    enableHttp2: reader.bool("enable_http2") ?? true,
    httpHeaders: isV3 ? readHttpHeaders(reader, ctx) : new Map<string, HttpHeaderConfig>(),
  };
  return { validate: () => validateHttpClientConfig(reader, { ...config, bearerToken, bearerTokenFile }, isV3) };
}

/** The HTTP client of a mechanism that has only `tls_config` (Prometheus builds a bare Go client around it). */
export function tlsOnlyHttpClientConfig(tlsConfig: TlsConfig): HttpClientConfig {
  return {
    basicAuth: undefined, authorization: undefined, oauth2: undefined, tlsConfig,
    proxyUrl: "", noProxy: "", proxyFromEnvironment: false, proxyConnectHeader: new Map(),
    followRedirects: true, enableHttp2: true, httpHeaders: new Map(),
  };
}

interface ReadHttpClientConfig extends HttpClientConfig {
  readonly bearerToken: string;
  readonly bearerTokenFile: string;
}

function validateHttpClientConfig(reader: MapReader, read: ReadHttpClientConfig, isV3: boolean): HttpClientConfig {
  const { bearerToken, bearerTokenFile, ...config } = read;
  const { basicAuth, authorization, oauth2 } = config;
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (bearerToken !== "" && bearerTokenFile !== "") {
    fail("bearer_token", "at most one of bearer_token & bearer_token_file must be configured", "keep only one of them");
  }
  if ((basicAuth || oauth2) && (bearerToken !== "" || bearerTokenFile !== "")) {
    fail("bearer_token", "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured", "use a single authentication method");
  }
  if (basicAuth && basicAuth.username !== "" && basicAuth.usernameFile !== "") {
    fail("basic_auth", "at most one of basic_auth username, username_file & username_ref must be configured", "keep only one of them");
  }
  if (basicAuth && !basicAuth.password.isEmpty && basicAuth.passwordFile !== "") {
    const problem = isV3
      ? "at most one of basic_auth password, password_file & password_ref must be configured"
      : "at most one of basic_auth password & password_file must be configured";
    fail("basic_auth", problem, "keep only one of them");
  }
  let effectiveAuthorization = authorization;
  if (authorization) {
    if (bearerToken !== "" || bearerTokenFile !== "") {
      fail("authorization", "authorization is not compatible with bearer_token & bearer_token_file", "move the token into authorization.credentials");
    }
    if (!authorization.credentials.isEmpty && authorization.credentialsFile !== "") {
      fail("authorization", "at most one of authorization credentials & credentials_file must be configured", "keep only one of them");
    }
    if (authorization.type.toLowerCase() === "basic") {
      fail("authorization", `authorization type cannot be set to "basic", use "basic_auth" instead`, "write a basic_auth block");
    }
    if (basicAuth || oauth2) fail("authorization", "at most one of basic_auth, oauth2 & authorization must be configured", "use a single authentication method");
  } else if (bearerToken !== "") {
    effectiveAuthorization = { type: "Bearer", credentials: new Secret(bearerToken), credentialsFile: "" };
  } else if (bearerTokenFile !== "") {
    effectiveAuthorization = { type: "Bearer", credentials: new Secret(""), credentialsFile: bearerTokenFile };
  }
  if (oauth2) validateOAuth2(oauth2, basicAuth !== undefined, reader.atKey("oauth2"), isV3);
  validateProxy(config, reader.atKey("proxy_connect_header"));
  return { ...config, authorization: effectiveAuthorization };
}

function readBasicAuth(parent: MapReader, ctx: ParseContext): BasicAuthConfig | undefined {
  const reader = parent.map("basic_auth", "config.plain");
  if (!reader) return undefined;
  const config: BasicAuthConfig = {
    username: reader.string("username") ?? "",
    usernameFile: ctx.profile === "v3" ? resolveConfigPath(reader.string("username_file") ?? "", ctx.configDir) : "",
    password: reader.secret("password") ?? new Secret(""),
    passwordFile: resolveConfigPath(reader.string("password_file") ?? "", ctx.configDir),
  };
  reader.finish();
  return config;
}

function readAuthorization(reader: MapReader, ctx: ParseContext): AuthorizationConfig {
  const config: AuthorizationConfig = {
    type: (reader.string("type") ?? "").trim() || "Bearer",
    credentials: reader.secret("credentials") ?? new Secret(""),
    credentialsFile: resolveConfigPath(reader.string("credentials_file") ?? "", ctx.configDir),
  };
  reader.finish();
  return config;
}

function readOAuth2(reader: MapReader, ctx: ParseContext): OAuth2Config {
  const endpointParams = reader.stringMap("endpoint_params") ?? new Map<string, string>();
  const config: OAuth2Config = {
    clientId: reader.string("client_id") ?? "",
    clientSecret: reader.secret("client_secret") ?? new Secret(""),
    clientSecretFile: resolveConfigPath(reader.string("client_secret_file") ?? "", ctx.configDir),
    scopes: reader.stringList("scopes") ?? [],
    tokenUrl: reader.string("token_url") ?? "",
    endpointParams,
    tlsConfig: readTlsConfig(reader.map("tls_config", "config.plain"), ctx),
    ...readProxy(reader, ctx),
  };
  if (ctx.profile === "v3") {
    // Newer client-credential variants: accepted and kept for display only.
    reader.secret("client_certificate_key");
    reader.string("client_certificate_key_file");
    reader.string("client_certificate_key_id");
    reader.string("grant_type");
  }
  reader.finish();
  return config;
}

function validateOAuth2(config: OAuth2Config, hasBasicAuth: boolean, at: ConfigLocation, isV3: boolean): void {
  const fail = (problem: string, hint: string): never => {
    throw new ConfigError(at, problem, hint);
  };
  if (hasBasicAuth) fail("at most one of basic_auth, oauth2 & authorization must be configured", "use a single authentication method");
  if (config.clientId === "") fail("oauth2 client_id must be configured", "add client_id");
  if (!isV3 && config.clientSecret.isEmpty && config.clientSecretFile === "") {
    fail("either oauth2 client_secret or client_secret_file must be configured", "add client_secret or client_secret_file");
  }
  if (config.tokenUrl === "") fail("oauth2 token_url must be configured", "add token_url");
  if (!config.clientSecret.isEmpty && config.clientSecretFile !== "") {
    fail(
      isV3 ? "at most one of oauth2 client_secret, client_secret_file & client_secret_ref must be configured" : "at most one of oauth2 client_secret & client_secret_file must be configured",
      "keep only one of them",
    );
  }
}

/**
 * A `tls_config` block on its own, for mechanisms that inline only TLS settings instead of the whole HTTP
 * client block (openstack, …). `reader` is the block's own map (absent: the defaults).
 */
export function readTlsConfig(reader: MapReader | undefined, ctx: ParseContext): TlsConfig {
  const path = (key: string): string => resolveConfigPath(reader?.string(key) ?? "", ctx.configDir);
  const isV3 = ctx.profile === "v3";
  const version = (key: string): string => {
    const text = reader?.string(key) ?? "";
    if (text !== "" && !TLS_VERSIONS.has(text) && reader) {
      throw new ConfigError(reader.atKey(key), `unknown TLS version: ${text}`, "use one of TLS10, TLS11, TLS12, TLS13");
    }
    return text;
  };
  const config: TlsConfig = {
    ca: isV3 ? reader?.string("ca") ?? "" : "",
    caFile: path("ca_file"),
    cert: isV3 ? reader?.string("cert") ?? "" : "",
    certFile: path("cert_file"),
    key: (isV3 ? reader?.secret("key") : undefined) ?? new Secret(""),
    keyFile: path("key_file"),
    serverName: reader?.string("server_name") ?? "",
    insecureSkipVerify: reader?.bool("insecure_skip_verify") ?? false,
    minVersion: version("min_version"),
    maxVersion: version("max_version"),
  };
  reader?.finish();
  if (reader && isV3) validateTlsPairs(config, reader.at);
  return config;
}

function validateTlsPairs(config: TlsConfig, at: ConfigLocation): void {
  const pairs: [string, string, string][] = [
    ["ca", config.ca, config.caFile],
    ["cert", config.cert, config.certFile],
    ["key", config.key.isEmpty ? "" : "x", config.keyFile],
  ];
  for (const [name, inline, file] of pairs) {
    if (inline !== "" && file !== "") throw new ConfigError(at, `at most one of ${name}, ${name}_file & ${name}_ref must be configured`, "keep only one of them");
  }
}

function readProxy(reader: MapReader, ctx: ParseContext): ProxyConfig {
  const isV3 = ctx.profile === "v3";
  const proxyUrl = reader.string("proxy_url") ?? "";
  if (proxyUrl !== "") checkProxyUrl(proxyUrl, reader.atKey("proxy_url"));
  const headers = new Map<string, Secret[]>();
  const headerReader = reader.map("proxy_connect_header", "config.Header");
  for (const name of headerReader?.keys() ?? []) {
    const values = headerReader?.list(name, "[]config.Secret") ?? [];
    headers.set(name, values.map(({ value, at }) => {
      if (value.kind !== "scalar") throw typeError(value, at, "config.plain");
      return new Secret(scalarText(value, at));
    }));
  }
  return {
    proxyUrl,
    noProxy: isV3 ? reader.string("no_proxy") ?? "" : "",
    proxyFromEnvironment: isV3 ? reader.bool("proxy_from_environment") ?? false : false,
    proxyConnectHeader: headers,
  };
}

function validateProxy(config: ProxyConfig, at: ConfigLocation): void {
  if (config.proxyConnectHeader.size > 0 && config.proxyUrl === "" && !config.proxyFromEnvironment) {
    throw new ConfigError(at, "if proxy_connect_header is configured proxy_url must also be configured", "add proxy_url or remove proxy_connect_header");
  }
  if (config.proxyFromEnvironment && (config.proxyUrl !== "" || config.noProxy !== "")) {
    throw new ConfigError(at, "if proxy_from_environment is configured, proxy_url and no_proxy must not be configured", "keep only one proxy setting");
  }
  if (config.noProxy !== "" && config.proxyUrl === "") {
    throw new ConfigError(at, "if no_proxy is configured, proxy_url must also be configured", "add proxy_url");
  }
}

function checkProxyUrl(text: string, at: ConfigLocation): void {
  const problem = goUrlParseError(text);
  if (problem) throw new ConfigError(at, problem, "write a URL such as http://proxy:3128");
}

function readHttpHeaders(reader: MapReader, ctx: ParseContext): Map<string, HttpHeaderConfig> {
  const out = new Map<string, HttpHeaderConfig>();
  const headers = reader.map("http_headers", "map[string]config.Header");
  for (const name of headers?.keys() ?? []) {
    const header = headers?.map(name, "config.Header");
    const config: HttpHeaderConfig = {
      values: header?.stringList("values") ?? [],
      secrets: (header?.stringList("secrets") ?? []).map((value) => new Secret(value)),
      files: (header?.stringList("files") ?? []).map((file) => resolveConfigPath(file, ctx.configDir)),
    };
    header?.finish();
    out.set(name, config);
  }
  headers?.finish();
  return out;
}

export { goUrlParseError } from "./go-url.js";
