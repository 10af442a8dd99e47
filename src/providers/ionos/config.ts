/** `ionos_sd_configs`: datacenter_id (required), port, refresh_interval and the HTTP client block (basic auth or token). */
import { CLOUD_MAX_BODY_BYTES, requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface IonosConfig {
  readonly datacenterId: string;
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** The Cloud API v6 base URL; fixed in Prometheus (a test-only override there), so not a YAML key. */
  readonly endpoint: string;
  readonly maxBodyBytes: number;
  /** The Go version whose slice growth Prometheus's IP lists depend on (./go-slices.ts). */
  readonly profile: Profile;
}

export const IONOS_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000, endpoint: "https://api.ionos.com/cloudapi/v6" });

export function parseIonosConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): IonosConfig {
  const reader = MapReader.open(node, at, "ionos.plain");
  const datacenterId = reader.string("datacenter_id") ?? "";
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? IONOS_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? IONOS_DEFAULTS.port;
  reader.finish();
  if (datacenterId === "") throw new ConfigError(reader.atKey("datacenter_id"), "datacenter id can't be empty", "set `datacenter_id` to the UUID of the data center whose servers to discover");
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return { datacenterId, port, refreshIntervalMs, httpClient, endpoint: IONOS_DEFAULTS.endpoint, maxBodyBytes: CLOUD_MAX_BODY_BYTES, profile: ctx.profile };
}
