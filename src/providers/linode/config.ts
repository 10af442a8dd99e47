/** `linode_sd_configs`: port, tag_separator, region, refresh_interval and the HTTP client block (the token goes in `authorization`). */
import { CLOUD_MAX_BODY_BYTES, requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface LinodeConfig {
  readonly port: number;
  readonly tagSeparator: string;
  /** "" = every region; else sent as the API's `X-Filter: {"region": …}`. */
  readonly region: string;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  /** linodego's base URL; fixed in Prometheus, so not a YAML key. */
  readonly endpoint: string;
  readonly maxBodyBytes: number;
}

export const LINODE_DEFAULTS = Object.freeze({ port: 80, tagSeparator: ",", region: "", refreshIntervalMs: 60_000, endpoint: "https://api.linode.com/v4" });

export function parseLinodeConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): LinodeConfig {
  const reader = MapReader.open(node, at, "linode.plain");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? LINODE_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? LINODE_DEFAULTS.port;
  const tagSeparator = reader.string("tag_separator") ?? LINODE_DEFAULTS.tagSeparator;
  const region = reader.string("region") ?? LINODE_DEFAULTS.region;
  reader.finish();
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return { port, tagSeparator, region, refreshIntervalMs, httpClient, endpoint: LINODE_DEFAULTS.endpoint, maxBodyBytes: CLOUD_MAX_BODY_BYTES };
}
