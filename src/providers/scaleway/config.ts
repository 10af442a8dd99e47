/**
 * `scaleway_sd_configs`: role (instance | baremetal), project_id, zone, api_url, access_key, secret_key(_file),
 * name_filter, tags_filter, port, refresh_interval and the HTTP client block. Checks in Prometheus's order:
 * its own (role, project, keys), then the ones scaleway-sdk-go's `NewClient` runs on the profile (key,
 * project and zone formats, the API URL), then the HTTP client block.
 */
import { CLOUD_MAX_BODY_BYTES, requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { readHttpClientConfig, resolveConfigPath, type HttpClientConfig } from "../../config/http-client.js";
import { goUrlParseError } from "../../config/go-url.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { Secret } from "../../config/secret.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type ScalewayRole = "instance" | "baremetal";

export interface ScalewayConfig {
  readonly role: ScalewayRole;
  readonly projectId: string;
  readonly apiUrl: string;
  readonly zone: string;
  readonly accessKey: string;
  readonly secretKey: Secret;
  /** Resolved against the config directory; "" when unset. Read on every request, as Prometheus does. */
  readonly secretKeyFile: string;
  readonly nameFilter: string;
  /** undefined when not written (Prometheus sends no tags then). */
  readonly tagsFilter: readonly string[] | undefined;
  readonly port: number;
  readonly refreshIntervalMs: number;
  readonly httpClient: HttpClientConfig;
  readonly profile: Profile;
  readonly maxBodyBytes: number;
}

export const SCALEWAY_DEFAULTS = Object.freeze({ port: 80, refreshIntervalMs: 60_000, zone: "fr-par-1", apiUrl: "https://api.scaleway.com" });

/** The zones scaleway-sdk-go lists in its error message. */
export const SCALEWAY_ZONES: readonly string[] = ["fr-par-1", "fr-par-2", "fr-par-3", "nl-ams-1", "nl-ams-2", "nl-ams-3", "pl-waw-1", "pl-waw-2", "pl-waw-3"];

const UUID = /^[a-z0-9]{8}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{12}$/;

/** scaleway-sdk-go's client-option checks on the profile Prometheus builds; its messages, "" when valid. */
function sdkProblem(accessKey: string, secretKey: string, projectId: string, zone: string, apiUrl: string): string {
  const sdk = (text: string): string => `scaleway-sdk-go: ${text}`;
  if (!/^SCW[A-Z0-9]{17}$/.test(accessKey)) return sdk(`invalid access key format '${accessKey}', expected SCWXXXXXXXXXXXXXXXXX format`);
  if (secretKey === "") return sdk("secret key cannot be empty");
  if (!UUID.test(secretKey)) return sdk(`invalid secret key format '${secretKey}', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`);
  if (!UUID.test(projectId)) return sdk(`invalid project ID format '${projectId}', expected a UUID: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`);
  if (zone === "") return sdk("default zone cannot be empty");
  if (!/^[a-z]{2}-[a-z]{3}-[1-9]$/.test(zone)) return sdk(`invalid default zone format '${zone}', available zones are: ${SCALEWAY_ZONES.join(", ")}`);
  if (goUrlParseError(apiUrl) !== undefined) return sdk(`invalid url ${apiUrl}`);
  if (apiUrl.endsWith("/")) return sdk(`invalid url ${apiUrl} it should not have a trailing slash`);
  return "";
}

export function parseScalewayConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): ScalewayConfig {
  const reader = MapReader.open(node, at, "scaleway.plain");
  const projectId = reader.string("project_id") ?? "";
  const apiUrl = reader.string("api_url") ?? SCALEWAY_DEFAULTS.apiUrl;
  const zone = reader.string("zone") ?? SCALEWAY_DEFAULTS.zone;
  const accessKey = reader.string("access_key") ?? "";
  const secretKey = reader.secret("secret_key") ?? new Secret("");
  const secretKeyFile = resolveConfigPath(reader.string("secret_key_file") ?? "", ctx.configDir);
  const nameFilter = reader.string("name_filter") ?? "";
  const tagsFilter = reader.stringList("tags_filter");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? SCALEWAY_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? SCALEWAY_DEFAULTS.port;
  const role = reader.string("role") ?? "";
  if (role !== "" && role !== "instance" && role !== "baremetal") throw new ConfigError(reader.atKey("role"), `unknown role ${JSON.stringify(role)}`, "use instance or baremetal");
  reader.finish();
  const fail = (key: string, problem: string, hint: string): never => {
    throw new ConfigError(reader.atKey(key), problem, hint);
  };
  if (role === "") fail("role", "role missing (one of: instance, baremetal)", "set `role: instance` or `role: baremetal`");
  if (projectId === "") fail("project_id", "project_id is mandatory", "set `project_id` to the project's UUID");
  if (secretKey.isEmpty && secretKeyFile === "") fail("secret_key", "one of secret_key & secret_key_file must be configured", "set the API key's secret");
  if (!secretKey.isEmpty && secretKeyFile !== "") fail("secret_key", "at most one of secret_key & secret_key_file must be configured", "keep only one of them");
  if (accessKey === "") fail("access_key", "access_key is mandatory", "set the API key's access key (SCW…)");
  // With a file, Prometheus hands the SDK a placeholder UUID (the real secret is read per request).
  const problem = sdkProblem(accessKey, secretKeyFile !== "" ? "00000000-0000-0000-0000-000000000000" : secretKey.reveal(), projectId, zone, apiUrl);
  if (problem !== "") fail("access_key", problem, "check the key, project and zone formats and api_url");
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return {
    role: role as ScalewayRole, // checked above: "instance" or "baremetal"
    projectId, apiUrl, zone, accessKey, secretKey, secretKeyFile, nameFilter, tagsFilter, port, refreshIntervalMs, httpClient,
    profile: ctx.profile,
    maxBodyBytes: CLOUD_MAX_BODY_BYTES,
  };
}
