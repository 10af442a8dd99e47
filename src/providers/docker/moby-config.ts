/**
 * The config keys `docker_sd_configs` and `dockerswarm_sd_configs` share (Prometheus's discovery/moby package
 * decodes both into `moby.plain`): `host`, `port`, `filters`, `refresh_interval` and the HTTP client block,
 * with Prometheus's checks in its order: decoding, `host missing`, url.Parse(host), then the caller's own
 * checks and HTTPClientConfig.Validate().
 */
import { readHttpClientConfig, type UnvalidatedHttpClientConfig } from "../../config/http-client.js";
import { goUrlParseError } from "../../config/go-url.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";

/** One `filters` entry: the Engine API's `filters` query parameter gets every value under `name`. */
export interface MobyFilter {
  readonly name: string;
  readonly values: readonly string[];
}

export interface MobyCommonConfig {
  readonly host: string;
  readonly port: number;
  readonly filters: readonly MobyFilter[];
  readonly refreshIntervalMs: number;
  readonly profile: Profile;
  /** promsd's cap on each Engine API response (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const MOBY_DEFAULTS = Object.freeze({ refreshIntervalMs: 60_000, port: 80, maxBodyBytes: 64 * 1024 * 1024 });

/** The Go type both configs decode into, as it appears in `field x not found in type moby.plain`. */
export const MOBY_PLAIN_TYPE = "moby.plain";

export interface MobyCommonRead {
  readonly common: MobyCommonConfig;
  readonly httpClient: UnvalidatedHttpClientConfig;
}

/** Reads the shared keys; the caller reads its own, then calls `finish()` and `checkMobyHost`. */
export function readMobyCommon(reader: MapReader, ctx: ParseContext): MobyCommonRead {
  const host = reader.string("host") ?? "";
  const port = reader.int("port") ?? MOBY_DEFAULTS.port;
  const filters = (reader.list("filters", "[]moby.Filter") ?? []).map(({ value, at }) => {
    const filter = MapReader.open(value, at, "moby.Filter");
    const parsed = { name: filter.string("name") ?? "", values: filter.stringList("values") ?? [] };
    filter.finish();
    return parsed;
  });
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? MOBY_DEFAULTS.refreshIntervalMs;
  const httpClient = readHttpClientConfig(reader, ctx);
  return { common: { host, port, filters, refreshIntervalMs, profile: ctx.profile, maxBodyBytes: MOBY_DEFAULTS.maxBodyBytes }, httpClient };
}

/** Prometheus's `host missing` and url.Parse checks, which come right after decoding. */
export function checkMobyHost(reader: MapReader, host: string): void {
  if (host === "") throw new ConfigError(reader.atKey("host"), "host missing", "set `host`, e.g. unix:///var/run/docker.sock or tcp://127.0.0.1:2375");
  const urlError = goUrlParseError(host);
  if (urlError !== undefined) throw new ConfigError(reader.atKey("host"), urlError, "write the Docker daemon address as a URL");
}

/** Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it, as for every polling mechanism. */
export function checkRefreshInterval(reader: MapReader, refreshIntervalMs: number): void {
  if (refreshIntervalMs === 0) throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
}
