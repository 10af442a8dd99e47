/**
 * `ec2_sd_configs` (Prometheus discovery/aws/ec2.go `EC2SDConfig`): the shared AWS keys (src/cloud/aws/config.ts),
 * `port` (default 80), `refresh_interval` (default 60s) and `filters` (DescribeInstances filters, each with
 * at least one value). 3.x validates the HTTP client block; 2.42 does not (promsd validates it in both).
 */
import { applyAwsDefaults, checkRefreshInterval, checkRegionAtLoad, readAwsCommonKeys, readAwsFilters, type AwsCommonConfig, type AwsCommonKeys, type AwsFilter } from "../../cloud/aws/config.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface Ec2Config extends AwsCommonConfig {
  readonly filters: readonly AwsFilter[];
  /** promsd's behaviour profile: which Prometheus's labels to produce (2.42 lacks IPv6-only targets and primary IPv6 labels). */
  readonly labelProfile: Profile;
}

export const EC2_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000 });

/** Builds the EC2 config from keys already read, for `ec2_sd_configs` and `aws_sd_configs` role ec2. */
export function ec2ConfigFrom(keys: AwsCommonKeys, filters: readonly AwsFilter[], httpClient: AwsCommonConfig["httpClient"], ctx: ParseContext, isUnified: boolean): Ec2Config {
  return { ...applyAwsDefaults(keys, httpClient, EC2_DEFAULTS, isUnified), filters, labelProfile: ctx.profile };
}

export function parseEc2Config(node: YamlNode, at: ConfigLocation, ctx: ParseContext): Ec2Config {
  const reader = MapReader.open(node, at, "aws.plain");
  const keys = readAwsCommonKeys(reader, ctx);
  const filters = readAwsFilters(reader, ctx.profile === "v3" ? "aws.Filter" : "aws.EC2Filter");
  reader.finish();
  checkRegionAtLoad(keys, reader, ctx, "EC2");
  filters.forEach((filter, i) => {
    if (filter.values.length === 0) throw new ConfigError(reader.atKey("filters").index(i, 0), "EC2 SD configuration filter values cannot be empty", "give each filter at least one value");
  });
  const config = ec2ConfigFrom(keys, filters, keys.httpClient.validate(), ctx, false);
  checkRefreshInterval(config, reader);
  return config;
}
