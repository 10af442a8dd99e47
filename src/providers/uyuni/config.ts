/** `uyuni_sd_configs` (discovery/uyuni/uyuni.go SDConfig): server, username, password, entitlement, separator. */
import { goUrlParseError, readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { validateHttpClientAs242 } from "../../config/http-client-v242.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface UyuniConfig {
  readonly server: string;
  readonly username: string;
  readonly password: Secret;
  readonly entitlement: string;
  readonly separator: string;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on each XML-RPC answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const UYUNI_DEFAULTS = Object.freeze({ entitlement: "monitoring_entitled", separator: ",", refreshIntervalMs: 60_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseUyuniConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): UyuniConfig {
  const reader = MapReader.open(node, at, "uyuni.SDConfig");
  const server = reader.string("server") ?? "";
  const username = reader.string("username") ?? "";
  const password = reader.secret("password") ?? new Secret("");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  // `omitempty` defaults: an empty value written in YAML stays empty (Go keeps what was decoded).
  const entitlement = reader.string("entitlement") ?? UYUNI_DEFAULTS.entitlement;
  const separator = reader.string("separator") ?? UYUNI_DEFAULTS.separator;
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? UYUNI_DEFAULTS.refreshIntervalMs;
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (server === "") fail("server", "Uyuni SD configuration requires server host", "set `server` to the Uyuni base URL, e.g. https://uyuni.example.com");
  const parseProblem = goUrlParseError(server);
  if (parseProblem !== undefined) fail("server", `Uyuni Server URL is not valid: ${parseProblem}`, "write a URL such as https://uyuni.example.com");
  if (username === "") fail("username", "Uyuni SD configuration requires a username", "set `username`");
  if (password.isEmpty) fail("password", "Uyuni SD configuration requires a password", "set `password`");
  // 2.42's UnmarshalYAML returned nil here: its client block was never validated.
  const httpClient = ctx.profile === "v2.42" ? validateHttpClientAs242(unvalidatedClient, node, at, ctx, "uyuni.SDConfig") : unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "1m"');
  }
  return { server, username, password, entitlement, separator, refreshIntervalMs, httpClient, maxBodyBytes: UYUNI_DEFAULTS.maxBodyBytes };
}
