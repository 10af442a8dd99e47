/**
 * Containers to targets, as Prometheus's DockerDiscovery.refresh does (discovery/moby/docker.go): one target
 * per TCP port and network of every running container with a name, else one target per network on the
 * configured `port` (or `host_networking_host` in host mode). Everything lands in one group, `Docker`.
 *
 * Where 3.x and 2.42 differ (the v2.42 profile reproduces 2.42):
 * - 3.x follows `container:<id>` network modes to the networks of the container they share;
 *   2.42 gives such containers no target.
 * - 3.x with `match_first_network` (default true) keeps only the alphabetically first network of a
 *   container on several; 2.42 has no such option and emits every network.
 * - 3.x falls back to the network's GlobalIPv6Address when it has no IPv4 address; 2.42 leaves it empty.
 */
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Profile } from "../../profile.js";
import { GoStruct, goStructList, joinHostPort } from "../../cloud/go-json.js";
import type { NetworkLabels } from "./networks.js";

export const DOCKER_SOURCE = "Docker";

export interface ContainerTargetOptions {
  readonly port: number;
  readonly hostNetworkingHost: string;
  readonly matchFirstNetwork: boolean;
  readonly profile: Profile;
}

interface Container {
  readonly id: string;
  readonly names: readonly string[];
  readonly networkMode: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly GoStruct[];
  /** Network name → endpoint settings (null entries kept: Prometheus skips them). */
  readonly networks: ReadonlyMap<string, GoStruct | null>;
}

function decodeContainer(raw: GoStruct): Container {
  const networks = new Map<string, GoStruct | null>();
  const settings = raw.struct("NetworkSettings", "container.NetworkSettingsSummary");
  // A map of struct pointers: struct() gives Go's type error for a non-object, then each entry is read.
  settings.struct("Networks", "map[string]*network.EndpointSettings");
  const rawNetworks = settings.raw("Networks");
  if (rawNetworks !== undefined && rawNetworks !== null) {
    for (const [name, endpoint] of Object.entries(rawNetworks as Record<string, unknown>)) { // checked just above: an object
      networks.set(name, endpoint === null ? null : GoStruct.of(endpoint, "network.EndpointSettings", `Networks.${name}`));
    }
  }
  return {
    id: raw.string("Id"),
    names: raw.strings("Names"),
    networkMode: raw.struct("HostConfig", "container.HostConfigSummary").string("NetworkMode"),
    labels: raw.stringMap("Labels"),
    ports: raw.structs("Ports", "container.PortSummary"),
    networks,
  };
}

/** The networks whose addresses a container is reached at, after the 3.x `container:` and first-network rules. */
function effectiveNetworks(container: Container, all: ReadonlyMap<string, Container>, options: ContainerTargetOptions): ReadonlyMap<string, GoStruct | null> {
  let networks = container.networks;
  if (options.profile === "v3" && networks.size === 0) {
    let mode = container.networkMode;
    while (mode.startsWith("container:")) {
      const shared = all.get(mode.slice("container:".length));
      if (shared === undefined) break;
      networks = shared.networks;
      mode = shared.networkMode;
      if (networks.size > 0) break;
    }
  }
  if (options.matchFirstNetwork && networks.size > 1) {
    const first = [...networks.entries()].filter(([, settings]) => settings !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0];
    if (first !== undefined) networks = new Map([first]);
  }
  return networks;
}

function networkIp(settings: GoStruct, profile: Profile): string {
  const ipv4 = settings.string("IPAddress");
  if (ipv4 !== "" || profile === "v2.42") return ipv4;
  return settings.string("GlobalIPv6Address");
}

/** `containers` is the body of `GET /containers/json`, `networks` the labels from `GET /networks`. */
export function containersToGroup(containers: unknown, networks: NetworkLabels, options: ContainerTargetOptions): TargetGroup {
  const decoded = goStructList(containers, "container.Summary").map(decodeContainer);
  const byId = new Map(decoded.map((container) => [container.id, container]));
  const targets: LabelSet[] = [];
  for (const container of decoded) {
    const name = container.names[0];
    if (name === undefined) continue;
    const common: Record<string, string> = {
      __meta_docker_container_id: container.id,
      __meta_docker_container_name: name,
      __meta_docker_container_network_mode: container.networkMode,
    };
    for (const [key, value] of Object.entries(container.labels)) common[`__meta_docker_container_label_${sanitizeLabelName(key)}`] = value;
    for (const settings of effectiveNetworks(container, byId, options).values()) {
      if (settings === null) continue;
      const ip = networkIp(settings, options.profile);
      const shared = { ...common, ...networks.get(settings.string("NetworkID")) };
      let added = false;
      for (const port of container.ports) {
        if (port.string("Type") !== "tcp") continue;
        const privatePort = port.int("PrivatePort", "uint16");
        const publicPort = port.int("PublicPort", "uint16");
        const published = publicPort > 0 ? { __meta_docker_port_public: String(publicPort), __meta_docker_port_public_ip: port.string("IP") } : {};
        targets.push({ __meta_docker_network_ip: ip, __meta_docker_port_private: String(privatePort), ...published, ...shared, __address__: joinHostPort(ip, privatePort) });
        added = true;
      }
      if (!added) {
        // No TCP port: the configured port, or host_networking_host for containers in host mode (they have no ports).
        const address = container.networkMode === "host" ? options.hostNetworkingHost : joinHostPort(ip, options.port);
        targets.push({ __meta_docker_network_ip: ip, ...shared, __address__: address });
      }
    }
  }
  return { source: DOCKER_SOURCE, labels: {}, targets };
}
