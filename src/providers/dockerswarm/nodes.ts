/**
 * Role `nodes` (Prometheus discovery/moby/nodes.go): one target per swarm node at `<Status.Addr>:<port>`,
 * plus the node labels the `tasks` role attaches to each task (without engine version and manager status).
 */
import type { LabelSet } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";
import { asArray, asObject, boolField, hasField, joinHostPort, objectField, stringField, type JsonObject } from "../docker/go-json.js";
import { addLabels, SWARM_PREFIX, SWARM_SOURCE } from "./swarm-json.js";

const P = `${SWARM_PREFIX}node_`;

/** The labels of a node that the tasks role uses too. */
function sharedNodeLabels(node: JsonObject): Record<string, string> {
  const spec = objectField(node, "Spec");
  const description = objectField(node, "Description");
  const platform = objectField(description, "Platform");
  const status = objectField(node, "Status");
  const labels: Record<string, string> = {
    [`${P}id`]: stringField(node, "ID"),
    [`${P}role`]: stringField(spec, "Role"),
    [`${P}availability`]: stringField(spec, "Availability"),
    [`${P}hostname`]: stringField(description, "Hostname"),
    [`${P}platform_architecture`]: stringField(platform, "Architecture"),
    [`${P}platform_os`]: stringField(platform, "OS"),
    [`${P}status`]: stringField(status, "State"),
    [`${P}address`]: stringField(status, "Addr"),
  };
  addLabels(labels, spec, `${P}label_`);
  return labels;
}

export function nodesToGroup(nodes: unknown, port: number): TargetGroup {
  const targets: LabelSet[] = [];
  for (const item of asArray(nodes, "nodes")) {
    const node = asObject(item, "node");
    const labels = sharedNodeLabels(node);
    labels[`${P}engine_version`] = stringField(objectField(objectField(node, "Description"), "Engine"), "EngineVersion");
    if (hasField(node, "ManagerStatus")) {
      const manager = objectField(node, "ManagerStatus");
      labels[`${P}manager_leader`] = String(boolField(manager, "Leader"));
      labels[`${P}manager_reachability`] = stringField(manager, "Reachability");
      labels[`${P}manager_address`] = stringField(manager, "Addr");
    }
    targets.push({ ...labels, __address__: joinHostPort(stringField(objectField(node, "Status"), "Addr"), port) });
  }
  return { source: SWARM_SOURCE, labels: {}, targets };
}

/** Prometheus's getNodesLabels, by node id. */
export function nodeLabelsById(nodes: unknown): ReadonlyMap<string, Readonly<Record<string, string>>> {
  const byId = new Map<string, Record<string, string>>();
  for (const item of asArray(nodes, "nodes")) {
    const node = asObject(item, "node");
    byId.set(stringField(node, "ID"), sharedNodeLabels(node));
  }
  return byId;
}
