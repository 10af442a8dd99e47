/** `kuma_sd_configs` (discovery/xds/kuma.go KumaSDConfig; Prometheus 3.x only, 2.42 rejects the key). */
import { hostname } from "node:os";
import { goUrlParseError, readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { goUrlSchemeAndHost } from "../eureka/config.js";

export interface KumaConfig {
  readonly server: string;
  /** As written, or this machine's host name (Prometheus: its FQDN, else "prometheus"). */
  readonly clientId: string;
  readonly refreshIntervalMs: number;
  readonly fetchTimeoutMs: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on one MADS answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const KUMA_DEFAULTS = Object.freeze({ refreshIntervalMs: 15_000, fetchTimeoutMs: 120_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseKumaConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): KumaConfig {
  const reader = MapReader.open(node, at, "xds.plainKumaConf");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? KUMA_DEFAULTS.refreshIntervalMs;
  const fetchTimeoutMs = reader.duration("fetch_timeout", ctx.profile) ?? KUMA_DEFAULTS.fetchTimeoutMs;
  const server = reader.string("server") ?? "";
  const clientId = reader.string("client_id") ?? "";
  reader.finish();
  const fail = (problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey("server"), problem, hint);
  };
  if (server === "") fail("kuma SD server must not be empty: ", "set `server` to the Kuma control plane's MADS address, e.g. http://kuma-control-plane:5676");
  const parseProblem = goUrlParseError(server);
  if (parseProblem !== undefined) fail(parseProblem, "write a URL such as http://kuma-control-plane:5676");
  const { scheme, host } = goUrlSchemeAndHost(server);
  if (scheme === "" || host === "") fail(`kuma SD server must not be empty and have a scheme: ${server}`, "write a URL such as http://kuma-control-plane:5676");
  const httpClient = unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "15s"');
  }
  return { server, clientId: clientId === "" ? hostname() || "prometheus" : clientId, refreshIntervalMs, fetchTimeoutMs, httpClient, maxBodyBytes: KUMA_DEFAULTS.maxBodyBytes };
}
