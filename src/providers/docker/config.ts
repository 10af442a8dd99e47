/**
 * `docker_sd_configs` (Prometheus discovery/moby/docker.go): the shared moby keys plus
 * `host_networking_host` and, in 3.x only, `match_first_network` (2.42 rejects the key as unknown).
 */
import type { HttpClientConfig } from "../../config/http-client.js";
import { MapReader, type ParseContext } from "../../config/reader.js";
import type { ConfigLocation } from "../../yaml/location.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { checkMobyHost, checkRefreshInterval, MOBY_PLAIN_TYPE, readMobyCommon, type MobyCommonConfig } from "./moby-config.js";

export interface DockerConfig extends MobyCommonConfig {
  /** `__address__` of containers in host networking mode. */
  readonly hostNetworkingHost: string;
  /** Only the first network (by name) of a container with several; always false under the v2.42 profile. */
  readonly matchFirstNetwork: boolean;
  readonly httpClient: HttpClientConfig;
}

export const DOCKER_DEFAULTS = Object.freeze({ hostNetworkingHost: "localhost", matchFirstNetwork: true });

export function parseDockerConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): DockerConfig {
  const reader = MapReader.open(node, at, MOBY_PLAIN_TYPE);
  const { common, httpClient } = readMobyCommon(reader, ctx);
  const hostNetworkingHost = reader.string("host_networking_host") ?? DOCKER_DEFAULTS.hostNetworkingHost;
  // 2.42 has no such key: left unread, finish() rejects it as `field match_first_network not found`.
  const matchFirstNetwork = ctx.profile === "v3" ? (reader.bool("match_first_network") ?? DOCKER_DEFAULTS.matchFirstNetwork) : false;
  reader.finish();
  checkMobyHost(reader, common.host);
  const validated = httpClient.validate();
  checkRefreshInterval(reader, common.refreshIntervalMs);
  return { ...common, hostNetworkingHost, matchFirstNetwork, httpClient: validated };
}
