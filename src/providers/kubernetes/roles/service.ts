/** Role `service` (spec kubernetes.md 4): one target per service port at `<name>.<namespace>.svc:<port>`. */
import type { TargetGroup } from "../../../model/target-group.js";
import type { Service } from "../objects.js";
import { addNamespaceMeta, addObjectMeta, NAMESPACE_LABEL, type Labels, type RoleCaches } from "./labels.js";

export function serviceSource(namespace: string, name: string): string {
  return `svc/${namespace}/${name}`;
}

export function buildServiceGroup(svc: Service, caches: RoleCaches): TargetGroup {
  const { name, namespace } = svc.metadata;
  const labels: Labels = { [NAMESPACE_LABEL]: namespace };
  addObjectMeta(labels, "service", svc.metadata);
  addNamespaceMeta(labels, namespace, caches);
  const targets = svc.ports.map((port) => {
    const target: Labels = {
      __address__: `${name}.${namespace}.svc:${port.port}`,
      __meta_kubernetes_service_port_name: port.name,
      __meta_kubernetes_service_port_number: String(port.port),
      __meta_kubernetes_service_port_protocol: port.protocol,
      __meta_kubernetes_service_type: svc.type,
    };
    if (svc.type === "ExternalName") target["__meta_kubernetes_service_external_name"] = svc.externalName;
    else target["__meta_kubernetes_service_cluster_ip"] = svc.clusterIP;
    // 3.14 reads only the deprecated spec field (spec 4.3); [next] would read status ingress IPs.
    if (svc.type === "LoadBalancer") target["__meta_kubernetes_service_loadbalancer_ip"] = svc.loadBalancerIP;
    return target;
  });
  return { source: serviceSource(namespace, name), labels, targets };
}
