/** `consul_sd_configs` (spec consul.md 1): every key, defaults, and the validation order of Prometheus. */
import { ConfigError } from "../../errors.js";
import { parseHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface ConsulConfig {
  readonly server: string;
  readonly pathPrefix: string;
  readonly token: Secret;
  readonly datacenter: string;
  readonly namespace: string;
  readonly partition: string;
  /** undefined when the key was written as an empty string (CONSUL_HTTP_SSL then decides). */
  readonly scheme: string;
  readonly services: readonly string[];
  readonly tags: readonly string[];
  /** node_meta pairs, sorted by key so equal configs compare equal. */
  readonly nodeMeta: readonly (readonly [string, string])[];
  readonly filter: string;
  readonly healthFilter: string;
  readonly tagSeparator: string;
  readonly allowStale: boolean;
  readonly refreshIntervalMs: number;
  readonly httpClientConfig: HttpClientConfig;
}

export const CONSUL_DEFAULTS = Object.freeze({ server: "localhost:8500", scheme: "http", tagSeparator: ",", allowStale: true, refreshIntervalMs: 30_000 });

export function parseConsulConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): ConsulConfig {
  const reader = MapReader.open(node, at, "consul.SDConfig");
  const isV3 = ctx.profile !== "v2.42";
  const server = reader.string("server") ?? CONSUL_DEFAULTS.server;
  const pathPrefix = isV3 ? reader.stringOr("path_prefix", "") : "";
  const token = reader.secret("token") ?? new Secret("");
  const datacenter = reader.stringOr("datacenter", "");
  const namespace = reader.stringOr("namespace", "");
  const partition = reader.stringOr("partition", "");
  const scheme = reader.string("scheme") ?? CONSUL_DEFAULTS.scheme;
  const username = reader.stringOr("username", "");
  const password = reader.secret("password") ?? new Secret("");
  const services = reader.stringList("services") ?? [];
  const tags = reader.stringList("tags") ?? [];
  const nodeMeta = [...(reader.stringMap("node_meta") ?? new Map<string, string>())].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const filter = isV3 ? reader.stringOr("filter", "") : "";
  const healthFilter = isV3 ? reader.stringOr("health_filter", "") : "";
  const tagSeparator = reader.string("tag_separator") ?? CONSUL_DEFAULTS.tagSeparator;
  const allowStale = reader.bool("allow_stale") ?? CONSUL_DEFAULTS.allowStale;
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? CONSUL_DEFAULTS.refreshIntervalMs;
  const hasBasicAuth = reader.has("basic_auth");
  const hasAuthorization = reader.has("authorization");
  const hasOAuth2 = reader.has("oauth2");
  let httpClientConfig = parseHttpClientConfig(reader, ctx);
  reader.finish();

  if (server.trim() === "") {
    throw new ConfigError(reader.atKey("server"), "consul SD configuration requires a server address", 'set `server`, e.g. "localhost:8500"');
  }
  if (username !== "" || !password.isEmpty) {
    if (hasBasicAuth) {
      throw new ConfigError(reader.atKey("username"), "at most one of consul SD configuration username and password and basic auth can be configured", "move them into `basic_auth`");
    }
    // Deprecated keys become basic_auth, as Prometheus does.
    httpClientConfig = { ...httpClientConfig, basicAuth: { username, usernameFile: "", password, passwordFile: "" } };
  }
  if (!token.isEmpty && (hasAuthorization || hasOAuth2)) {
    throw new ConfigError(reader.atKey("token"), "at most one of consul SD token, authorization, or oauth2 can be configured", "keep only one way of authenticating");
  }
  if (refreshIntervalMs === 0) {
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "30s"');
  }
  return {
    server, pathPrefix, token, datacenter, namespace, partition, scheme, services, tags, nodeMeta, filter, healthFilter,
    tagSeparator, allowStale, refreshIntervalMs, httpClientConfig,
  };
}
