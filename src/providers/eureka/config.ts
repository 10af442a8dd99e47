/** `eureka_sd_configs` (discovery/eureka/eureka.go SDConfig): server, refresh_interval, the HTTP client block. */
import { goUrlParseError, readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface EurekaConfig {
  /** As written; `/apps` is appended textually, as Prometheus does. */
  readonly server: string;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on the `/apps` body (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const EUREKA_DEFAULTS = Object.freeze({ refreshIntervalMs: 30_000, maxBodyBytes: 64 * 1024 * 1024 });

/** Go's url.Parse view of `text`: the scheme and the host (authority without userinfo), "" when absent. */
export function goUrlSchemeAndHost(text: string): { scheme: string; host: string } {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  const scheme = schemeMatch?.[1] ?? "";
  const rest = text.slice(schemeMatch?.[0].length ?? 0).split("#")[0] ?? "";
  if (!rest.startsWith("//") || (scheme === "" && rest.startsWith("///"))) return { scheme, host: "" };
  const authority = rest.slice(2).split(/[/?]/)[0] ?? "";
  return { scheme, host: authority.slice(authority.lastIndexOf("@") + 1) };
}

export function parseEurekaConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): EurekaConfig {
  const reader = MapReader.open(node, at, "eureka.SDConfig");
  const server = reader.string("server") ?? "";
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? EUREKA_DEFAULTS.refreshIntervalMs;
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  const fail = (problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey("server"), problem, hint);
  };
  if (server === "") fail("eureka_sd: empty or null eureka server", "set `server` to the Eureka base URL, e.g. http://eureka:8761/eureka");
  const parseProblem = goUrlParseError(server);
  if (parseProblem !== undefined) fail(parseProblem, "write a URL such as http://eureka:8761/eureka");
  const { scheme, host } = goUrlSchemeAndHost(server);
  if (scheme === "" || host === "") fail("eureka_sd: invalid eureka server URL", "write a URL with a scheme and a host, e.g. http://eureka:8761/eureka");
  const httpClient = unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "30s"');
  }
  return { server, refreshIntervalMs, httpClient, maxBodyBytes: EUREKA_DEFAULTS.maxBodyBytes };
}
