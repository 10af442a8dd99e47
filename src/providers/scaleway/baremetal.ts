/**
 * Scaleway Elastic Metal servers as Prometheus labels them (discovery/scaleway/baremetal.go): the offer's
 * name as the type, the installed OS's name and version, the first IPv4 as address (else the first IPv6),
 * and an IP of another version fails the whole refresh.
 */
import type { GoStruct } from "../../cloud/go-json.js";
import { joinHostPort } from "../../cloud/go-json.js";
import { GO_NIL, goIpString, parseGoIp } from "../../cloud/go-net.js";
import { SourceError } from "../../errors.js";
import type { LabelSet } from "../../model/labels.js";

const P = "__meta_scaleway_baremetal_";

function ipText(ip: GoStruct): string {
  const text = ip.string("address");
  if (text === "") return GO_NIL;
  if (parseGoIp(text) === undefined) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `invalid IP address: ${text}`);
  return goIpString(text);
}

export function baremetalTarget(server: GoStruct, offers: readonly GoStruct[], systems: readonly GoStruct[], port: number): LabelSet {
  const labels: Record<string, string> = {
    [`${P}id`]: server.string("id"),
    [`${P}name`]: server.string("name"),
    [`${P}zone`]: server.string("zone"),
    [`${P}status`]: server.string("status"),
    [`${P}project_id`]: server.string("project_id"),
  };
  const offer = offers.find((o) => o.string("id") === server.string("offer_id"));
  if (offer !== undefined) labels[`${P}type`] = offer.string("name");
  const install = server.pointer("install", "baremetal.ServerInstall");
  const os = install && systems.find((s) => s.string("id") === install.string("os_id"));
  if (os !== undefined) Object.assign(labels, { [`${P}os_name`]: os.string("name"), [`${P}os_version`]: os.string("version") });
  const tags = server.strings("tags");
  if (tags.length > 0) labels[`${P}tags`] = `,${tags.join(",")},`;
  for (const ip of server.structs("ips", "baremetal.IP")) {
    const version = ip.string("version") || "unknown_version";
    if (version === "IPv4") {
      if (`${P}public_ipv4` in labels) continue;
      labels[`${P}public_ipv4`] = ipText(ip);
      labels["__address__"] = joinHostPort(ipText(ip), port);
    } else if (version === "IPv6") {
      if (`${P}public_ipv6` in labels) continue;
      labels[`${P}public_ipv6`] = ipText(ip);
      if (!("__address__" in labels)) labels["__address__"] = joinHostPort(ipText(ip), port);
    } else {
      throw new SourceError("PROMSD_SOURCE_BAD_BODY", `unknown IP version: ${version}`);
    }
  }
  return labels;
}
