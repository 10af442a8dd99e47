/** `marathon_sd_configs` (spec marathon.md 1): servers, refresh_interval, auth_token(_file), HTTP client block. */
import { readHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "../../config/http-client.js";
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";

export interface MarathonConfig {
  /** Base URLs as written; the API path is appended textually. */
  readonly servers: readonly string[];
  readonly refreshIntervalMs: number;
  readonly authToken: Secret;
  /** Resolved against the config directory; "" when unset. */
  readonly authTokenFile: string;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on the apps response (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const MARATHON_DEFAULTS = Object.freeze({ refreshIntervalMs: 30_000, maxBodyBytes: 256 * 1024 * 1024 });

export function parseMarathonConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): MarathonConfig {
  const reader = MapReader.open(node, at, "marathon.SDConfig");
  const servers = reader.stringList("servers") ?? [];
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? MARATHON_DEFAULTS.refreshIntervalMs;
  const authToken = reader.secret("auth_token") ?? new Secret("");
  const authTokenFile = resolveConfigPath(reader.string("auth_token_file") ?? "", ctx.configDir);
  // The parsed client block folds bearer_token into authorization; marathon's checks need the raw keys.
  const hasBasicAuth = reader.has("basic_auth");
  const hasBearer = reader.has("bearer_token") || reader.has("bearer_token_file");
  const hasAuthorization = reader.has("authorization");
  // Read now (decode errors first); Go's Validate runs after marathon's own checks, as in Prometheus.
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (servers.length === 0) fail("servers", "marathon_sd: must contain at least one Marathon server", "list at least one server URL under `servers`");
  const hasToken = !authToken.isEmpty || authTokenFile !== "";
  if (!authToken.isEmpty && authTokenFile !== "") fail("auth_token", "marathon_sd: at most one of auth_token & auth_token_file must be configured", "keep only one of them");
  if (hasToken && hasBasicAuth) fail("auth_token", "marathon_sd: at most one of basic_auth, auth_token & auth_token_file must be configured", "use a single authentication method");
  if (hasToken && hasBearer) fail("auth_token", "marathon_sd: at most one of bearer_token, bearer_token_file, auth_token & auth_token_file must be configured", "use a single authentication method");
  if (hasToken && hasAuthorization) fail("auth_token", "marathon_sd: at most one of auth_token, auth_token_file & authorization must be configured", "use a single authentication method");
  const httpClient = unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "30s"');
  }
  return { servers, refreshIntervalMs, authToken, authTokenFile, httpClient, maxBodyBytes: MARATHON_DEFAULTS.maxBodyBytes };
}
