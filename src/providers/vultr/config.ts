/** `vultr_sd_configs`: port, refresh_interval and the HTTP client block (the API key goes in `authorization`). */
import { CLOUD_MAX_BODY_BYTES, requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface VultrConfig {
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** govultr's base URL; fixed in Prometheus, so not a YAML key. */
  readonly endpoint: string;
  readonly maxBodyBytes: number;
}

export const VULTR_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000, endpoint: "https://api.vultr.com" });

export function parseVultrConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): VultrConfig {
  const reader = MapReader.open(node, at, "vultr.plain");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? VULTR_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? VULTR_DEFAULTS.port;
  reader.finish();
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return { port, refreshIntervalMs, httpClient, endpoint: VULTR_DEFAULTS.endpoint, maxBodyBytes: CLOUD_MAX_BODY_BYTES };
}
