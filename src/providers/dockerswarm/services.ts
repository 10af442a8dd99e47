/**
 * Role `services` (Prometheus discovery/moby/services.go): one target per virtual IP and TCP endpoint port
 * of every service (`<vip>:<published port>`), or per virtual IP on the configured `port` when the service
 * publishes no TCP port. Also the service labels the `tasks` role attaches to each task.
 */
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { arrayField, asArray, asObject, hasField, joinHostPort, numberField, objectField, stringField, type JsonObject } from "../docker/go-json.js";
import type { NetworkLabels } from "../docker/networks.js";
import { addLabels, cidrAddress, serviceMode, SWARM_PREFIX, SWARM_SOURCE } from "./swarm-json.js";

const P = `${SWARM_PREFIX}service_`;

/** The labels both roles give a service: id, name, mode and its labels. */
function baseServiceLabels(service: JsonObject): Record<string, string> {
  const labels: Record<string, string> = { [`${P}id`]: stringField(service, "ID"), [`${P}name`]: stringField(objectField(service, "Spec"), "Name"), [`${P}mode`]: serviceMode(service) };
  return labels;
}

export function servicesToGroup(services: unknown, networks: NetworkLabels, port: number): TargetGroup {
  const targets: LabelSet[] = [];
  for (const item of asArray(services, "services")) {
    const service = asObject(item, "service");
    const spec = objectField(service, "Spec");
    const common = baseServiceLabels(service);
    const template = objectField(spec, "TaskTemplate");
    // Plugin and network-attachment services have no ContainerSpec (2.42 crashes on them; 3.x skips the labels).
    if (hasField(template, "ContainerSpec")) {
      const containerSpec = objectField(template, "ContainerSpec");
      common[`${P}task_container_hostname`] = stringField(containerSpec, "Hostname");
      common[`${P}task_container_image`] = stringField(containerSpec, "Image");
    }
    if (hasField(service, "UpdateStatus")) common[`${P}updating_status`] = stringField(objectField(service, "UpdateStatus"), "State");
    addLabels(common, spec, `${P}label_`);
    const endpoint = objectField(service, "Endpoint");
    const ports = arrayField(endpoint, "Ports").map((p) => asObject(p, "Ports"));
    for (const vipItem of arrayField(endpoint, "VirtualIPs")) {
      const vip = asObject(vipItem, "VirtualIPs");
      const ip = cidrAddress(stringField(vip, "Addr"));
      const shared = { ...common, ...networks.get(stringField(vip, "NetworkID")) };
      let added = false;
      for (const endpointPort of ports) {
        if (stringField(endpointPort, "Protocol") !== "tcp") continue;
        targets.push({
          [`${P}endpoint_port_name`]: stringField(endpointPort, "Name"),
          [`${P}endpoint_port_publish_mode`]: stringField(endpointPort, "PublishMode"),
          ...shared,
          __address__: joinHostPort(ip, numberField(endpointPort, "PublishedPort")),
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
  readonly ports: readonly JsonObject[];
}

/** Prometheus's getServicesLabelsAndPorts: by service id, its base labels and its endpoint ports. */
export function serviceInfoById(services: unknown): ReadonlyMap<string, ServiceInfo> {
  const byId = new Map<string, ServiceInfo>();
  for (const item of asArray(services, "services")) {
    const service = asObject(item, "service");
    const labels = baseServiceLabels(service);
    addLabels(labels, objectField(service, "Spec"), `${P}label_`);
    byId.set(stringField(service, "ID"), { labels, ports: arrayField(objectField(service, "Endpoint"), "Ports").map((p) => asObject(p, "Ports")) });
  }
  return byId;
}
