/** `http_sd_configs` (spec http.md 1): url, refresh_interval and the HTTP client block. */
import {
  goUrlParseError,
  readHttpClientConfig,
  type HttpClientConfig,
} from "../../config/http-client.js";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import type { NameValidationScheme } from "../../model/labels.js";
import { goQuote } from "../../model/go-quote.js";
import { validateHttpClientAs242 } from "../../config/http-client-v242.js";

export interface HttpSdConfig {
  /** As written: the `__meta_url` value and the source prefix. */
  readonly url: string;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** Label-name rule for response labels: utf8 in v3, legacy in 2.42. */
  readonly scheme: NameValidationScheme;
  /**
   * promsd's cap on the response body (Prometheus has none; a body is bounded only by the timeout). Not a
   * YAML key, so configs stay Prometheus-compatible; library users may lower it.
   */
  readonly maxBodyBytes: number;
}

export const HTTP_SD_DEFAULTS = Object.freeze({ refreshIntervalMs: 60_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseHttpSdConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): HttpSdConfig {
  const reader = MapReader.open(node, at, "http.SDConfig");
  const url = reader.string("url") ?? "";
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? HTTP_SD_DEFAULTS.refreshIntervalMs;
  // Read now (decode errors first); Go's Validate runs after the URL checks, as in Prometheus.
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  checkUrl(url, reader.atKey("url"));
  const httpClient = ctx.profile === "v2.42" ? validateHttpClientAs242(unvalidatedClient, node, at, ctx, "http.SDConfig") : unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
  }
  return { url, refreshIntervalMs, httpClient, scheme: ctx.profile === "v2.42" ? "legacy" : "utf8", maxBodyBytes: HTTP_SD_DEFAULTS.maxBodyBytes };
}

/** http.SDConfig's own URL checks, in Prometheus's order. */
function checkUrl(url: string, at: ConfigLocation): void {
  const fail = (problem: string, hint: string): never => {
    throw new ConfigError(at, problem, hint);
  };
  if (url === "") fail("URL is missing", "set `url` to the http_sd endpoint");
  const parseProblem = goUrlParseError(url) ?? bracketProblem(url);
  if (parseProblem !== undefined) fail(parseProblem, "write a URL such as http://sd.example.com/targets");
  const scheme = (/^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1] ?? "").toLowerCase();
  if (scheme !== "http" && scheme !== "https") fail("URL scheme must be 'http' or 'https'", "start the URL with http:// or https://");
  if (urlHostComponent(url) === "") fail("host is missing in URL", "write a URL such as http://sd.example.com/targets");
}

/** Go's url.Parse error for an unclosed IPv6 literal, which goUrlParseError does not cover. */
function bracketProblem(url: string): string | undefined {
  const authority = urlAuthority(url);
  if (authority === undefined) return undefined;
  const host = authority.slice(authority.lastIndexOf("@") + 1);
  if (host.startsWith("[") && !host.includes("]")) return `parse ${goQuote(url)}: missing ']' in host`;
  return undefined;
}

function urlAuthority(url: string): string | undefined {
  const rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, "");
  if (!rest.startsWith("//")) return undefined;
  return rest.slice(2).split(/[/?#]/)[0] ?? "";
}

/** Go's `url.Host`: the authority without userinfo (`:8000` counts as a host). */
function urlHostComponent(url: string): string {
  const authority = urlAuthority(url);
  if (authority === undefined) return "";
  return authority.slice(authority.lastIndexOf("@") + 1);
}
