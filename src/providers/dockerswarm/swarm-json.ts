/** Small readers shared by the three swarm roles: label maps, service modes and Go's net.ParseCIDR. */
import { isIPv4, isIPv6 } from "node:net";
import { SourceError } from "../../errors.js";
import { sanitizeLabelName } from "../../model/sanitize.js";
import type { GoStruct } from "../../cloud/go-json.js";

export const SWARM_PREFIX = "__meta_dockerswarm_";
export const SWARM_SOURCE = "DockerSwarm";

/** Writes `<prefix><sanitized name>` for every entry of the `Labels` map of `object`. */
export function addLabels(into: Record<string, string>, object: GoStruct, prefix: string): void {
  for (const [name, value] of Object.entries(object.stringMap("Labels"))) into[`${prefix}${sanitizeLabelName(name)}`] = value;
}

/** Prometheus's getServiceValueMode: `global`, `replicated`, or "" (jobs). */
export function serviceMode(service: GoStruct): string {
  const mode = service.struct("Spec", "swarm.ServiceSpec").struct("Mode", "swarm.ServiceMode");
  if (mode.has("Global")) return "global";
  if (mode.has("Replicated")) return "replicated";
  return "";
}

/** The address part of a CIDR as Go's `net.ParseCIDR(s).IP.String()` prints it; SourceError as Prometheus words it. */
export function cidrAddress(cidr: string): string {
  const slash = cidr.indexOf("/");
  const ip = slash < 0 ? "" : cidr.slice(0, slash);
  const bits = slash < 0 ? "" : cidr.slice(slash + 1);
  const maxBits = isIPv4(ip) ? 32 : isIPv6(ip) ? 128 : -1;
  if (maxBits < 0 || !/^[0-9]{1,3}$/.test(bits) || Number(bits) > maxBits) {
    throw new SourceError("PROMSD_SOURCE_DOCKER_BODY", `error while parsing address ${cidr}: invalid CIDR address: ${cidr}`);
  }
  if (maxBits === 32) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  // Go prints an IPv4-mapped address as IPv4, and every other IPv6 address in RFC 5952 form (as WHATWG URLs do).
  return mapped?.[1] ?? new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}
