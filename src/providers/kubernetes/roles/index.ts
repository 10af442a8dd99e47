/**
 * The six roles as data: which resource each watches, how its objects decode, how a group is built and
 * what its source looks like (spec kubernetes.md 2.1, 2.3).
 */
import type { TargetGroup } from "../../../model/target-group.js";
import type { KubeObject, ResourceRef } from "../api/types.js";
import { decodeEndpoints, decodeEndpointSlice, decodeIngress, decodeMetaOnly, decodeNode, decodePod, decodeService, type Endpoints, type EndpointSlice, type Ingress, type MetaOnly, type Node, type Pod, type Service } from "../objects.js";
import { buildEndpointsGroup } from "./endpoints.js";
import { buildEndpointSliceGroup } from "./endpointslice.js";
import { buildIngressGroup } from "./ingress.js";
import type { RoleCaches } from "./labels.js";
import { buildNodeGroup } from "./node.js";
import { buildPodGroup } from "./pod.js";
import { buildServiceGroup } from "./service.js";

export type KubernetesRole = "node" | "service" | "pod" | "endpoints" | "endpointslice" | "ingress";
export const KUBERNETES_ROLES: readonly KubernetesRole[] = ["pod", "service", "endpoints", "endpointslice", "node", "ingress"];

/** A watched resource: where it lives and how its objects decode (decoderId tells shared informers apart). */
export interface ResourceKind<T extends KubeObject> {
  readonly resource: Omit<ResourceRef, "namespace">;
  readonly decode: (raw: unknown) => T;
  readonly decoderId: string;
  readonly isClusterScoped: boolean;
}

function kind<T extends KubeObject>(group: string, version: string, plural: string, decode: (raw: unknown) => T, isClusterScoped = false): ResourceKind<T> {
  return { resource: { group, version, plural }, decode, decoderId: `promsd-k8s-${plural}-v1`, isClusterScoped };
}

export const RESOURCES = {
  node: kind<Node>("", "v1", "nodes", decodeNode, true),
  namespace: kind<MetaOnly>("", "v1", "namespaces", decodeMetaOnly, true),
  pod: kind<Pod>("", "v1", "pods", decodePod),
  service: kind<Service>("", "v1", "services", decodeService),
  endpoints: kind<Endpoints>("", "v1", "endpoints", decodeEndpoints),
  endpointslice: kind<EndpointSlice>("discovery.k8s.io", "v1", "endpointslices", decodeEndpointSlice),
  ingress: kind<Ingress>("networking.k8s.io", "v1", "ingresses", decodeIngress),
  replicaset: kind<MetaOnly>("apps", "v1", "replicasets", decodeMetaOnly),
  job: kind<MetaOnly>("batch", "v1", "jobs", decodeMetaOnly),
} as const;

/** Source prefix of each role; the source is `<prefix>/<informer key>` (spec 2.3). */
export const SOURCE_PREFIX: Readonly<Record<KubernetesRole, string>> = {
  node: "node", service: "svc", pod: "pod", endpoints: "endpoints", endpointslice: "endpointslice", ingress: "ingress",
};

/** Builds the group of one primary object; undefined means "emit nothing" (a node without address). */
export function buildGroup(role: KubernetesRole, object: KubeObject, caches: RoleCaches): TargetGroup | undefined {
  // The casts are safe: the role's primary informer was created with that role's decoder (RESOURCES).
  switch (role) {
    case "node": return buildNodeGroup(object as Node);
    case "service": return buildServiceGroup(object as Service, caches);
    case "pod": return buildPodGroup(object as Pod, caches);
    case "endpoints": return buildEndpointsGroup(object as Endpoints, caches);
    case "endpointslice": return buildEndpointSliceGroup(object as EndpointSlice, caches);
    case "ingress": return buildIngressGroup(object as Ingress, caches);
  }
}
