/**
 * Role `nodes` (Prometheus discovery/moby/nodes.go): one target per swarm node at `<Status.Addr>:<port>`,
 * plus the node labels the `tasks` role attaches to each task (without engine version and manager status).
 */
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { goStructList, joinHostPort, type GoStruct } from "../../cloud/go-json.js";
import { addLabels, SWARM_PREFIX, SWARM_SOURCE } from "./swarm-json.js";

const P = `${SWARM_PREFIX}node_`;

/** The labels of a node that the tasks role uses too. */
function sharedNodeLabels(node: GoStruct): Record<string, string> {
  const spec = node.struct("Spec", "swarm.NodeSpec");
  const description = node.struct("Description", "swarm.NodeDescription");
  const platform = description.struct("Platform", "swarm.Platform");
  const status = node.struct("Status", "swarm.NodeStatus");
  const labels: Record<string, string> = {
    [`${P}id`]: node.string("ID"),
    [`${P}role`]: spec.string("Role"),
    [`${P}availability`]: spec.string("Availability"),
    [`${P}hostname`]: description.string("Hostname"),
    [`${P}platform_architecture`]: platform.string("Architecture"),
    [`${P}platform_os`]: platform.string("OS"),
    [`${P}status`]: status.string("State"),
    [`${P}address`]: status.string("Addr"),
  };
  addLabels(labels, spec, `${P}label_`);
  return labels;
}

export function nodesToGroup(nodes: unknown, port: number): TargetGroup {
  const targets: LabelSet[] = [];
  for (const node of goStructList(nodes, "swarm.Node")) {
    const labels = sharedNodeLabels(node);
    labels[`${P}engine_version`] = node.struct("Description", "swarm.NodeDescription").struct("Engine", "swarm.EngineDescription").string("EngineVersion");
    const manager = node.pointer("ManagerStatus", "swarm.ManagerStatus");
    if (manager !== undefined) {
      labels[`${P}manager_leader`] = String(manager.bool("Leader"));
      labels[`${P}manager_reachability`] = manager.string("Reachability");
      labels[`${P}manager_address`] = manager.string("Addr");
    }
    targets.push({ ...labels, __address__: joinHostPort(node.struct("Status", "swarm.NodeStatus").string("Addr"), port) });
  }
  return { source: SWARM_SOURCE, labels: {}, targets };
}

/** Prometheus's getNodesLabels, by node id. */
export function nodeLabelsById(nodes: unknown): ReadonlyMap<string, Readonly<Record<string, string>>> {
  const byId = new Map<string, Record<string, string>>();
  for (const node of goStructList(nodes, "swarm.Node")) {
    byId.set(node.string("ID"), sharedNodeLabels(node));
  }
  return byId;
}
