/**
 * `triton_sd_configs` (Prometheus discovery/triton): account, role (`container` or `cn`), dns_suffix,
 * endpoint, groups, port (9163), refresh_interval (60s), tls_config and version (1). Only `tls_config`
 * of the HTTP client block: Prometheus builds a bare Go transport around it (no proxy, no auth).
 */
import { readTlsConfig, tlsOnlyHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type TritonRole = "container" | "cn";

export interface TritonConfig {
  readonly account: string;
  readonly role: TritonRole;
  readonly dnsSuffix: string;
  /** Host name or address of the triton-cmon discovery service. */
  readonly endpoint: string;
  readonly groups: readonly string[];
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly version: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on the discovery answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const TRITON_DEFAULTS = Object.freeze({ role: "container", port: 9163, refreshIntervalMs: 60_000, version: 1, maxBodyBytes: 64 * 1024 * 1024 });

export function parseTritonConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): TritonConfig {
  const reader = MapReader.open(node, at, "triton.plain");
  const account = reader.string("account") ?? "";
  const role = reader.string("role") ?? TRITON_DEFAULTS.role;
  const dnsSuffix = reader.string("dns_suffix") ?? "";
  const endpoint = reader.string("endpoint") ?? "";
  const groups = reader.stringList("groups") ?? [];
  const port = reader.int("port") ?? TRITON_DEFAULTS.port;
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? TRITON_DEFAULTS.refreshIntervalMs;
  const tlsConfig = readTlsConfig(reader.map("tls_config", "config.plain"), ctx);
  const version = reader.int("version") ?? TRITON_DEFAULTS.version;
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  // Prometheus's order of checks (triton.go UnmarshalYAML).
  if (role !== "container" && role !== "cn") fail("role", "triton SD configuration requires role to be 'container' or 'cn'", "use role: container or role: cn");
  if (account === "") fail("account", "triton SD configuration requires an account", "set account");
  if (dnsSuffix === "") fail("dns_suffix", "triton SD configuration requires a dns_suffix", "set dns_suffix, e.g. cmon.us-east-1.triton.zone");
  if (endpoint === "") fail("endpoint", "triton SD configuration requires an endpoint", "set endpoint to the cmon host name");
  if (refreshIntervalMs <= 0) fail("refresh_interval", "triton SD configuration requires RefreshInterval to be a positive integer", 'use e.g. "60s"');
  return {
    account,
    role: role as TritonRole, // checked above
    dnsSuffix,
    endpoint,
    groups,
    port,
    refreshIntervalMs,
    version,
    httpClient: tlsOnlyHttpClientConfig(tlsConfig),
    maxBodyBytes: TRITON_DEFAULTS.maxBodyBytes,
  };
}
