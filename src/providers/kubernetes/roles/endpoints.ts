/**
 * Role `endpoints` (spec kubernetes.md 6): one target per (subset port, address), ready addresses first,
 * with pod, container and node labels where the address references cached objects, then the extra
 * container-port targets of the backing pods.
 */
import { joinHostPort } from "../../../model/address.js";
import type { LabelSet } from "../../../model/labels.js";
import type { TargetGroup } from "../../../model/target-group.js";
import type { EndpointAddress, Endpoints, ServicePort } from "../objects.js";
import { addContainerLabels, addContainerPortLabels, addNamespaceMeta, addNodeMeta, addObjectMeta, addPodMeta, findContainerPort, NAMESPACE_LABEL, referencedPod, type Labels, type RoleCaches } from "./labels.js";
import { PodExtras } from "./pod-extras.js";

export function endpointsSource(namespace: string, name: string): string {
  return `endpoints/${namespace}/${name}`;
}

export function buildEndpointsGroup(eps: Endpoints, caches: RoleCaches): TargetGroup {
  const { name, namespace } = eps.metadata;
  const labels: Labels = { [NAMESPACE_LABEL]: namespace };
  const svc = caches.services?.get(`${namespace}/${name}`);
  if (svc !== undefined) addObjectMeta(labels, "service", svc.metadata);
  addObjectMeta(labels, "endpoints", eps.metadata);
  addNamespaceMeta(labels, namespace, caches);
  const targets: LabelSet[] = [];
  const extras = new PodExtras();
  for (const subset of eps.subsets) {
    for (const port of subset.ports) {
      for (const address of subset.addresses) targets.push(directTarget(address, port, "true", caches, extras));
      for (const address of subset.notReadyAddresses) targets.push(directTarget(address, port, "false", caches, extras));
    }
  }
  extras.appendTo(targets, caches);
  return { source: endpointsSource(namespace, name), labels, targets };
}

function directTarget(address: EndpointAddress, port: ServicePort, ready: string, caches: RoleCaches, extras: PodExtras): Labels {
  const t: Labels = {
    __address__: joinHostPort(address.ip, port.port),
    __meta_kubernetes_endpoint_port_name: port.name,
    __meta_kubernetes_endpoint_port_protocol: port.protocol,
    __meta_kubernetes_endpoint_ready: ready,
  };
  const ref = address.targetRef;
  if (ref !== undefined) {
    t["__meta_kubernetes_endpoint_address_target_kind"] = ref.kind;
    t["__meta_kubernetes_endpoint_address_target_name"] = ref.name;
  }
  if (address.nodeName !== undefined) t["__meta_kubernetes_endpoint_node_name"] = address.nodeName;
  if (address.hostname !== "") t["__meta_kubernetes_endpoint_hostname"] = address.hostname;
  // The endpoints role prefers nodeName over a Node targetRef (the endpointslice role does the reverse).
  addNodeMeta(t, address.nodeName ?? (ref?.kind === "Node" ? ref.name : undefined), caches);
  const pod = referencedPod(ref, caches);
  if (pod === undefined) return t;
  addPodMeta(t, pod, caches);
  extras.note(pod, port.port);
  const match = findContainerPort(pod, port.port);
  if (match !== undefined) {
    addContainerLabels(t, match.container);
    // The endpoint port's protocol, not the container's (spec 6.3).
    addContainerPortLabels(t, match.port, port.protocol);
  }
  return t;
}

/** Keys of the pods listed under some subset's `addresses` (the pod-phase trigger of spec 6.1). */
export function endpointsPodRefs(eps: Endpoints): string[] {
  const keys: string[] = [];
  for (const subset of eps.subsets) {
    for (const a of subset.addresses) if (a.targetRef?.kind === "Pod") keys.push(`${a.targetRef.namespace}/${a.targetRef.name}`);
  }
  return keys;
}

/** Node names whose changes re-evaluate this object (spec 6.1): ready addresses with a targetRef only. */
export function endpointsNodeRefs(eps: Endpoints): string[] {
  const names: string[] = [];
  for (const subset of eps.subsets) {
    for (const a of subset.addresses) {
      const ref = a.targetRef;
      if (ref === undefined) continue;
      if (ref.kind === "Pod" && a.nodeName !== undefined) names.push(a.nodeName);
      if (ref.kind === "Node") names.push(ref.name);
    }
  }
  return names;
}
