/**
 * Hetzner Cloud (role hcloud): `GET /v1/servers` and `GET /v1/networks`, paged as hcloud-go pages them
 * (`page=N&per_page=50`, following `meta.pagination.next_page` until it is null), and the labels Prometheus
 * computes from hcloud-go's parsed objects (discovery/hetzner/hcloud.go): addresses go through Go's
 * `net.ParseIP`/`ParseCIDR` (an unparsable one prints `<nil>`), memory is truncated to whole GB, and a
 * server's private IPs are labelled by the name of the network they belong to.
 */
import { GoStruct } from "../../cloud/go-json.js";
import { GO_NIL, goCidrNetwork, goIpString } from "../../cloud/go-net.js";
import { joinHostPort } from "../../cloud/go-json.js";
import type { LabelSet } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { Profile } from "../../profile.js";

const P = "__meta_hetzner_";
const H = `${P}hcloud_`;

/** One page's objects and the next page number (undefined on the last page). */
export function hcloudPage(body: unknown, listKey: "servers" | "networks"): { items: GoStruct[]; nextPage: number | undefined } {
  const root = GoStruct.of(body, `schema.${listKey === "servers" ? "ServerListResponse" : "NetworkListResponse"}`);
  const pagination = root.struct("meta", "schema.Meta").pointer("pagination", "schema.MetaPagination");
  const next = pagination?.int("next_page") ?? 0;
  return { items: root.structs(listKey, listKey === "servers" ? "schema.Server" : "schema.Network"), nextPage: next === 0 ? undefined : next };
}

function location(server: GoStruct, profile: Profile): GoStruct {
  // 2.42 (hcloud-go 1.35) read the server's datacenter and its location; 3.x reads the server's location.
  return profile === "v2.42" ? server.struct("datacenter", "schema.Datacenter").struct("location", "schema.Location") : server.struct("location", "schema.Location");
}

/** The target of one server; `networkNames` maps network ID to name (from `/networks`). */
export function hcloudTarget(server: GoStruct, networkNames: ReadonlyMap<number, string>, port: number, profile: Profile): LabelSet {
  const publicNet = server.struct("public_net", "schema.ServerPublicNet");
  const ipv4 = publicNet.pointer("ipv4", "schema.ServerPublicNetIPv4");
  const ipv4Text = ipv4 === undefined ? GO_NIL : goIpString(ipv4.string("ip"));
  const ipv6 = publicNet.pointer("ipv6", "schema.ServerPublicNetIPv6");
  const ipv6Network = ipv6 === undefined ? GO_NIL : (goCidrNetwork(ipv6.string("ip")) ?? GO_NIL);
  const serverType = server.struct("server_type", "schema.ServerType");
  const where = location(server, profile);
  const labels: Record<string, string> = {
    __address__: joinHostPort(ipv4Text, port),
    [`${P}role`]: "hcloud",
    [`${P}server_id`]: String(server.int("id", "int64")),
    [`${P}server_name`]: server.string("name"),
    [`${P}public_ipv4`]: ipv4Text,
    [`${P}public_ipv6_network`]: ipv6Network,
    [`${P}server_status`]: server.string("status"),
    [`${H}datacenter_location`]: where.string("name"),
    [`${H}datacenter_location_network_zone`]: where.string("network_zone"),
    [`${H}server_type`]: serverType.string("name"),
    [`${H}cpu_cores`]: String(serverType.int("cores")),
    [`${H}cpu_type`]: serverType.string("cpu_type"),
    [`${H}memory_size_gb`]: String(Math.trunc(Math.fround(serverType.float("memory", "float32")))),
    [`${H}disk_size_gb`]: String(serverType.int("disk")),
  };
  if (profile === "v2.42") labels[`${P}datacenter`] = server.struct("datacenter", "schema.Datacenter").string("name");
  else {
    labels[`${H}location`] = where.string("name");
    labels[`${H}location_network_zone`] = where.string("network_zone");
  }
  const image = server.pointer("image", "schema.Image");
  if (image !== undefined) {
    labels[`${H}image_name`] = image.string("name");
    labels[`${H}image_description`] = image.string("description");
    labels[`${H}image_os_version`] = image.string("os_version");
    labels[`${H}image_os_flavor`] = image.string("os_flavor");
  }
  for (const privateNet of server.structs("private_net", "schema.ServerPrivateNet")) {
    const name = networkNames.get(privateNet.int("network", "int64"));
    if (name !== undefined) labels[`${H}private_ipv4_${sanitizeLabelName(name)}`] = goIpString(privateNet.string("ip"));
  }
  for (const [key, value] of Object.entries(server.stringMap("labels"))) {
    labels[`${H}labelpresent_${sanitizeLabelName(key)}`] = "true";
    labels[`${H}label_${sanitizeLabelName(key)}`] = value;
  }
  return labels;
}
