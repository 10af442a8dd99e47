/**
 * Linode instances as Prometheus labels them (discovery/linode): instances without IPv4 are skipped; each
 * of an instance's IPv4s (Go `net.IP`, normalised) is looked up in `/networking/ips`: the first public one
 * is `public_ipv4`, the first private one `private_ipv4`, every further match an extra IP; rDNS "null" counts
 * as none; the SLAAC address (instance `ipv6` before "/") gives `public_ipv6` and the ranges routed to it;
 * specs are MiB turned into bytes; lists are joined by `tag_separator` and wrapped in it. The address is
 * the public IPv4 (":port" when there is none, as in Prometheus).
 */
import { GoStruct, joinHostPort } from "../../cloud/go-json.js";
import { GO_NIL, goIpString, parseGoIp } from "../../cloud/go-net.js";
import { SourceError } from "../../errors.js";
import type { LabelSet } from "../../model/labels.js";

const P = "__meta_linode_";

/** A `*net.IP` element as Go decodes it: null stays nil (`<nil>`), text Go cannot parse fails the answer. */
function decodeIp(value: unknown): string {
  if (value === null) return GO_NIL;
  if (typeof value !== "string" || (value !== "" && parseGoIp(value) === undefined)) throw new SourceError("PROMSD_SOURCE_BAD_BODY", `linode: invalid IP address ${JSON.stringify(value)} in an instance's ipv4 list`);
  return value === "" ? GO_NIL : goIpString(value);
}

const rdns = (ip: GoStruct): string => (ip.string("rdns") === "null" ? "" : ip.string("rdns"));

export function linodeTarget(instance: GoStruct, ips: readonly GoStruct[], ranges: readonly GoStruct[], port: number, separator: string): LabelSet | undefined {
  const ipv4 = instance.list("ipv4", "[]*net.IP").map(decodeIp);
  if (ipv4.length === 0) return undefined;
  let privateIpv4 = "", publicIpv4 = "", publicIpv6 = "", privateRdns = "", publicRdns = "", publicIpv6Rdns = "";
  const extraIps: string[] = [];
  for (const address of ipv4) {
    for (const detail of ips.filter((ip) => ip.string("address") === address)) {
      if (detail.bool("public") && publicIpv4 === "") {
        publicIpv4 = address;
        publicRdns = rdns(detail);
      } else if (!detail.bool("public") && privateIpv4 === "") {
        privateIpv4 = address;
        privateRdns = rdns(detail);
      } else {
        extraIps.push(address);
      }
    }
  }
  const ipv6Ranges: string[] = [];
  const ipv6 = instance.string("ipv6");
  if (ipv6 !== "") {
    const slaac = ipv6.split("/")[0] ?? "";
    for (const detail of ips.filter((ip) => ip.string("address") === slaac)) {
      publicIpv6 = slaac;
      publicIpv6Rdns = rdns(detail);
    }
    for (const range of ranges.filter((r) => r.string("route_target") === slaac)) ipv6Ranges.push(`${range.string("range")}/${range.int("prefix")}`);
  }
  const specs = instance.struct("specs", "linodego.InstanceSpec");
  const mib = (key: string): string => String(BigInt(specs.int(key)) << 20n);
  const wrapped = (items: readonly string[]): string => `${separator}${items.join(separator)}${separator}`;
  const labels: Record<string, string> = {
    __address__: joinHostPort(publicIpv4, port),
    [`${P}instance_id`]: String(instance.int("id")),
    [`${P}instance_label`]: instance.string("label"),
    [`${P}image`]: instance.string("image"),
    [`${P}private_ipv4`]: privateIpv4,
    [`${P}public_ipv4`]: publicIpv4,
    [`${P}public_ipv6`]: publicIpv6,
    [`${P}private_ipv4_rdns`]: privateRdns,
    [`${P}public_ipv4_rdns`]: publicRdns,
    [`${P}public_ipv6_rdns`]: publicIpv6Rdns,
    [`${P}region`]: instance.string("region"),
    [`${P}type`]: instance.string("type"),
    [`${P}status`]: instance.string("status"),
    [`${P}group`]: instance.string("group"),
    [`${P}gpus`]: String(specs.int("gpus")),
    [`${P}hypervisor`]: instance.string("hypervisor"),
    [`${P}backups`]: instance.struct("backups", "linodego.InstanceBackup").bool("enabled") ? "enabled" : "disabled",
    [`${P}specs_disk_bytes`]: mib("disk"),
    [`${P}specs_memory_bytes`]: mib("memory"),
    [`${P}specs_vcpus`]: String(specs.int("vcpus")),
    [`${P}specs_transfer_bytes`]: mib("transfer"),
  };
  const tags = instance.strings("tags");
  if (tags.length > 0) labels[`${P}tags`] = wrapped(tags);
  if (extraIps.length > 0) labels[`${P}extra_ips`] = wrapped(extraIps);
  if (ipv6Ranges.length > 0) labels[`${P}ipv6_ranges`] = wrapped(ipv6Ranges);
  return labels;
}
