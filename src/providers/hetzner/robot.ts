/**
 * Hetzner Robot (role robot): one `GET /server` answering a JSON array of `{server: {…}}`, decoded as
 * Prometheus's own struct does (discovery/hetzner/robot.go): the datacenter lower-cased, `cancelled` as
 * "true"/"false", and the first subnet whose IP is not IPv4 (by Go's `ParseIP(..).To4() == nil`, so an
 * unparsable one counts) as the public IPv6 network.
 */
import { GoStruct, goStructList, joinHostPort } from "../../cloud/go-json.js";
import { parseGoIp } from "../../cloud/go-net.js";
import type { LabelSet } from "../../model/labels.js";
import type { Profile } from "../../profile.js";

const P = "__meta_hetzner_";

function isIpv4(text: string): boolean {
  const bytes = parseGoIp(text);
  return bytes !== undefined && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** `robot_datacenter` arrived after 2.42 (which has only the older `datacenter`). */
export function robotTargets(body: unknown, port: number, profile: Profile): LabelSet[] {
  return goStructList(body, "hetzner.serversList").map((entry) => {
    const server = entry.struct("server", "hetzner.robotServer");
    const ip = server.string("server_ip");
    const dc = server.string("dc").toLowerCase();
    const labels: Record<string, string> = {
      __address__: joinHostPort(ip, port),
      [`${P}role`]: "robot",
      [`${P}server_id`]: String(server.int("server_number")),
      [`${P}server_name`]: server.string("server_name"),
      [`${P}datacenter`]: dc,
      [`${P}public_ipv4`]: ip,
      [`${P}server_status`]: server.string("status"),
      [`${P}robot_product`]: server.string("product"),
      [`${P}robot_cancelled`]: String(server.bool("cancelled")),
    };
    if (profile === "v3") labels[`${P}robot_datacenter`] = dc;
    const subnet = server.structs("subnet", "hetzner.robotSubnet").find((s: GoStruct) => !isIpv4(s.string("ip")));
    if (subnet !== undefined) labels[`${P}public_ipv6_network`] = `${subnet.string("ip")}/${subnet.string("mask")}`;
    return labels;
  });
}
