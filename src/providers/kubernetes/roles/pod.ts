/** Role `pod` (spec kubernetes.md 5): one target per container port, or per port-less container. */
import { joinHostPort } from "../../../model/address.js";
import { emptyGroup, type TargetGroup } from "../../../model/target-group.js";
import type { Pod } from "../objects.js";
import { addContainerLabels, addContainerPortLabels, addNamespaceMeta, addNodeMeta, addPodMeta, NAMESPACE_LABEL, type Labels, type RoleCaches } from "./labels.js";

export function podSource(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

export function buildPodGroup(pod: Pod, caches: RoleCaches): TargetGroup {
  const { name, namespace } = pod.metadata;
  const source = podSource(namespace, name);
  if (pod.podIP === "") return emptyGroup(source);
  // 3.11+: with attach_metadata.node a pod whose node is not cached is withdrawn (spec 5.2 rule 2).
  if (caches.attach.node && caches.nodes?.get(pod.nodeName) === undefined) return emptyGroup(source);
  const labels: Labels = {};
  addPodMeta(labels, pod, caches);
  labels[NAMESPACE_LABEL] = namespace;
  addNodeMeta(labels, pod.nodeName, caches);
  addNamespaceMeta(labels, namespace, caches);
  const targets: Labels[] = [];
  for (const container of pod.containers) {
    const base = (address: string): Labels => {
      const t: Labels = { __address__: address };
      addContainerLabels(t, container);
      t["__meta_kubernetes_pod_container_id"] = container.containerId;
      return t;
    };
    if (container.ports.length === 0) {
      targets.push(base(pod.podIP));
      continue;
    }
    for (const port of container.ports) {
      const t = base(joinHostPort(pod.podIP, port.containerPort));
      addContainerPortLabels(t, port, port.protocol);
      targets.push(t);
    }
  }
  return { source, labels, targets };
}
