/** Role `node` (spec kubernetes.md 3): one target per node at its preferred address and kubelet port. */
import { joinHostPort } from "../../../model/address.js";
import type { TargetGroup } from "../../../model/target-group.js";
import type { Node } from "../objects.js";
import { addObjectMeta, labelName, type Labels } from "./labels.js";

/** Implementation order of Prometheus's nodeAddress (spec 3.3), not the shorter documented one. */
const ADDRESS_PRIORITY = ["InternalIP", "InternalDNS", "ExternalIP", "ExternalDNS", "LegacyHostIP", "Hostname"];

export function nodeSource(name: string): string {
  return `node/${name}`;
}

/** The node's group, or undefined when it has no usable address: Prometheus then emits nothing (spec 3.3). */
export function buildNodeGroup(node: Node): TargetGroup | undefined {
  const firstByType = new Map<string, string>();
  for (const { type, address } of node.addresses) if (!firstByType.has(type)) firstByType.set(type, address);
  const type = ADDRESS_PRIORITY.find((t) => firstByType.has(t));
  if (type === undefined) return undefined;
  const labels: Labels = {};
  addObjectMeta(labels, "node", node.metadata);
  labels["__meta_kubernetes_node_provider_id"] = node.providerId;
  for (const condition of node.conditions) {
    labels[labelName("__meta_kubernetes_node_condition_", condition.type.toLowerCase())] = condition.status.toLowerCase();
  }
  const target: Labels = {
    __address__: joinHostPort(firstByType.get(type) ?? "", node.kubeletPort),
    instance: node.metadata.name,
  };
  for (const [t, address] of firstByType) target[labelName("__meta_kubernetes_node_address_", t)] = address;
  return { source: nodeSource(node.metadata.name), labels, targets: [target] };
}
