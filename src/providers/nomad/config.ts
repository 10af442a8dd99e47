/** `nomad_sd_configs` (discovery/nomad/nomad.go SDConfig; Prometheus 3.x only, 2.42 rejects the key). */
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface NomadConfig {
  readonly allowStale: boolean;
  readonly namespace: string;
  readonly refreshIntervalMs: number;
  readonly region: string;
  readonly server: string;
  readonly tagSeparator: string;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on each answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const NOMAD_DEFAULTS = Object.freeze({
  allowStale: true, namespace: "default", refreshIntervalMs: 60_000, region: "global", server: "http://localhost:4646", tagSeparator: ",", maxBodyBytes: 64 * 1024 * 1024,
});

export function parseNomadConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): NomadConfig {
  const reader = MapReader.open(node, at, "nomad.SDConfig");
  const allowStale = reader.bool("allow_stale") ?? NOMAD_DEFAULTS.allowStale;
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const namespace = reader.string("namespace") ?? NOMAD_DEFAULTS.namespace;
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? NOMAD_DEFAULTS.refreshIntervalMs;
  const region = reader.string("region") ?? NOMAD_DEFAULTS.region;
  const server = reader.string("server") ?? NOMAD_DEFAULTS.server;
  const tagSeparator = reader.string("tag_separator") ?? NOMAD_DEFAULTS.tagSeparator;
  reader.finish();
  if (server.trim() === "") throw new ConfigError(reader.atKey("server"), "nomad SD configuration requires a server address", "set `server`, e.g. http://nomad:4646");
  const httpClient = unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
  }
  return { allowStale, namespace, refreshIntervalMs, region, server, tagSeparator, httpClient, maxBodyBytes: NOMAD_DEFAULTS.maxBodyBytes };
}
