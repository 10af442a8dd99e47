/**
 * `ovhcloud_sd_configs` (Prometheus discovery/ovhcloud): endpoint (default `ovh-eu`), application_key,
 * application_secret, consumer_key, refresh_interval (60s) and service (`vps` or `dedicated_server`).
 * Prometheus has no HTTP client block here: go-ovh uses Go's default client (proxy from the environment).
 */
import { parseHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type OvhcloudService = "vps" | "dedicated_server";

export interface OvhcloudConfig {
  /** An endpoint name (`ovh-eu`, …) or, when it contains a `/`, the API base URL itself (go-ovh's rule). */
  readonly endpoint: string;
  readonly applicationKey: string;
  readonly applicationSecret: Secret;
  readonly consumerKey: Secret;
  readonly refreshIntervalMs: number;
  readonly service: OvhcloudService;
  /** Which go-ovh to mimic (endpoint checks differ between 2.42 and 3.x). */
  readonly profile: Profile;
  /** Go's default client: no TLS settings, proxy from HTTP(S)_PROXY/NO_PROXY. Not a YAML key. */
  readonly httpClient: HttpClientConfig;
  /** promsd's cap per API answer (Prometheus has none). Not a YAML key. */
  readonly maxBodyBytes: number;
}

export const OVHCLOUD_DEFAULTS = Object.freeze({ endpoint: "ovh-eu", refreshIntervalMs: 60_000, maxBodyBytes: 16 * 1024 * 1024 });

export function parseOvhcloudConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): OvhcloudConfig {
  const reader = MapReader.open(node, at, "ovhcloud.plain");
  const endpoint = reader.string("endpoint") ?? OVHCLOUD_DEFAULTS.endpoint;
  const applicationKey = reader.string("application_key") ?? "";
  const applicationSecret = reader.secret("application_secret") ?? new Secret("");
  const consumerKey = reader.secret("consumer_key") ?? new Secret("");
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? OVHCLOUD_DEFAULTS.refreshIntervalMs;
  const service = reader.string("service") ?? "";
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  // Prometheus's order of checks (ovhcloud.go UnmarshalYAML).
  if (endpoint === "") fail("endpoint", "endpoint can not be empty", "write an endpoint name such as ovh-eu, or the API URL");
  if (applicationKey === "") fail("application_key", "application key can not be empty", "set application_key");
  if (applicationSecret.isEmpty) fail("application_secret", "application secret can not be empty", "set application_secret");
  if (consumerKey.isEmpty) fail("consumer_key", "consumer key can not be empty", "set consumer_key");
  if (service !== "vps" && service !== "dedicated_server") fail("service", `unknown service: ${service}`, "use vps or dedicated_server");
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  const defaults = parseHttpClientConfig(MapReader.open(undefined, at, "ovhcloud.plain"), ctx);
  return {
    endpoint,
    applicationKey,
    applicationSecret,
    consumerKey,
    refreshIntervalMs,
    profile: ctx.profile,
    service: service as OvhcloudService, // checked just above
    httpClient: { ...defaults, proxyFromEnvironment: true },
    maxBodyBytes: OVHCLOUD_DEFAULTS.maxBodyBytes,
  };
}
