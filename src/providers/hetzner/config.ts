/** `hetzner_sd_configs`: role (hcloud | robot), port, refresh_interval, label_selector (3.5+), the HTTP client block. */
import { CLOUD_MAX_BODY_BYTES, requirePositiveRefreshInterval } from "../../cloud/cloud-config.js";
import { readHttpClientConfig, type HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";

export type HetznerRole = "hcloud" | "robot";

export interface HetznerConfig {
  readonly role: HetznerRole;
  readonly port: number;
  readonly refreshIntervalMs: number;
  /** hcloud only: the API's `label_selector` query ("" = all servers). */
  readonly labelSelector: string;
  readonly httpClient: HttpClientConfig;
  /** Which labels to compute: 2.42 read the datacenter, 3.x reads the location. */
  readonly profile: Profile;
  /** API origins; fixed in Prometheus (test-only overrides there too), so not YAML keys. */
  readonly hcloudEndpoint: string;
  readonly robotEndpoint: string;
  readonly maxBodyBytes: number;
}

export const HETZNER_DEFAULTS = Object.freeze({
  port: 80,
  refreshIntervalMs: 60_000,
  hcloudEndpoint: "https://api.hetzner.cloud/v1",
  robotEndpoint: "https://robot-ws.your-server.de",
});

export function parseHetznerConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): HetznerConfig {
  const reader = MapReader.open(node, at, "hetzner.plain");
  const unvalidatedClient = readHttpClientConfig(reader, ctx);
  const refreshIntervalMs = reader.duration("refresh_interval", ctx.profile) ?? HETZNER_DEFAULTS.refreshIntervalMs;
  const port = reader.int("port") ?? HETZNER_DEFAULTS.port;
  const roleText = reader.string("role") ?? "";
  if (roleText !== "" && roleText !== "hcloud" && roleText !== "robot") {
    throw new ConfigError(reader.atKey("role"), `unknown role ${JSON.stringify(roleText)}`, "use hcloud or robot");
  }
  // label_selector arrived in Prometheus 3.5; under the 2.42 profile it is an unknown field.
  const labelSelector = ctx.profile === "v3" ? (reader.string("label_selector") ?? "") : "";
  reader.finish();
  if (roleText === "") throw new ConfigError(reader.atKey("role"), "role missing (one of: robot, hcloud)", "set `role: hcloud` or `role: robot`");
  const httpClient = unvalidatedClient.validate();
  requirePositiveRefreshInterval(reader, refreshIntervalMs);
  return {
    role: roleText,
    port,
    refreshIntervalMs,
    labelSelector,
    httpClient,
    profile: ctx.profile,
    hcloudEndpoint: HETZNER_DEFAULTS.hcloudEndpoint,
    robotEndpoint: HETZNER_DEFAULTS.robotEndpoint,
    maxBodyBytes: CLOUD_MAX_BODY_BYTES,
  };
}
