/**
 * `lightsail_sd_configs` (Prometheus discovery/aws/lightsail.go `LightsailSDConfig`): the shared AWS keys
 * (src/cloud/aws/config.ts), `port` (default 80) and `refresh_interval` (default 60s); no filters.
 */
import { applyAwsDefaults, checkRefreshInterval, checkRegionAtLoad, readAwsCommonKeys, type AwsCommonConfig, type AwsCommonKeys } from "../../cloud/aws/config.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type LightsailConfig = AwsCommonConfig;

export const LIGHTSAIL_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000 });

/** Builds the Lightsail config from keys already read, for `lightsail_sd_configs` and `aws_sd_configs` role lightsail. */
export function lightsailConfigFrom(keys: AwsCommonKeys, httpClient: AwsCommonConfig["httpClient"], isUnified: boolean): LightsailConfig {
  return applyAwsDefaults(keys, httpClient, LIGHTSAIL_DEFAULTS, isUnified);
}

export function parseLightsailConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): LightsailConfig {
  const reader = MapReader.open(node, at, "aws.plain");
  const keys = readAwsCommonKeys(reader, ctx);
  reader.finish();
  checkRegionAtLoad(keys, reader, ctx, "Lightsail");
  const config = lightsailConfigFrom(keys, keys.httpClient.validate(), false);
  checkRefreshInterval(config, reader);
  return config;
}
