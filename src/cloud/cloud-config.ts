/**
 * Config checks the plain-HTTP cloud mechanisms share. Their Go configs all decode through `type plain
 * SDConfig`, accept any `refresh_interval`, and validate the HTTP client block last.
 */
import type { MapReader } from "../config/reader.js";
import { ConfigError } from "../errors.js";

/** Prometheus accepts `refresh_interval: 0` and then panics when its ticker starts; promsd rejects it (common.md 4). */
export function requirePositiveRefreshInterval(reader: MapReader, refreshIntervalMs: number): void {
  if (refreshIntervalMs === 0) throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
}

/** promsd's cap on one API answer (Prometheus reads bodies whole); not a YAML key. */
export const CLOUD_MAX_BODY_BYTES = 64 * 1024 * 1024;
