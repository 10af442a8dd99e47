/**
 * Prometheus's `parseIPList` for the `/ips` answers of a VPS or dedicated server: each entry is an address
 * or a prefix; a prefix counts only when it is exactly `/32` (so `2001:db8::1/64` is skipped, and an IPv6
 * `/32` network address is taken), unspecified addresses are dropped, any unparsable entry fails the whole
 * list, and an empty result is an error too. Addresses print as Go's netip.Addr.String() does.
 */
import { isIP } from "node:net";

export class IpListError extends Error {
  constructor() {
    super("could not parse IP addresses from list");
  }
}

export interface ParsedIp {
  readonly text: string;
  readonly isV4: boolean;
}

/** Go's netip.ParseAddr + String(): undefined when `text` is not an address. */
export function parseGoAddr(text: string): ParsedIp | undefined {
  if (isIP(text) === 4) return /(^|\.)0\d/.test(text) ? undefined : { text, isV4: true };
  const percent = text.indexOf("%");
  const bare = percent === -1 ? text : text.slice(0, percent);
  const zone = percent === -1 ? "" : text.slice(percent);
  if (zone === "%" || isIP(bare) !== 6) return undefined;
  return { text: formatIpv6(bare) + zone, isV4: false };
}

/** RFC 5952 text, except that an IPv4-mapped address keeps its dotted tail (`::ffff:1.2.3.4`), as Go prints it. */
function formatIpv6(address: string): string {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return canonical;
  const high = parseInt(mapped[1] ?? "0", 16);
  const low = parseInt(mapped[2] ?? "0", 16);
  return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

function isUnspecified(ip: ParsedIp): boolean {
  return ip.text === "0.0.0.0" || ip.text === "::";
}

/** One entry: an address, a `/32` prefix's address, `null` for a prefix to skip; throws when unparsable. */
function parseEntry(entry: string): ParsedIp | null {
  const ip = parseGoAddr(entry);
  if (ip) return ip;
  const slash = entry.lastIndexOf("/");
  const prefixAddress = slash === -1 ? undefined : parseGoAddr(entry.slice(0, slash));
  const bitsText = entry.slice(slash + 1);
  const bits = /^(0|[1-9]\d{0,2})$/.test(bitsText) ? Number(bitsText) : NaN;
  if (!prefixAddress || entry.includes("%") || !(bits <= (prefixAddress.isV4 ? 32 : 128))) throw new IpListError();
  return bits === 32 ? prefixAddress : null;
}

export function parseIpList(entries: readonly string[]): ParsedIp[] {
  const addresses: ParsedIp[] = [];
  for (const entry of entries) {
    const ip = parseEntry(entry);
    if (ip && !isUnspecified(ip)) addresses.push(ip);
  }
  if (addresses.length === 0) throw new IpListError();
  return addresses;
}

/** The last IPv4 and the last IPv6 of the list ("" when none), as Prometheus picks them. */
export function pickAddresses(ips: readonly ParsedIp[]): { ipv4: string; ipv6: string } {
  let ipv4 = "";
  let ipv6 = "";
  for (const ip of ips) {
    if (ip.isV4) ipv4 = ip.text;
    else ipv6 = ip.text;
  }
  return { ipv4, ipv6 };
}
