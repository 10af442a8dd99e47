/**
 * Scaleway Instance servers as Prometheus labels them (discovery/scaleway/instance.go). 3.x: the address
 * is the private IP, else the legacy `public_ip`, else the legacy `ipv6`, else (3.13+) the first private
 * NIC whose IP the IPAM API knows; `public_ips` also give `…_public_ipv4_addresses` /
 * `…_public_ipv6_addresses`. 2.42: only servers with a `private_ip` are targets. Addresses are Go `net.IP`s
 * (normalised; an unparsable one fails the answer, as Go's decoder does).
 */
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import { GO_NIL, goIpString, parseGoIp } from "../../cloud/go-net.js";
import { SourceError } from "../../errors.js";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";
import { zoneRegion } from "./api.js";

const P = "__meta_scaleway_instance_";

/** A `net.IP` JSON field: "" or null is a nil IP (`<nil>`); text Go cannot parse fails the answer. */
function goIpField(holder: GoStruct, key: string): string {
  const text = holder.string(key);
  if (text === "") return GO_NIL;
  if (parseGoIp(text) === undefined) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `invalid IP address: ${text}`);
  return goIpString(text);
}

/** Whether Prometheus asks IPAM for this server's private NICs (it has none of the legacy addresses). */
export function needsIpam(server: GoStruct): boolean {
  return !server.has("private_ip") && !server.has("public_ip") && !server.has("ipv6");
}

export function instanceTarget(server: GoStruct, privateNicIps: ReadonlyMap<string, string>, port: number, profile: Profile): LabelSet | undefined {
  const zone = server.string("zone");
  const labels: Record<string, string> = {
    [`${P}boot_type`]: server.string("boot_type"),
    [`${P}hostname`]: server.string("hostname"),
    [`${P}id`]: server.string("id"),
    [`${P}name`]: server.string("name"),
    [`${P}organization_id`]: server.string("organization"),
    [`${P}project_id`]: server.string("project"),
    [`${P}status`]: server.string("state"),
    [`${P}type`]: server.string("commercial_type"),
    [`${P}zone`]: zone,
  };
  const image = server.pointer("image", "instance.Image");
  if (image !== undefined) Object.assign(labels, { [`${P}image_arch`]: image.string("arch"), [`${P}image_id`]: image.string("id"), [`${P}image_name`]: image.string("name") });
  const location = server.pointer("location", "instance.ServerLocation");
  if (location !== undefined) Object.assign(labels, { [`${P}location_cluster_id`]: location.string("cluster_id"), [`${P}location_hypervisor_id`]: location.string("hypervisor_id"), [`${P}location_node_id`]: location.string("node_id") });
  const securityGroup = server.pointer("security_group", "instance.SecurityGroupSummary");
  if (securityGroup !== undefined) Object.assign(labels, { [`${P}security_group_id`]: securityGroup.string("id"), [`${P}security_group_name`]: securityGroup.string("name") });
  const region = zoneRegion(zone);
  if (region !== undefined) labels[`${P}region`] = region;
  const tags = server.strings("tags");
  if (tags.length > 0) labels[`${P}tags`] = `,${tags.join(",")},`;
  const publicIp = server.pointer("public_ip", "instance.ServerIP");
  const ipv6 = server.pointer("ipv6", "instance.ServerIPv6");
  const privateIp = server.has("private_ip") ? server.string("private_ip") : undefined;
  let address = "";
  if (profile === "v2.42") {
    if (ipv6 !== undefined) labels[`${P}public_ipv6`] = goIpField(ipv6, "address");
    if (publicIp !== undefined) labels[`${P}public_ipv4`] = goIpField(publicIp, "address");
    if (privateIp === undefined) return undefined;
    labels[`${P}private_ipv4`] = privateIp;
    return { ...labels, __address__: joinHostPort(privateIp, port) };
  }
  const publicIps = server.structs("public_ips", "instance.ServerIP");
  const v4 = publicIps.filter((ip) => ip.string("family") === "inet").map((ip) => goIpField(ip, "address"));
  const v6 = publicIps.filter((ip) => ip.string("family") === "inet6").map((ip) => goIpField(ip, "address"));
  if (v6.length > 0) labels[`${P}public_ipv6_addresses`] = `,${v6.join(",")},`;
  if (v4.length > 0) labels[`${P}public_ipv4_addresses`] = `,${v4.join(",")},`;
  if (ipv6 !== undefined) {
    address = goIpField(ipv6, "address");
    labels[`${P}public_ipv6`] = address;
  }
  if (publicIp !== undefined) {
    address = goIpField(publicIp, "address");
    if (publicIp.string("family") !== "inet6") labels[`${P}public_ipv4`] = address;
  }
  if (privateIp !== undefined) {
    labels[`${P}private_ipv4`] = privateIp;
    address = privateIp;
  }
  if (address === "") {
    for (const nic of server.list("private_nics")) {
      if (nic === null) continue;
      const ip = privateNicIps.get(GoStruct.of(nic, "instance.PrivateNIC").string("id")) ?? "";
      if (ip !== "") {
        labels[`${P}private_ipv4`] = ip;
        address = ip;
        break;
      }
    }
  }
  return address === "" ? undefined : { ...labels, __address__: joinHostPort(address, port) };
}
