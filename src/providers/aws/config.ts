/**
 * `aws_sd_configs` (Prometheus 3.8+ discovery/aws/aws.go `SDConfig`): one key for every AWS role, `role:
 * ec2 | ecs | elasticache | lightsail | msk | rds`, the shared AWS keys (src/cloud/aws/config.ts), `filters`
 * (ec2, rds) and `clusters` (ecs, elasticache, msk, rds). The role's own defaults apply (port 80, 60s for
 * ec2 and lightsail), and, as in aws.go, a written `port: 0` or `refresh_interval: 0` also means the
 * default. Prometheus copies the keys into the role's config without running the role's own checks (so
 * `filters` with no values pass here although `ec2_sd_configs` rejects them); promsd does the same, but it
 * validates the HTTP client block, which Prometheus skips for this key.
 */
import { readAwsCommonKeys, readAwsFilters, type AwsCommonConfig, type AwsFilter, applyAwsDefaults } from "../../cloud/aws/config.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { ec2ConfigFrom, type Ec2Config } from "../ec2/config.js";
import { lightsailConfigFrom, type LightsailConfig } from "../lightsail/config.js";
import { MSK_DEFAULTS, mskConfigFrom, type MskConfig } from "../msk/config.js";

export const AWS_ROLES = ["ec2", "ecs", "elasticache", "lightsail", "msk", "rds"] as const;
export type AwsRole = (typeof AWS_ROLES)[number];

/** The roles whose discovery promsd does not implement yet (TODO(#13)): accepted, warned about, no targets. */
export interface AwsPendingRoleConfig extends AwsCommonConfig {
  readonly filters: readonly AwsFilter[];
  readonly clusters: readonly string[];
}

export type AwsSdConfig =
  | { readonly role: "ec2"; readonly ec2: Ec2Config }
  | { readonly role: "lightsail"; readonly lightsail: LightsailConfig }
  | { readonly role: "msk"; readonly msk: MskConfig }
  | { readonly role: "ecs" | "elasticache" | "rds"; readonly pending: AwsPendingRoleConfig };

function isAwsRole(text: string): text is AwsRole {
  return (AWS_ROLES as readonly string[]).includes(text);
}

export function parseAwsSdConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): AwsSdConfig {
  const reader = MapReader.open(node, at, "aws.plain");
  const role = reader.string("role") ?? "";
  // Role's UnmarshalYAML fails the decoding at once, before strict mode reports unknown keys.
  if (reader.has("role") && !isAwsRole(role)) throw new ConfigError(reader.atKey("role"), `unknown AWS SD role ${JSON.stringify(role)}`, `use one of ${AWS_ROLES.join(", ")}`);
  const keys = readAwsCommonKeys(reader, ctx);
  const filters = readAwsFilters(reader, "aws.Filter");
  const clusters = reader.stringList("clusters") ?? [];
  reader.finish();
  if (!isAwsRole(role)) throw new ConfigError(reader.at, `unknown AWS SD role ${JSON.stringify(role)}`, `set \`role\` to one of ${AWS_ROLES.join(", ")}`);
  const httpClient = keys.httpClient.validate();
  const checkInterval = (ms: number): void => {
    if (ms <= 0) throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "60s"');
  };
  switch (role) {
    case "ec2": {
      const ec2 = ec2ConfigFrom(keys, filters, httpClient, ctx, true);
      checkInterval(ec2.refreshIntervalMs);
      return { role, ec2 };
    }
    case "lightsail": {
      const lightsail = lightsailConfigFrom(keys, httpClient, true);
      checkInterval(lightsail.refreshIntervalMs);
      return { role, lightsail };
    }
    case "msk": {
      const msk = mskConfigFrom(keys, clusters, httpClient, MSK_DEFAULTS.requestConcurrency, true);
      checkInterval(msk.refreshIntervalMs);
      return { role, msk };
    }
    case "ecs":
    case "elasticache":
    case "rds":
      return { role, pending: { ...applyAwsDefaults(keys, httpClient, { port: 80, refreshIntervalMs: 60_000 }, true), filters, clusters } };
  }
}
