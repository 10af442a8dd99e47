/**
 * Role `tasks` (Prometheus discovery/moby/tasks.go): for every task, one target per TCP port in its
 * PortStatus (host-mode publishing, at `<node address>:<published port>`), and per address of every network
 * attachment either one target per TCP port of its service (`<ip>:<published port>`) or one on the
 * configured `port`. Each carries the task's, its service's and its node's labels.
 */
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { arrayField, asArray, asObject, hasField, joinHostPort, numberField, objectField, stringField } from "../docker/go-json.js";
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
  for (const item of asArray(tasks, "tasks")) {
    const task = asObject(item, "task");
    const status = objectField(task, "Status");
    const common: Record<string, string> = {
      [`${P}id`]: stringField(task, "ID"),
      [`${P}desired_state`]: stringField(task, "DesiredState"),
      [`${P}state`]: stringField(status, "State"),
      [`${P}slot`]: String(numberField(task, "Slot")),
    };
    if (hasField(status, "ContainerStatus")) common[`${P}container_id`] = stringField(objectField(status, "ContainerStatus"), "ContainerID");
    const spec = objectField(task, "Spec");
    if (hasField(spec, "ContainerSpec")) addLabels(common, objectField(spec, "ContainerSpec"), `${SWARM_PREFIX}container_label_`);
    const service = context.services.get(stringField(task, "ServiceID"));
    Object.assign(common, service?.labels, context.nodes.get(stringField(task, "NodeID")));

    for (const portItem of arrayField(objectField(status, "PortStatus"), "Ports")) {
      const port = asObject(portItem, "Ports");
      if (stringField(port, "Protocol") !== "tcp") continue;
      const nodeAddress = common[`${SWARM_PREFIX}node_address`] ?? "";
      targets.push({ [`${P}port_publish_mode`]: stringField(port, "PublishMode"), ...common, __address__: joinHostPort(nodeAddress, numberField(port, "PublishedPort")) });
    }

    for (const attachmentItem of arrayField(task, "NetworksAttachments")) {
      const attachment = asObject(attachmentItem, "NetworksAttachments");
      const networkLabels = context.networks.get(stringField(objectField(attachment, "Network"), "ID"));
      for (const addressItem of arrayField(attachment, "Addresses")) {
        const ip = cidrAddress(typeof addressItem === "string" ? addressItem : "");
        let added = false;
        for (const servicePort of service?.ports ?? []) {
          if (stringField(servicePort, "Protocol") !== "tcp") continue;
          targets.push({ [`${P}port_publish_mode`]: stringField(servicePort, "PublishMode"), ...common, ...networkLabels, __address__: joinHostPort(ip, numberField(servicePort, "PublishedPort")) });
          added = true;
        }
        if (!added) targets.push({ ...common, ...networkLabels, __address__: joinHostPort(ip, context.port) });
      }
    }
  }
  return { source: SWARM_SOURCE, labels: {}, targets };
}
