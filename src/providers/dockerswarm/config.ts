/**
 * `dockerswarm_sd_configs` (Prometheus discovery/moby/dockerswarm.go): the shared moby keys plus `role`
 * (`services`, `tasks` or `nodes`), checked after `host` and before the HTTP client block, as Prometheus does.
 */
import type { HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import { ConfigError } from "../../errors.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { checkMobyHost, checkRefreshInterval, MOBY_PLAIN_TYPE, readMobyCommon, type MobyCommonConfig } from "../docker/moby-config.js";

export type SwarmRole = "services" | "tasks" | "nodes";

export interface DockerSwarmConfig extends MobyCommonConfig {
  readonly role: SwarmRole;
  readonly httpClient: HttpClientConfig;
}

export function parseDockerSwarmConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): DockerSwarmConfig {
  const reader = MapReader.open(node, at, MOBY_PLAIN_TYPE);
  const { common, httpClient } = readMobyCommon(reader, ctx);
  const role = reader.string("role") ?? "";
  reader.finish();
  checkMobyHost(reader, common.host);
  if (role === "") throw new ConfigError(reader.atKey("role"), "role missing (one of: tasks, services, nodes)", "set `role`");
  if (role !== "services" && role !== "tasks" && role !== "nodes") {
    throw new ConfigError(reader.atKey("role"), `invalid role ${role}, expected tasks, services, or nodes`, "use one of tasks, services, nodes");
  }
  const validated = httpClient.validate();
  checkRefreshInterval(reader, common.refreshIntervalMs);
  return { ...common, role, httpClient: validated };
}
