/**
 * Network labels shared by docker and dockerswarm (Prometheus discovery/moby/network.go): `GET /networks`,
 * then per network id `<prefix>network_{id,name,scope,internal,ingress}` and `<prefix>network_label_<name>`.
 */
import { goStructList } from "../../cloud/go-json.js";
import { sanitizeLabelName } from "../../model/sanitize.js";

export type NetworkLabels = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** `prefix` is `__meta_docker_` or `__meta_dockerswarm_`. */
export function networkLabels(networks: unknown, prefix: string): NetworkLabels {
  const byId = new Map<string, Record<string, string>>();
  for (const network of goStructList(networks, "network.Summary")) {
    const id = network.string("Id");
    const labels: Record<string, string> = {
      [`${prefix}network_id`]: id,
      [`${prefix}network_name`]: network.string("Name"),
      [`${prefix}network_scope`]: network.string("Scope"),
      [`${prefix}network_internal`]: String(network.bool("Internal")),
      [`${prefix}network_ingress`]: String(network.bool("Ingress")),
    };
    for (const [name, value] of Object.entries(network.stringMap("Labels"))) labels[`${prefix}network_label_${sanitizeLabelName(name)}`] = value;
    byId.set(id, labels);
  }
  return byId;
}
