/** Role `ingress` (spec kubernetes.md 8): one target per rule path, addressed at the rule's host. */
import type { TargetGroup } from "../../../model/target-group.js";
import type { Ingress } from "../objects.js";
import { addNamespaceMeta, addObjectMeta, NAMESPACE_LABEL, type Labels, type RoleCaches } from "./labels.js";

export function ingressSource(namespace: string, name: string): string {
  return `ingress/${namespace}/${name}`;
}

/** Spec 8.3: exact match, or a `*` first label with the same number of labels and equal remaining labels. */
export function matchesTlsHost(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  const p = pattern.split(".");
  const h = host.split(".");
  if (p[0] !== "*" || p.length !== h.length) return false;
  for (let i = 1; i < p.length; i++) if (p[i] !== h[i]) return false;
  return true;
}

export function buildIngressGroup(ingress: Ingress, caches: RoleCaches): TargetGroup {
  const { name, namespace } = ingress.metadata;
  const labels: Labels = { [NAMESPACE_LABEL]: namespace };
  addObjectMeta(labels, "ingress", ingress.metadata);
  if (ingress.className !== undefined) labels["__meta_kubernetes_ingress_class_name"] = ingress.className;
  addNamespaceMeta(labels, namespace, caches);
  const targets: Labels[] = [];
  for (const rule of ingress.rules) {
    const scheme = ingress.tlsHosts.some((pattern) => matchesTlsHost(pattern, rule.host)) ? "https" : "http";
    const paths = rule.paths === undefined ? ["/"] : rule.paths.map((p) => (p === "" ? "/" : p));
    for (const path of paths) {
      targets.push({
        __address__: rule.host,
        __meta_kubernetes_ingress_scheme: scheme,
        __meta_kubernetes_ingress_host: rule.host,
        __meta_kubernetes_ingress_path: path,
      });
    }
  }
  return { source: ingressSource(namespace, name), labels, targets };
}
