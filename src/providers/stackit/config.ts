/**
 * `stackit_sd_configs` (Prometheus discovery/stackit, 3.5+): the HTTP client block inline, project,
 * refresh_interval (60s), port (80), region (eu01), endpoint, and the service-account key flow's
 * service_account_key / private_key (secrets), service_account_key_path / private_key_path and
 * credentials_file_path. Without a service account key, requests carry only the HTTP client block's auth.
 */
import { readHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "../../config/http-client.js";
import { goUrlParseError } from "../../config/go-url.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { ConfigError } from "../../errors.js";
import { goQuote } from "../../model/go-quote.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export interface StackitKeyConfig {
  readonly serviceAccountKey: Secret;
  readonly privateKey: Secret;
  /** Paths resolved against the config directory; "" when unset. */
  readonly serviceAccountKeyPath: string;
  readonly privateKeyPath: string;
  readonly credentialsFilePath: string;
}

export interface StackitConfig extends StackitKeyConfig {
  readonly project: string;
  readonly refreshIntervalMs: number;
  readonly port: number;
  readonly region: string;
  readonly endpoint: string;
  readonly httpClient: HttpClientConfig;
  /** promsd's cap on one answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const STACKIT_DEFAULTS = Object.freeze({ region: "eu01", port: 80, refreshIntervalMs: 60_000, maxBodyBytes: 64 * 1024 * 1024 });

export function parseStackitConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): StackitConfig {
  const reader = MapReader.open(node, at, "stackit.plain");
  const project = reader.string("project") ?? "";
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? STACKIT_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? STACKIT_DEFAULTS.port;
  const region = reader.string("region") ?? STACKIT_DEFAULTS.region;
  const endpoint = reader.string("endpoint") ?? "";
  const serviceAccountKey = reader.secret("service_account_key") ?? new Secret("");
  const privateKey = reader.secret("private_key") ?? new Secret("");
  const path = (key: string): string => resolveConfigPath(reader.string(key) ?? "", ctx.configDir);
  const serviceAccountKeyPath = path("service_account_key_path");
  const privateKeyPath = path("private_key_path");
  const credentialsFilePath = path("credentials_file_path");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  if (endpoint === "" && region === "") throw new ConfigError(reader.atKey("endpoint"), "stackit_sd: endpoint and region missing", "set region (e.g. eu01) or endpoint");
  const urlError = goUrlParseError(endpoint);
  if (urlError !== undefined) throw new ConfigError(reader.atKey("endpoint"), `stackit_sd: invalid endpoint ${goQuote(endpoint)}: ${urlError}`, "write the IaaS API base URL");
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return { project, refreshIntervalMs, port, region, endpoint, serviceAccountKey, privateKey, serviceAccountKeyPath, privateKeyPath, credentialsFilePath, httpClient, maxBodyBytes: STACKIT_DEFAULTS.maxBodyBytes };
}
