/**
 * `--web.config.file`: the exporter-toolkit web configuration that Prometheus and every exporter read
 * (github.com/prometheus/exporter-toolkit, web/tls_config.go and web/handler.go), parsed strictly as go-yaml's
 * UnmarshalStrict does there: unknown keys, wrong types and unknown names are ConfigErrors naming file,
 * line and key. Defaults are the toolkit's: TLS 1.2 to 1.3, server cipher order, HTTP/2 on, no users.
 *
 * This module only parses and validates what the text says; reading the certificate files and building
 * Node's TLS options is ./tls-options.ts, checking passwords ./basic-auth.ts.
 */
import { randomBytes } from "node:crypto";
import { isAbsolute, join } from "node:path";
import { ConfigError } from "../../errors.js";
import { MapReader } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import type { Profile } from "../../profile.js";
import { ConfigLocation } from "../../yaml/location.js";
import { goYamlTag, parseYaml, type YamlNode } from "../../yaml/yaml-node.js";
import { parseGoDuration } from "./go-duration.js";
import { GO_CIPHER_SUITES, GO_CURVES, GO_TLS_VERSIONS, type GoTlsVersion } from "./tls-names.js";

export const CLIENT_AUTH_TYPES = ["NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"] as const;
export type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

export interface WebTlsConfig {
  readonly at: ConfigLocation;
  /** Any TLS field set (exporter-toolkit's TLSConfig.IsEnabled): the server speaks HTTPS. */
  readonly isEnabled: boolean;
  readonly cert: string | undefined;
  readonly key: Secret | undefined;
  /** Already joined with the config file's directory. */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  readonly clientCa: string | undefined;
  readonly clientCaFile: string | undefined;
  readonly clientAuthType: ClientAuthType;
  /** Go cipher-suite names in the order written; empty = Go's defaults. */
  readonly cipherSuites: readonly string[];
  readonly curvePreferences: readonly string[];
  readonly minVersion: GoTlsVersion;
  readonly maxVersion: GoTlsVersion;
  readonly preferServerCipherSuites: boolean;
  /** Undefined: no SAN check; otherwise the client certificate must carry one of these SANs. */
  readonly clientAllowedSans: readonly string[] | undefined;
}

export interface WebConfig {
  readonly file: string;
  readonly tls: WebTlsConfig;
  readonly http2: boolean;
  /** Extra response headers (names as written; exporter-toolkit allows only a few, see ALLOWED_HEADERS). */
  readonly headers: ReadonlyMap<string, string>;
  /** rate_limit; intervalMs 0 = no limiter (the toolkit only builds one for a non-zero interval). */
  readonly rateLimit: { readonly intervalMs: number; readonly burst: number };
  /** user → bcrypt hash. Empty: no authentication. */
  readonly users: ReadonlyMap<string, Secret>;
  /**
   * A random hash nobody knows a password for, with the cost most users have: checked for unknown user
   * names so that they take as long as known ones (no user enumeration by timing).
   */
  readonly unknownUserHash: string;
}

/**
 * exporter-toolkit's extraHTTPHeaders: the only headers a web config may set, with the allowed values where
 * the header is an enumeration. Names are matched exactly as written (Go map lookup).
 */
export const ALLOWED_HEADERS: ReadonlyMap<string, readonly string[]> = new Map([
  ["Strict-Transport-Security", []],
  ["X-Content-Type-Options", ["nosniff"]],
  ["X-Frame-Options", ["deny", "sameorigin"]],
  ["X-XSS-Protection", []],
  ["Content-Security-Policy", []],
]);

/**
 * Parses web config text; `file` names it in errors and relative paths join with its directory. Profile
 * v2.42 reads the file as Prometheus 2.42's exporter-toolkit (0.8) does: no inline `cert`/`key`/`client_ca`,
 * no `client_allowed_sans`, no `rate_limit` (unknown keys there), and its older "missing cert_file" wording.
 */
export function parseWebConfigText(text: string, file: string, configDir: string, profile: Profile = "v3"): WebConfig {
  const root = ConfigLocation.root(file);
  const reader = MapReader.open(parseYaml(text, file), root, "web.Config");
  const tlsReader = reader.map("tls_server_config", "web.TLSConfig");
  const tls = readTlsConfig(tlsReader ?? MapReader.open(undefined, reader.atKey("tls_server_config"), "web.TLSConfig"), configDir, profile);
  const httpReader = reader.map("http_server_config", "web.HTTPConfig") ?? MapReader.open(undefined, reader.atKey("http_server_config"), "web.HTTPConfig");
  const http2 = httpReader.bool("http2") ?? true;
  const headers = readHeaders(httpReader);
  httpReader.finish();
  const rateLimit = profile === "v2.42" ? { intervalMs: 0, burst: 0 } : readRateLimit(reader.map("rate_limit", "web.RateLimiterConfig") ?? MapReader.open(undefined, reader.atKey("rate_limit"), "web.RateLimiterConfig"));
  const users = readUsers(reader);
  reader.finish();
  checkHttp2Ciphers(tls, http2);
  return { file, tls, http2, headers, rateLimit, users, unknownUserHash: unknownUserHash(users) };
}

