/**
 * `outscale_sd_configs` (Prometheus discovery/outscale, 3.12+): endpoint (default
 * `https://api.<region>.outscale.com/api/v1`), region (eu-west-2), access_key, secret_key or
 * secret_key_file, refresh_interval (60s), port (80) and the HTTP client block inline.
 */
import { readHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface OutscaleConfig {
  /** The OAPI base URL, filled in from the region when not written (as Prometheus does at load). */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: Secret;
  /** Resolved against the config directory; read (and trimmed) at every refresh. "" when unset. */
  readonly secretKeyFile: string;
  readonly refreshIntervalMs: number;
  readonly port: number;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap per answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const OUTSCALE_DEFAULTS = Object.freeze({ region: "eu-west-2", port: 80, refreshIntervalMs: 60_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseOutscaleConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): OutscaleConfig {
  const reader = MapReader.open(node, at, "outscale.plain");
  const writtenEndpoint = reader.string("endpoint") ?? "";
  const region = reader.string("region") ?? OUTSCALE_DEFAULTS.region;
  const accessKey = reader.string("access_key") ?? "";
  const secretKey = reader.secret("secret_key") ?? new Secret("");
  const secretKeyFile = resolveConfigPath(reader.string("secret_key_file") ?? "", ctx.configDir);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? OUTSCALE_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? OUTSCALE_DEFAULTS.port;
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (region === "") fail("region", "outscale SD configuration requires a region", "set region, e.g. eu-west-2");
  if (accessKey === "") fail("access_key", "outscale SD configuration requires access_key", "set access_key");
  if (secretKey.isEmpty && secretKeyFile === "") fail("secret_key", "one of secret_key & secret_key_file must be configured", "set secret_key or secret_key_file");
  if (!secretKey.isEmpty && secretKeyFile !== "") fail("secret_key", "at most one of secret_key & secret_key_file must be configured", "keep only one of them");
  const endpoint = writtenEndpoint !== "" ? writtenEndpoint : `https://api.${region}.outscale.com/api/v1`;
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return { endpoint, region, accessKey, secretKey, secretKeyFile, refreshIntervalMs, port, httpClient, maxBodyBytes: OUTSCALE_DEFAULTS.maxBodyBytes };
}
