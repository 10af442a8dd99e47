/**
 * Go's `net.ParseIP`, `net.IP.String` and `net.ParseCIDR` / `IPNet.String`, for the cloud SDKs that parse
 * addresses before Prometheus prints them (hcloud-go, linodego): an address comes out normalised
 * (`2001:0DB8::0001` → `2001:db8::1`, `::ffff:1.2.3.4` → `1.2.3.4`), and an unparsable or missing one
 * prints as Go prints a nil IP, `<nil>`.
 */

/** Go's text for a nil `net.IP` or `*net.IPNet`. */
export const GO_NIL = "<nil>";

function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    // Go 1.17+ rejects leading zeros (they would be octal elsewhere).
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith("0"))) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIpv6(text: string): number[] | undefined {
  let head = text;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) is two more hex groups.
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    head = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    for (const group of part.split(":")) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const left = groups(halves[0] ?? "");
  const right = halves.length === 2 ? groups(halves[1] ?? "") : [];
  if (left === undefined || right === undefined) return undefined;
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...right];
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

/** Go's `net.ParseIP`: 16 bytes (IPv4 as v4-in-v6), or undefined for text Go rejects. */
export function parseGoIp(text: string): number[] | undefined {
  if (text.includes(":")) return parseIpv6(text);
  const v4 = parseIpv4(text);
  return v4 && [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4];
}

function isV4Mapped(bytes: readonly number[]): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Go's `net.IP.String` for the bytes of parseGoIp. */
export function goIpBytesToString(bytes: readonly number[]): string {
  if (isV4Mapped(bytes)) return bytes.slice(12).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** `net.ParseIP(text).String()`: normalised, or `<nil>` when Go cannot parse it. */
export function goIpString(text: string): string {
  const bytes = parseGoIp(text);
  return bytes === undefined ? GO_NIL : goIpBytesToString(bytes);
}

/** `net.ParseCIDR(text)` → the network's `IPNet.String()` (address masked), or undefined when Go rejects it. */
export function goCidrNetwork(text: string): string | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const address = text.slice(0, slash);
  const bits = text.slice(slash + 1);
  const bytes = parseGoIp(address);
  const isV4 = !address.includes(":");
  const width = isV4 ? 32 : 128;
  if (bytes === undefined || !/^\d{1,3}$/.test(bits) || (bits.length > 1 && bits.startsWith("0")) || Number(bits) > width) return undefined;
  const prefix = Number(bits);
  const offset = isV4 ? 12 : 0;
  const masked = bytes.map((b, i) => {
    if (i < offset) return b;
    const bitIndex = (i - offset) * 8;
    const keep = Math.max(0, Math.min(8, prefix - bitIndex));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  const shown = isV4 ? masked.slice(12).join(".") : goIpBytesToString(masked);
  return `${shown}/${prefix}`;
}
