/**
 * Role `services` (Prometheus discovery/moby/services.go): one target per virtual IP and TCP endpoint port
 * of every service (`<vip>:<published port>`), or per virtual IP on the configured `port` when the service
 * publishes no TCP port. Also the service labels the `tasks` role attaches to each task.
 */
import { goStructList, joinHostPort, type GoStruct } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { NetworkLabels } from "../docker/networks.js";
import { addLabels, cidrAddress, serviceMode, SWARM_PREFIX, SWARM_SOURCE } from "./swarm-json.js";

const P = `${SWARM_PREFIX}service_`;

/** The labels both roles give a service: id, name, mode and its labels. */
function baseServiceLabels(service: GoStruct): Record<string, string> {
  const spec = service.struct("Spec", "swarm.ServiceSpec");
  const labels: Record<string, string> = { [`${P}id`]: service.string("ID"), [`${P}name`]: spec.string("Name"), [`${P}mode`]: serviceMode(service) };
  addLabels(labels, spec, `${P}label_`);
  return labels;
}

function endpointPorts(service: GoStruct): GoStruct[] {
  return service.struct("Endpoint", "swarm.Endpoint").structs("Ports", "swarm.PortConfig");
}

export function servicesToGroup(services: unknown, networks: NetworkLabels, port: number): TargetGroup {
  const targets: LabelSet[] = [];
  for (const service of goStructList(services, "swarm.Service")) {
    const common = baseServiceLabels(service);
    // Plugin and network-attachment services have no ContainerSpec (2.42 crashes on them; 3.x skips the labels).
    const containerSpec = service.struct("Spec", "swarm.ServiceSpec").struct("TaskTemplate", "swarm.TaskSpec").pointer("ContainerSpec", "swarm.ContainerSpec");
    if (containerSpec !== undefined) {
      common[`${P}task_container_hostname`] = containerSpec.string("Hostname");
      common[`${P}task_container_image`] = containerSpec.string("Image");
    }
    const updateStatus = service.pointer("UpdateStatus", "swarm.UpdateStatus");
    if (updateStatus !== undefined) common[`${P}updating_status`] = updateStatus.string("State");
    const ports = endpointPorts(service);
    for (const vip of service.struct("Endpoint", "swarm.Endpoint").structs("VirtualIPs", "swarm.EndpointVirtualIP")) {
      const ip = cidrAddress(vip.string("Addr"));
      const shared = { ...common, ...networks.get(vip.string("NetworkID")) };
      let added = false;
      for (const endpointPort of ports) {
        if (endpointPort.string("Protocol") !== "tcp") continue;
        targets.push({
          [`${P}endpoint_port_name`]: endpointPort.string("Name"),
          [`${P}endpoint_port_publish_mode`]: endpointPort.string("PublishMode"),
          ...shared,
          __address__: joinHostPort(ip, endpointPort.int("PublishedPort", "uint32")),
        });
        added = true;
      }
      if (!added) targets.push({ ...shared, __address__: joinHostPort(ip, port) });
    }
  }
  return { source: SWARM_SOURCE, labels: {}, targets };
}

export interface ServiceInfo {
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly GoStruct[];
}

/** Prometheus's getServicesLabelsAndPorts: by service id, its base labels and its endpoint ports. */
export function serviceInfoById(services: unknown): ReadonlyMap<string, ServiceInfo> {
  const byId = new Map<string, ServiceInfo>();
  for (const service of goStructList(services, "swarm.Service")) byId.set(service.string("ID"), { labels: baseServiceLabels(service), ports: endpointPorts(service) });
  return byId;
}
