/**
 * Role `endpointslice` (spec kubernetes.md 7): one target per (endpoint, port, address), with the
 * dual-stack suppression of 3.11, pod/container/node labels, then the extra container-port targets.
 */
import { joinHostPort } from "../../../model/address.js";
import type { LabelSet } from "../../../model/labels.js";
import type { TargetGroup } from "../../../model/target-group.js";
import type { EndpointSlice, SliceEndpoint, SlicePort } from "../objects.js";
import { addContainerLabels, addContainerPortLabels, addNamespaceMeta, addNodeMeta, addObjectMeta, addPodMeta, findContainerPort, labelName, NAMESPACE_LABEL, referencedPod, type Labels, type RoleCaches } from "./labels.js";
import { PodExtras } from "./pod-extras.js";

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const P = "__meta_kubernetes_endpointslice_";

export function endpointSliceSource(namespace: string, name: string): string {
  return `endpointslice/${namespace}/${name}`;
}

export function buildEndpointSliceGroup(slice: EndpointSlice, caches: RoleCaches): TargetGroup {
  const { name, namespace } = slice.metadata;
  const source = endpointSliceSource(namespace, name);
  const labels: Labels = { [NAMESPACE_LABEL]: namespace, [`${P}address_type`]: slice.addressType };
  addObjectMeta(labels, "endpointslice", slice.metadata);
  const serviceName = slice.metadata.labels[SERVICE_NAME_LABEL];
  const svc = serviceName === undefined ? undefined : caches.services?.get(`${namespace}/${serviceName}`);
  if (svc !== undefined) addObjectMeta(labels, "service", svc.metadata);
  addNamespaceMeta(labels, namespace, caches);
  const isDualStack = svc !== undefined && (svc.ipFamilyPolicy === "PreferDualStack" || svc.ipFamilyPolicy === "RequireDualStack");
  if (isDualStack && svc.ipFamilies.length > 0 && slice.addressType !== svc.ipFamilies[0]) {
    // 3.11+: only the slice of the service's primary family carries targets (spec 7.3).
    return { source, labels, targets: [] };
  }
  const targets: LabelSet[] = [];
  const extras = new PodExtras();
  for (const endpoint of slice.endpoints) {
    for (const port of slice.ports) {
      for (const address of endpoint.addresses) targets.push(directTarget(endpoint, address, port, caches, extras));
    }
  }
  extras.appendTo(targets, caches);
  return { source, labels, targets };
}

function setIfDefined(out: Labels, name: string, value: string | boolean | number | undefined): void {
  if (value !== undefined) out[name] = String(value);
}

function directTarget(endpoint: SliceEndpoint, address: string, port: SlicePort, caches: RoleCaches, extras: PodExtras): Labels {
  const t: Labels = { __address__: port.port === undefined ? address : joinHostPort(address, port.port) };
  setIfDefined(t, `${P}port_name`, port.name);
  setIfDefined(t, `${P}port_protocol`, port.protocol);
  setIfDefined(t, `${P}port`, port.port);
  setIfDefined(t, `${P}port_app_protocol`, port.appProtocol);
  setIfDefined(t, `${P}endpoint_conditions_ready`, endpoint.ready);
  setIfDefined(t, `${P}endpoint_conditions_serving`, endpoint.serving);
  setIfDefined(t, `${P}endpoint_conditions_terminating`, endpoint.terminating);
  setIfDefined(t, `${P}endpoint_hostname`, endpoint.hostname);
  const ref = endpoint.targetRef;
  if (ref !== undefined) {
    t[`${P}address_target_kind`] = ref.kind;
    t[`${P}address_target_name`] = ref.name;
  }
  setIfDefined(t, `${P}endpoint_node_name`, endpoint.nodeName);
  setIfDefined(t, `${P}endpoint_zone`, endpoint.zone);
  if (endpoint.deprecatedTopology !== undefined) {
    for (const key in endpoint.deprecatedTopology) {
      t[labelName(`${P}endpoint_topology_`, key)] = endpoint.deprecatedTopology[key] ?? "";
      t[labelName(`${P}endpoint_topology_present_`, key)] = "true";
    }
  }
  // A Node targetRef wins over nodeName here, the reverse of the endpoints role (spec 7.4).
  addNodeMeta(t, ref?.kind === "Node" ? ref.name : endpoint.nodeName, caches);
  const pod = referencedPod(ref, caches);
  if (pod === undefined) return t;
  addPodMeta(t, pod, caches);
  extras.note(pod, port.port);
  if (port.port === undefined) return t;
  const match = findContainerPort(pod, port.port);
  if (match !== undefined) {
    addContainerLabels(t, match.container);
    addContainerPortLabels(t, match.port, match.port.protocol);
  }
  return t;
}

/** Node names whose changes re-evaluate this slice (spec 7.1). */
export function endpointSliceNodeRefs(slice: EndpointSlice): string[] {
  const names: string[] = [];
  for (const e of slice.endpoints) {
    const ref = e.targetRef;
    if (ref === undefined) continue;
    if (ref.kind === "Pod" && e.nodeName !== undefined) names.push(e.nodeName);
    if (ref.kind === "Node") names.push(ref.name);
  }
  return names;
}
