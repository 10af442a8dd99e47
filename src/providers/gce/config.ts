/**
 * `gce_sd_configs` (Prometheus discovery/gce/gce.go SDConfig): `project`, `zone`, `filter`, `port`,
 * `tag_separator`, `refresh_interval`. There is no HTTP client block: credentials are Google's application
 * default credentials, the transport Go's default one (HTTPS_PROXY, SSL_CERT_FILE).
 */
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface GceConfig {
  readonly project: string;
  readonly zone: string;
  /** Compute Engine's list filter, sent as written. */
  readonly filter: string;
  readonly refreshIntervalMs: number;
  readonly port: number;
  readonly tagSeparator: string;
  /** promsd's cap on one page of instances (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const GCE_DEFAULTS = Object.freeze({ port: 80, tagSeparator: ",", refreshIntervalMs: 60_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseGceConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): GceConfig {
  const reader = MapReader.open(node, at, "gce.plain");
  const project = reader.string("project") ?? "";
  const zone = reader.string("zone") ?? "";
  const filter = reader.string("filter") ?? "";
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? GCE_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? GCE_DEFAULTS.port;
  // go-yaml overwrites the default even with "" or null, so only an absent key keeps ",".
  const tagSeparator = reader.isWritten("tag_separator") ? reader.string("tag_separator") ?? "" : GCE_DEFAULTS.tagSeparator;
  reader.finish();
  if (project === "") throw new ConfigError(reader.atKey("project"), "GCE SD configuration requires a project", "set `project`");
  if (zone === "") throw new ConfigError(reader.atKey("zone"), "GCE SD configuration requires a zone", "set `zone`, e.g. europe-west1-b");
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
  }
  return { project, zone, filter, refreshIntervalMs, port, tagSeparator, maxBodyBytes: GCE_DEFAULTS.maxBodyBytes };
}
