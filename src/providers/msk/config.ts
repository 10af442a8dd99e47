/**
 * `msk_sd_configs` (Prometheus 3.x discovery/aws/msk.go `MSKSDConfig`): the shared AWS keys
 * (src/cloud/aws/config.ts), `clusters` (cluster ARNs; empty: every provisioned cluster), `port` (default
 * 80), `refresh_interval` (60s) and `request_concurrency` (10 parallel API calls).
 */
import { applyAwsDefaults, checkRefreshInterval, readAwsCommonKeys, type AwsCommonConfig, type AwsCommonKeys } from "../../cloud/aws/config.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface MskConfig extends AwsCommonConfig {
  readonly clusters: readonly string[];
  readonly requestConcurrency: number;
}

export const MSK_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000, requestConcurrency: 10 });

export function mskConfigFrom(keys: AwsCommonKeys, clusters: readonly string[], httpClient: AwsCommonConfig["httpClient"], requestConcurrency: number, isUnified: boolean): MskConfig {
  return { ...applyAwsDefaults(keys, httpClient, MSK_DEFAULTS, isUnified), clusters, requestConcurrency };
}

export function parseMskConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): MskConfig {
  const reader = MapReader.open(node, at, "aws.plain");
  const keys = readAwsCommonKeys(reader, ctx);
  const clusters = reader.stringList("clusters") ?? [];
  // `omitempty`: a written 0 keeps the default.
  const requestConcurrency = reader.int("request_concurrency") || MSK_DEFAULTS.requestConcurrency;
  reader.finish();
  const config = mskConfigFrom(keys, clusters, keys.httpClient.validate(), requestConcurrency, false);
  checkRefreshInterval(config, reader);
  return config;
}
