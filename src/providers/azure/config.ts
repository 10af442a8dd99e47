/**
 * `azure_sd_configs` (Prometheus discovery/azure/azure.go SDConfig): subscription, optional resource group,
 * `authentication_method` (OAuth, ManagedIdentity, and in 3.x SDK and WorkloadIdentity), `environment`,
 * `port`, `refresh_interval` and the HTTP client block, checked in Prometheus's order.
 */
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type AzureAuthenticationMethod = "OAuth" | "ManagedIdentity" | "SDK" | "WorkloadIdentity";

export interface AzureConfig {
  /** As written; resolved (case-insensitively) at refresh time, as Prometheus does. */
  readonly environment: string;
  readonly port: number;
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly refreshIntervalMs: number;
  readonly authenticationMethod: AzureAuthenticationMethod;
  readonly resourceGroup: string;
  readonly httpClient: HttpClientConfig;
  /** 2.42 reads NICs by id without expanding public IPs and lower-cases resource group names. */
  readonly profile: Profile;
  /** promsd's cap on one ARM answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const AZURE_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 300_000, environment: "AzurePublicCloud", authenticationMethod: "OAuth", maxBodyBytes: 64 * 1024 * 1024 });

const METHODS: Readonly<Record<Profile, readonly string[]>> = { v3: ["OAuth", "ManagedIdentity", "SDK", "WorkloadIdentity"], "v2.42": ["OAuth", "ManagedIdentity"] };

export function parseAzureConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): AzureConfig {
  const reader = MapReader.open(node, at, "azure.plain");
  const environment = reader.string("environment") ?? AZURE_DEFAULTS.environment;
  const port = reader.int("port") ?? AZURE_DEFAULTS.port;
  const subscriptionId = reader.string("subscription_id") ?? "";
  const tenantId = reader.string("tenant_id") ?? "";
  const clientId = reader.string("client_id") ?? "";
  const clientSecret = reader.secret("client_secret") ?? new Secret("");
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? AZURE_DEFAULTS.refreshIntervalMs;
  const method = reader.string("authentication_method") ?? AZURE_DEFAULTS.authenticationMethod;
  const resourceGroup = reader.string("resource_group") ?? "";
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  reader.finish();
  const require = (value: string, key: string): void => {
    if (value === "") throw new ConfigError(reader.atKey(key), `azure SD configuration requires a ${key}`, `set \`${key}\``);
  };
  require(subscriptionId, "subscription_id");
  if (method === "OAuth") {
    require(tenantId, "tenant_id");
    require(clientId, "client_id");
    require(clientSecret.reveal(), "client_secret");
  }
  const methods = METHODS[ctx.profile];
  if (!methods.includes(method)) {
    const quoted = methods.map((m) => JSON.stringify(m));
    const list = `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1] ?? ""}`;
    throw new ConfigError(reader.atKey("authentication_method"), `unknown authentication_type ${JSON.stringify(method)}. Supported types are ${list}`, `use one of ${methods.join(", ")}`);
  }
  const httpClient = unvalidatedClient.validate();
  if (refreshIntervalMs === 0) {
    // Prometheus accepts 0 and then panics when the ticker starts; promsd rejects it (common.md 4).
    throw new ConfigError(reader.atKey("refresh_interval"), "refresh_interval must be greater than 0", 'use e.g. "5m"');
  }
  return {
    environment, port, subscriptionId, tenantId, clientId, clientSecret, refreshIntervalMs, resourceGroup, httpClient,
    authenticationMethod: method as AzureAuthenticationMethod, // checked against METHODS just above
    profile: ctx.profile, maxBodyBytes: AZURE_DEFAULTS.maxBodyBytes,
  };
}
