/** `serverset_sd_configs` and `nerve_sd_configs` (spec zookeeper.md 1): servers, paths, timeout. */
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type MemberFormat = "serverset" | "nerve";

export interface ZooKeeperConfig {
  readonly format: MemberFormat;
  /** `host:port`; a server written without any `:` gets `:2181`. */
  readonly servers: readonly string[];
  readonly paths: readonly string[];
  readonly timeoutMs: number;
}

export const ZOOKEEPER_DEFAULTS = Object.freeze({ timeoutMs: 10_000 });

export function parseZooKeeperConfig(format: MemberFormat) {
  const typeName = format === "serverset" ? "discovery.ServersetSDConfig" : "discovery.NerveSDConfig";
  return (node: YamlNode, at: ConfigLocation, ctx: ParseContext): ZooKeeperConfig => {
    const reader = MapReader.open(node, at, typeName);
    const servers = reader.stringList("servers") ?? [];
    const paths = reader.stringList("paths") ?? [];
    const timeoutMs = reader.duration("timeout", ctx.profile) ?? ZOOKEEPER_DEFAULTS.timeoutMs;
    reader.finish();
    if (servers.length === 0) {
      throw new ConfigError(reader.atKey("servers"), `${format} SD config must contain at least one Zookeeper server`, "list ensemble members under `servers`, e.g. zk1:2181");
    }
    if (paths.length === 0) {
      throw new ConfigError(reader.atKey("paths"), `${format} SD config must contain at least one path`, "list the znode paths to watch under `paths`");
    }
    for (const path of paths) {
      if (!path.startsWith("/")) {
        throw new ConfigError(reader.atKey("paths"), `${format} SD config paths must begin with '/': ${path}`, `write "/${path}"`);
      }
      // Prometheus accepts these and then never discovers anything (zookeeper.md 2.3); say so up front.
      if (path === "/" || path.endsWith("/") || path.includes("//")) {
        throw new ConfigError(reader.atKey("paths"), `${format} SD config path ${path} cannot be watched`, "remove the trailing or doubled '/' (the root path '/' is not supported by Prometheus either)");
      }
    }
    if (timeoutMs === 0) throw new ConfigError(reader.atKey("timeout"), "timeout must be greater than 0", 'use e.g. "10s"');
    return { format, servers: servers.map((s) => (s.includes(":") ? s : `${s}:2181`)), paths, timeoutMs };
  };
}
