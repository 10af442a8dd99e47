/**
 * Role `tasks` (Prometheus discovery/moby/tasks.go): for every task, one target per TCP port in its
 * PortStatus (host-mode publishing, at `<node address>:<published port>`), and per address of every network
 * attachment either one target per TCP port of its service (`<ip>:<published port>`) or one on the
 * configured `port`. Each carries the task's, its service's and its node's labels.
 */
import { goStructList, joinHostPort } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { NetworkLabels } from "../docker/networks.js";
import type { ServiceInfo } from "./services.js";
import { addLabels, cidrAddress, SWARM_PREFIX, SWARM_SOURCE } from "./swarm-json.js";

const P = `${SWARM_PREFIX}task_`;

export interface TaskContext {
  readonly services: ReadonlyMap<string, ServiceInfo>;
  readonly nodes: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly networks: NetworkLabels;
  readonly port: number;
}

export function tasksToGroup(tasks: unknown, context: TaskContext): TargetGroup {
  const targets: LabelSet[] = [];
  for (const task of goStructList(tasks, "swarm.Task")) {
    const status = task.struct("Status", "swarm.TaskStatus");
    const common: Record<string, string> = {
      [`${P}id`]: task.string("ID"),
      [`${P}desired_state`]: task.string("DesiredState"),
      [`${P}state`]: status.string("State"),
      [`${P}slot`]: String(task.int("Slot")),
    };
    const containerStatus = status.pointer("ContainerStatus", "swarm.ContainerStatus");
    if (containerStatus !== undefined) common[`${P}container_id`] = containerStatus.string("ContainerID");
    const containerSpec = task.struct("Spec", "swarm.TaskSpec").pointer("ContainerSpec", "swarm.ContainerSpec");
    if (containerSpec !== undefined) addLabels(common, containerSpec, `${SWARM_PREFIX}container_label_`);
    const service = context.services.get(task.string("ServiceID"));
    Object.assign(common, service?.labels, context.nodes.get(task.string("NodeID")));

    for (const port of status.struct("PortStatus", "swarm.PortStatus").structs("Ports", "swarm.PortConfig")) {
      if (port.string("Protocol") !== "tcp") continue;
      const nodeAddress = common[`${SWARM_PREFIX}node_address`] ?? "";
      targets.push({ [`${P}port_publish_mode`]: port.string("PublishMode"), ...common, __address__: joinHostPort(nodeAddress, port.int("PublishedPort", "uint32")) });
    }

    for (const attachment of task.structs("NetworksAttachments", "swarm.NetworkAttachment")) {
      const networkLabels = context.networks.get(attachment.struct("Network", "swarm.Network").string("ID"));
      for (const address of attachment.strings("Addresses")) {
        const ip = cidrAddress(address);
        let added = false;
        for (const servicePort of service?.ports ?? []) {
          if (servicePort.string("Protocol") !== "tcp") continue;
          targets.push({ [`${P}port_publish_mode`]: servicePort.string("PublishMode"), ...common, ...networkLabels, __address__: joinHostPort(ip, servicePort.int("PublishedPort", "uint32")) });
          added = true;
        }
        if (!added) targets.push({ ...common, ...networkLabels, __address__: joinHostPort(ip, context.port) });
      }
    }
  }
  return { source: SWARM_SOURCE, labels: {}, targets };
}
