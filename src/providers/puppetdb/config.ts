/**
 * `puppetdb_sd_configs` (Prometheus discovery/puppetdb/puppetdb.go): `url`, `query`, `include_parameters`,
 * `port`, `refresh_interval` and the HTTP client block, checked in Prometheus's order: decoding, `URL is
 * missing`, url.Parse, scheme, host, `query missing`, then (3.x only; 2.42 skips it) the client block's own
 * validation.
 */
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { goUrlParseError } from "../../config/go-url.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface PuppetDbConfig {
  readonly url: string;
  readonly query: string;
  readonly includeParameters: boolean;
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  readonly profile: Profile;
  /** promsd's cap on the query answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const PUPPETDB_DEFAULTS = Object.freeze({ refreshIntervalMs: 60_000, port: 80, maxBodyBytes: 64 * 1024 * 1024 });

export function parsePuppetDbConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): PuppetDbConfig {
  const reader = MapReader.open(node, at, "puppetdb.plain");
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? PUPPETDB_DEFAULTS.refreshIntervalMs;
  const url = reader.string("url") ?? "";
  const query = reader.string("query") ?? "";
  const includeParameters = reader.bool("include_parameters") ?? false;
  const port = reader.int("port") ?? PUPPETDB_DEFAULTS.port;
  const httpClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (url === "") fail("url", "URL is missing", "set `url` to PuppetDB's base URL, e.g. https://puppetdb.example.com:8081");
  const urlError = goUrlParseError(url);
  if (urlError !== undefined) fail("url", urlError, "write the PuppetDB base URL");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase() ?? "";
  if (scheme !== "http" && scheme !== "https") fail("url", "URL scheme must be 'http' or 'https'", "use an http:// or https:// URL");
  if (urlHost(url) === "") fail("url", "host is missing in URL", "write the host, e.g. https://puppetdb:8081");
  if (query === "") fail("query", "query missing", 'write a PQL query, e.g. resources { type = "Class" and title = "Prometheus::Node_exporter" }');
  // 2.42's UnmarshalYAML never calls HTTPClientConfig.Validate(); promsd validates under both profiles
  // (README: compatibility profiles), since it needs the effective client config.
  const validated = httpClient.validate();
  if (refreshIntervalMs === 0) fail("refresh_interval", "refresh_interval must be greater than 0", 'use e.g. "60s"');
  return { url, query, includeParameters, port, refreshIntervalMs, httpClient: validated, profile: ctx.profile, maxBodyBytes: PUPPETDB_DEFAULTS.maxBodyBytes };
}

/** The host of a URL as Go's url.Parse sees it: the authority after `//`, without userinfo. */
function urlHost(url: string): string {
  const afterScheme = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, "");
  if (!afterScheme.startsWith("//")) return "";
  const authority = afterScheme.slice(2).split(/[/?#]/)[0] ?? "";
  return authority.slice(authority.lastIndexOf("@") + 1);
}
