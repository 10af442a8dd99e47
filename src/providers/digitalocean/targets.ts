/**
 * DigitalOcean's objects as Prometheus labels them (discovery/digitalocean): droplets without IPv4
 * networks are skipped; addresses are godo's strings as the API wrote them (no normalisation); features
 * and tags are joined with "," and wrapped in "," so relabel regexes need not care about position; a
 * database cluster's address is its private host, else its public host, else it has none; its tags become
 * `__meta_digitalocean_db_tag_<tag>` = "true" with the tag verbatim (not sanitised, as in Prometheus).
 */
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";

const P = "__meta_digitalocean_";

function firstAddress(networks: readonly GoStruct[], type: string): string {
  return networks.find((n) => n.string("type") === type)?.string("ip_address") ?? "";
}

const wrapped = (items: readonly string[]): string => `,${items.join(",")},`;

/** The droplet's target, or undefined when it has no IPv4 network (Prometheus skips those). */
export function dropletTarget(droplet: GoStruct, port: number): LabelSet | undefined {
  const networks = droplet.pointer("networks", "godo.Networks");
  const v4 = networks?.structs("v4", "godo.NetworkV4") ?? [];
  if (v4.length === 0) return undefined;
  const publicIpv4 = firstAddress(v4, "public");
  const image = droplet.struct("image", "godo.Image");
  const labels: Record<string, string> = {
    __address__: joinHostPort(publicIpv4, port),
    [`${P}droplet_id`]: String(droplet.int("id")),
    [`${P}droplet_name`]: droplet.string("name"),
    [`${P}image`]: image.string("slug"),
    [`${P}image_name`]: image.string("name"),
    [`${P}private_ipv4`]: firstAddress(v4, "private"),
    [`${P}public_ipv4`]: publicIpv4,
    [`${P}public_ipv6`]: firstAddress(networks?.structs("v6", "godo.NetworkV6") ?? [], "public"),
    [`${P}region`]: droplet.struct("region", "godo.Region").string("slug"),
    [`${P}size`]: droplet.string("size_slug"),
    [`${P}status`]: droplet.string("status"),
    [`${P}vpc`]: droplet.string("vpc_uuid"),
  };
  const features = droplet.strings("features");
  if (features.length > 0) labels[`${P}features`] = wrapped(features);
  const tags = droplet.strings("tags");
  if (tags.length > 0) labels[`${P}tags`] = wrapped(tags);
  return labels;
}

export function databaseTarget(cluster: GoStruct, port: number): LabelSet {
  const labels: Record<string, string> = {
    [`${P}db_id`]: cluster.string("id"),
    [`${P}db_name`]: cluster.string("name"),
    [`${P}db_engine`]: cluster.string("engine"),
    [`${P}db_version`]: cluster.string("version"),
    [`${P}db_status`]: cluster.string("status"),
    [`${P}db_region`]: cluster.string("region"),
    [`${P}db_size`]: cluster.string("size"),
    [`${P}db_num_nodes`]: String(cluster.int("num_nodes")),
  };
  let host = "";
  const privateConnection = cluster.pointer("private_connection", "godo.DatabaseConnection");
  if (privateConnection !== undefined) {
    host = privateConnection.string("host");
    labels[`${P}db_private_host`] = host;
  }
  const connection = cluster.pointer("connection", "godo.DatabaseConnection");
  if (connection !== undefined) {
    labels[`${P}db_host`] = connection.string("host");
    if (host === "") host = connection.string("host");
  }
  if (host !== "") labels["__address__"] = joinHostPort(host, port);
  for (const tag of cluster.strings("tags")) labels[`${P}db_tag_${tag}`] = "true";
  return labels;
}
