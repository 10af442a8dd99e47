/** `dns_sd_configs` (spec dns.md 1): names, type, port, refresh_interval. */
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import type { QueryType } from "./wire.js";

export interface DnsConfig {
  readonly names: readonly string[];
  readonly type: QueryType;
  readonly port: number;
  readonly refreshIntervalMs: number;
  /** v3 has NS records and the `__meta_dns_ns_record_target` label; 2.42 has neither. */
  readonly hasNsSupport: boolean;
}

export const DNS_DEFAULTS = Object.freeze({ type: "SRV" as QueryType, port: 0, refreshIntervalMs: 30_000 });

export function parseDnsConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): DnsConfig {
  const reader = MapReader.open(node, at, "dns.SDConfig");
  const names = reader.stringList("names") ?? [];
  const typeText = reader.string("type");
  const port = reader.int("port") ?? DNS_DEFAULTS.port;
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? DNS_DEFAULTS.refreshIntervalMs;
  reader.finish();
  const hasNsSupport = ctx.profile !== "v2.42";
  if (names.length === 0) {
    throw new ConfigError(reader.atKey("names"), "DNS-SD config must contain at least one SRV record name", "list at least one name under `names`");
  }
  const type = typeText === undefined ? DNS_DEFAULTS.type : typeText.toUpperCase();
  const allowed: readonly string[] = hasNsSupport ? ["SRV", "A", "AAAA", "MX", "NS"] : ["SRV", "A", "AAAA", "MX"];
  if (!allowed.includes(type)) {
    throw new ConfigError(reader.atKey("type"), `invalid DNS-SD records type ${typeText ?? ""}`, `expected one of ${allowed.join(", ")}`);
  }
  if (type !== "SRV" && port === 0) {
    throw new ConfigError(reader.atKey("port"), "a port is required in DNS-SD configs for all record types except SRV", `set \`port\` for type ${type}`);
  }
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then crashes when the timer starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "30s"');
  }
  return { names, type: type as QueryType, port, refreshIntervalMs, hasNsSupport };
}
