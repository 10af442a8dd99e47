/** `digitalocean_sd_configs`: role (droplets | databases, 3.12+), port, refresh_interval, the HTTP client block. */
import { CLOUD_MAX_BODY_BYTES, requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type DigitalOceanRole = "droplets" | "databases";

export interface DigitalOceanConfig {
  readonly role: DigitalOceanRole;
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** godo's base URL; fixed in Prometheus, so not a YAML key. */
  readonly endpoint: string;
  readonly maxBodyBytes: number;
}

export const DIGITALOCEAN_DEFAULTS = Object.freeze({ role: "droplets", port: 80, refreshIntervalMs: 60_000, endpoint: "https://api.digitalocean.com" });

export function parseDigitalOceanConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): DigitalOceanConfig {
  const reader = MapReader.open(node, at, "digitalocean.plain");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? DIGITALOCEAN_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? DIGITALOCEAN_DEFAULTS.port;
  // `role` (and the databases role) arrived in 3.12; 2.42 knows only droplets and rejects the key.
  const role = ctx.profile === "v3" ? (reader.string("role") ?? DIGITALOCEAN_DEFAULTS.role) : "droplets";
  if (role !== "droplets" && role !== "databases") throw new ConfigError(reader.atKey("role"), `unknown DigitalOcean SD role ${JSON.stringify(role)}`, "use droplets or databases");
  reader.finish();
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return { role, port, refreshIntervalMs, httpClient, endpoint: DIGITALOCEAN_DEFAULTS.endpoint, maxBodyBytes: CLOUD_MAX_BODY_BYTES };
}
