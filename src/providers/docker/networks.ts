/**
 * Network labels shared by docker and dockerswarm (Prometheus discovery/moby/network.go): `GET /networks`,
 * then per network id `<prefix>network_{id,name,scope,internal,ingress}` and `<prefix>network_label_<name>`.
 */
import { sanitizeLabelName } from "../../model/sanitize.js";
import { asArray, asObject, boolField, stringField, stringMapField } from "./go-json.js";

export type NetworkLabels = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** `prefix` is `__meta_docker_` or `__meta_dockerswarm_`. */
export function networkLabels(networks: unknown, prefix: string): NetworkLabels {
  const byId = new Map<string, Record<string, string>>();
  for (const item of asArray(networks, "networks")) {
    const network = asObject(item, "network");
    const id = stringField(network, "Id");
    const labels: Record<string, string> = {
      [`${prefix}network_id`]: id,
      [`${prefix}network_name`]: stringField(network, "Name"),
      [`${prefix}network_scope`]: stringField(network, "Scope"),
      [`${prefix}network_internal`]: String(boolField(network, "Internal")),
      [`${prefix}network_ingress`]: String(boolField(network, "Ingress")),
    };
    for (const [name, value] of stringMapField(network, "Labels")) labels[`${prefix}network_label_${sanitizeLabelName(name)}`] = value;
    byId.set(id, labels);
  }
  return byId;
}