function readTlsConfig(r: MapReader, configDir: string, profile: Profile): WebTlsConfig {
  const isV242 = profile === "v2.42";
  const path = (key: string): string | undefined => {
    const value = r.string(key);
    return value === undefined || value === "" || isAbsolute(value) ? value : join(configDir, value);
  };
  const cert = isV242 ? undefined : r.string("cert");
  const key = isV242 ? undefined : r.secret("key");
  const clientCa = isV242 ? undefined : r.string("client_ca");
  const certFile = path("cert_file");
  const keyFile = path("key_file");
  const clientAuthText = r.string("client_auth_type");
  const clientCaFile = path("client_ca_file");
  const cipherSuites = namedList(r, "cipher_suites", "web.Cipher", (name) => (GO_CIPHER_SUITES.has(name) ? undefined : `unknown cipher: ${name}`));
  const curvePreferences = namedList(r, "curve_preferences", "web.Curve", (name) => (GO_CURVES.has(name) ? undefined : `unknown curve: ${name}`));
  const minVersion = tlsVersion(r, "min_version") ?? "TLS12";
  const maxVersion = tlsVersion(r, "max_version") ?? "TLS13";
  const preferServerCipherSuites = r.bool("prefer_server_cipher_suites") ?? true;
  const clientAllowedSans = isV242 ? undefined : r.stringList("client_allowed_sans");
  r.finish();
  const isEnabled = [certFile, cert, keyFile, clientCaFile, clientCa, clientAuthText].some((v) => v !== undefined && v !== "") || (key !== undefined && !key.isEmpty);
  const config: WebTlsConfig = {
    at: r.at,
    isEnabled,
    cert: nonEmpty(cert),
    key: key?.isEmpty ? undefined : key,
    certFile: nonEmpty(certFile),
    keyFile: nonEmpty(keyFile),
    clientCa: nonEmpty(clientCa),
    clientCaFile: nonEmpty(clientCaFile),
    clientAuthType: "NoClientCert",
    cipherSuites,
    curvePreferences,
    minVersion,
    maxVersion,
    preferServerCipherSuites,
    clientAllowedSans,
  };
  if (!isEnabled) return config;
  // The toolkit's checks, in its order (validateTLSPaths, then the client auth switch).
  if (!config.certFile && !config.cert) throw new ConfigError(r.at, isV242 ? "missing cert_file" : "missing one of cert or cert_file", "set cert_file (a PEM file) or cert (inline PEM)");
  if (!config.keyFile && !config.key) throw new ConfigError(r.at, isV242 ? "missing key_file" : "missing one of key or key_file", "set key_file (a PEM file) or key (inline PEM)");
  const clientAuthType = clientAuthText === "RequireClientCert" ? "RequireAnyClientCert" : clientAuthText === undefined || clientAuthText === "" ? "NoClientCert" : CLIENT_AUTH_TYPES.find((t) => t === clientAuthText);
  if (clientAuthType === undefined) {
    throw new ConfigError(r.atKey("client_auth_type"), `invalid ClientAuth: ${clientAuthText ?? ""}`, `expected one of ${CLIENT_AUTH_TYPES.join(", ")}`);
  }
  if (GO_TLS_VERSIONS[minVersion] > GO_TLS_VERSIONS[maxVersion]) {
    throw new ConfigError(r.atKey("min_version"), `no supported versions satisfy MinVersion and MaxVersion (${minVersion} > ${maxVersion})`, "min_version must not be above max_version");
  }
  return { ...config, clientAuthType };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

/** A list of names each checked by `problem` (undefined = known); errors name the element's line. */
function namedList(r: MapReader, key: string, goType: string, problem: (name: string) => string | undefined): string[] {
  const items = r.list(key, `[]${goType}`) ?? [];
  return items.map(({ value, at }) => {
    if (value.kind !== "scalar") throw new ConfigError(at, `yaml: unmarshal errors:\n  line ${at.line}: cannot unmarshal ${goYamlTag(value)} into string`, "expected a name");
    const message = problem(value.text);
    if (message !== undefined) throw new ConfigError(at, message, `expected one of ${[...(key === "cipher_suites" ? GO_CIPHER_SUITES.keys() : GO_CURVES.keys())].join(", ")}`);
    return value.text;
  });
}

function tlsVersion(r: MapReader, key: string): GoTlsVersion | undefined {
  const text = r.string(key);
  if (text === undefined) return undefined;
  const version = (Object.keys(GO_TLS_VERSIONS) as GoTlsVersion[]).find((v) => v === text);
  if (version === undefined) throw new ConfigError(r.atKey(key), `unknown TLS version: ${text}`, "expected TLS10, TLS11, TLS12 or TLS13");
  return version;
}

function readHeaders(r: MapReader): ReadonlyMap<string, string> {
  const headers = r.stringMap("headers") ?? new Map<string, string>();
  for (const [name, value] of headers) {
    const at = entryAt(r, "headers", name);
    const allowed = ALLOWED_HEADERS.get(name);
    if (allowed === undefined) throw new ConfigError(at, `HTTP header ${JSON.stringify(name)} can not be configured`, `only ${[...ALLOWED_HEADERS.keys()].join(", ")} can be set`);
    if (allowed.length > 0 && !allowed.includes(value)) {
      throw new ConfigError(at, `invalid value for ${name}. Expected one of: [${allowed.map((v) => JSON.stringify(v)).join(" ")}], but got: ${JSON.stringify(value)}`);
    }
    // Node refuses header values with control characters at send time; refuse them here, with a line.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) throw new ConfigError(at, `invalid value for ${name}: control characters are not allowed in HTTP headers`);
  }
  return headers;
}

function readRateLimit(r: MapReader): WebConfig["rateLimit"] {
  const burst = r.int("burst") ?? 0;
  const node = r.node("interval");
  r.finish();
  return { burst, intervalMs: node === undefined ? 0 : goDurationField(node, r.atKey("interval")) };
}

/** A time.Duration field as go-yaml v2 decodes it: an integer is nanoseconds, a string Go duration syntax. */
function goDurationField(node: YamlNode, at: ConfigLocation): number {
  if (node.kind !== "scalar") throw new ConfigError(at, `yaml: unmarshal errors:\n  line ${at.line}: cannot unmarshal ${goYamlTag(node)} into time.Duration`, "write a duration such as 1s");
  if (node.isNull) return 0;
  if (!node.isQuoted && /^[-+]?[0-9]+$/.test(node.text)) return Number(node.text) / 1e6;
  const ms = parseGoDuration(node.text);
  if (ms === undefined) throw new ConfigError(at, `yaml: unmarshal errors:\n  line ${at.line}: cannot unmarshal !!str \`${node.text}\` into time.Duration`, "write a Go duration such as 1s, 500ms or 1m30s");
  return ms;
}

function readUsers(reader: MapReader): ReadonlyMap<string, Secret> {
  const raw = reader.stringMap("basic_auth_users") ?? new Map<string, string>();
  const users = new Map<string, Secret>();
  for (const [user, hash] of raw) {
    const problem = bcryptHashProblem(hash);
    if (problem !== undefined) throw new ConfigError(entryAt(reader, "basic_auth_users", user), problem, "write a bcrypt hash, e.g. from `htpasswd -nBC 10 \"\" | tr -d ':\\n'`");
    users.set(user, new Secret(hash));
  }
  return users;
}

/** golang.org/x/crypto/bcrypt.Cost's checks (same messages), plus the variants bcryptjs can verify. */
export function bcryptHashProblem(hash: string): string | undefined {
  if (hash.length < 59) return "crypto/bcrypt: hashedSecret too short to be a bcrypted password";
  if (hash[0] !== "$") return `crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '${hash[0] ?? ""}'`;
  if (hash[1] !== "2") return `crypto/bcrypt: bcrypt algorithm version '${hash[1] ?? ""}' requested is newer than current version '2'`;
  const match = /^\$2([abxy])\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(hash);
  if (!match) return "not a bcrypt hash of the form $2y$<cost>$<53 characters> ($2a$, $2b$, $2x$ and $2y$ are accepted)";
  const cost = Number(match[2]);
  if (cost < 4 || cost > 31) return `crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`;
  return undefined;
}

/** The location of entry `name` of the map at `key`, on the entry's own line. */
function entryAt(r: MapReader, key: string, name: string): ConfigLocation {
  const node = r.node(key);
  const entry = node?.kind === "map" ? node.entries.find((e) => e.key === name) : undefined;
  return r.atKey(key).key(name, entry?.keyLine);
}

const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function unknownUserHash(users: ReadonlyMap<string, Secret>): string {
  const counts = new Map<number, number>();
  for (const hash of users.values()) {
    const cost = Number(hash.reveal().slice(4, 6));
    counts.set(cost, (counts.get(cost) ?? 0) + 1);
  }
  // The cost most users have (the higher one on a tie); 10 (htpasswd's default) without users.
  let cost = 10;
  let best = 0;
  for (const [c, n] of counts) if (n > best || (n === best && c > cost)) [cost, best] = [c, n];
  const body = [...randomBytes(53)].map((b) => BCRYPT_ALPHABET[b % 64]).join("");
  return `$2y$${String(cost).padStart(2, "0")}$${body}`;
}

/** Go's net/http refuses to serve HTTP/2 when the configured suites lack the one HTTP/2 requires. */
function checkHttp2Ciphers(tls: WebTlsConfig, http2: boolean): void {
  if (!tls.isEnabled || !http2 || tls.cipherSuites.length === 0) return;
  if (tls.cipherSuites.some((c) => c === "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" || c === "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) return;
  throw new ConfigError(
    tls.at.key("cipher_suites"),
    "http2: TLSConfig.CipherSuites is missing an HTTP/2-required AES_128_GCM_SHA256 cipher (need at least one of TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 or TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256)",
    "add one of them or set http_server_config.http2: false",
  );
}
