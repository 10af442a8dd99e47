/**
 * DNS wire format (RFC 1035, EDNS0 RFC 6891): just what dns_sd needs — build one query, parse a reply's
 * header and answer section. Names are rendered the way Go's miekg/dns prints them (trailing dot, `\.`
 * and `\DDD` escapes), because Prometheus copies that text into `__meta_dns_*` labels.
 */

export const RecordType = { A: 1, NS: 2, CNAME: 5, MX: 15, AAAA: 28, SRV: 33, OPT: 41 } as const;
export type QueryType = "SRV" | "A" | "AAAA" | "MX" | "NS";

export const Rcode = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3 } as const;

export type DnsRecord =
  | { readonly kind: "A"; readonly address: string }
  | { readonly kind: "AAAA"; readonly address: string }
  | { readonly kind: "SRV"; readonly target: string; readonly port: number }
  | { readonly kind: "MX"; readonly exchange: string }
  | { readonly kind: "NS"; readonly host: string }
  | { readonly kind: "CNAME" }
  | { readonly kind: "other"; readonly type: number };

export interface DnsReply {
  readonly id: number;
  readonly isTruncated: boolean;
  readonly rcode: number;
  readonly answers: readonly DnsRecord[];
}

export class MalformedReplyError extends Error {
  override readonly name = "MalformedReplyError";
}

/** Encodes one question with recursion desired, optionally with an EDNS0 OPT record (UDP size 4096, DO clear). */
export function encodeQuery(id: number, name: string, type: QueryType, withEdns: boolean): Buffer {
  const qname = encodeName(name);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4); // QDCOUNT
  header.writeUInt16BE(withEdns ? 1 : 0, 10); // ARCOUNT
  const question = Buffer.alloc(4);
  question.writeUInt16BE(RecordType[type], 0);
  question.writeUInt16BE(1, 2); // class IN
  const parts = [header, qname, question];
  if (withEdns) {
    const opt = Buffer.alloc(11);
    opt.writeUInt8(0, 0); // root name
    opt.writeUInt16BE(RecordType.OPT, 1);
    opt.writeUInt16BE(4096, 3); // UDP payload size
    opt.writeUInt32BE(0, 5); // extended rcode, version, flags (DO clear)
    opt.writeUInt16BE(0, 9); // RDLENGTH
    parts.push(opt);
  }
  return Buffer.concat(parts);
}

function encodeName(name: string): Buffer {
  const labels = splitLabels(name);
  const parts: Buffer[] = [];
  for (const label of labels) {
    if (label.length > 63) throw new Error(`DNS label too long in ${JSON.stringify(name)}`);
    parts.push(Buffer.from([label.length]), label);
  }
  parts.push(Buffer.from([0]));
  const encoded = Buffer.concat(parts);
  if (encoded.length > 255) throw new Error(`DNS name too long: ${JSON.stringify(name)}`);
  return encoded;
}

/** Splits presentation text into wire labels, honouring `\.` and `\DDD` escapes. */
function splitLabels(name: string): Buffer[] {
  const labels: Buffer[] = [];
  let current: number[] = [];
  const bytes = Buffer.from(name, "utf8");
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x5c /* \ */ && i + 1 < bytes.length) {
      const d = bytes.subarray(i + 1, i + 4).toString("latin1");
      if (/^[0-9]{3}$/.test(d)) {
        current.push(Number(d) & 0xff);
        i += 3;
      } else {
        current.push(bytes[i + 1] as number);
        i += 1;
      }
    } else if (b === 0x2e /* . */) {
      if (current.length > 0) labels.push(Buffer.from(current));
      current = [];
    } else {
      current.push(b);
    }
  }
  if (current.length > 0) labels.push(Buffer.from(current));
  return labels;
}

/** Parses a reply: header flags, rcode and the answer section. Throws MalformedReplyError. */
export function decodeReply(message: Buffer): DnsReply {
  if (message.length < 12) throw new MalformedReplyError("reply shorter than a DNS header");
  const id = message.readUInt16BE(0);
  const flags = message.readUInt16BE(2);
  if ((flags & 0x8000) === 0) throw new MalformedReplyError("not a reply (QR bit clear)");
  const qdcount = message.readUInt16BE(4);
  const ancount = message.readUInt16BE(6);
  let offset = 12;
  for (let i = 0; i < qdcount; i++) offset = readName(message, offset).next + 4;
  const answers: DnsRecord[] = [];
  for (let i = 0; i < ancount; i++) {
    const owner = readName(message, offset);
    offset = owner.next;
    if (offset + 10 > message.length) throw new MalformedReplyError("truncated resource record");
    const type = message.readUInt16BE(offset);
    const rdlength = message.readUInt16BE(offset + 8);
    const rdata = offset + 10;
    offset = rdata + rdlength;
    if (offset > message.length) throw new MalformedReplyError("resource record data past the end");
    answers.push(decodeRecord(message, type, rdata, rdlength));
  }
  return { id, isTruncated: (flags & 0x0200) !== 0, rcode: flags & 0x000f, answers };
}

function decodeRecord(message: Buffer, type: number, at: number, length: number): DnsRecord {
  switch (type) {
    case RecordType.A:
      if (length !== 4) throw new MalformedReplyError("bad A record length");
      return { kind: "A", address: [...message.subarray(at, at + 4)].join(".") };
    case RecordType.AAAA:
      if (length !== 16) throw new MalformedReplyError("bad AAAA record length");
      return { kind: "AAAA", address: formatIpv6(message.subarray(at, at + 16)) };
    case RecordType.SRV:
      if (length < 7) throw new MalformedReplyError("bad SRV record length");
      return { kind: "SRV", port: message.readUInt16BE(at + 4), target: readName(message, at + 6).text };
    case RecordType.MX:
      if (length < 3) throw new MalformedReplyError("bad MX record length");
      return { kind: "MX", exchange: readName(message, at + 2).text };
    case RecordType.NS:
      return { kind: "NS", host: readName(message, at).text };
    case RecordType.CNAME:
      return { kind: "CNAME" };
    default:
      return { kind: "other", type };
  }
}

/** Reads a possibly compressed name; returns its presentation text and the offset after it. */
function readName(message: Buffer, start: number): { text: string; next: number } {
  let offset = start;
  let next = -1;
  let text = "";
  for (let jumps = 0; ; ) {
    if (offset >= message.length) throw new MalformedReplyError("name past the end of the reply");
    const length = message[offset] as number;
    if (length === 0) {
      if (next < 0) next = offset + 1;
      break;
    }
    if ((length & 0xc0) === 0xc0) {
      if (offset + 1 >= message.length) throw new MalformedReplyError("truncated compression pointer");
      if (++jumps > 64) throw new MalformedReplyError("compression pointer loop");
      if (next < 0) next = offset + 2;
      offset = ((length & 0x3f) << 8) | (message[offset + 1] as number);
      continue;
    }
    if ((length & 0xc0) !== 0) throw new MalformedReplyError("unsupported label type");
    if (offset + 1 + length > message.length) throw new MalformedReplyError("label past the end");
    text += escapeLabel(message.subarray(offset + 1, offset + 1 + length)) + ".";
    offset += 1 + length;
  }
  return { text: text === "" ? "." : text, next };
}

const NEEDS_BACKSLASH = new Set([0x2e, 0x5c, 0x20, 0x22, 0x28, 0x29, 0x3b, 0x40, 0x24]); // . \ space " ( ) ; @ $

function escapeLabel(label: Buffer): string {
  let out = "";
  for (const b of label) {
    if (NEEDS_BACKSLASH.has(b)) out += `\\${String.fromCharCode(b)}`;
    else if (b < 0x21 || b > 0x7e) out += `\\${b.toString().padStart(3, "0")}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/**
 * RFC 5952 text for 16 address bytes, as Go's net.IP.String prints it: IPv4-mapped addresses become dotted
 * IPv4 (spec common.md 3), the longest run of two or more zero groups is compressed.
 */
export function formatIpv6(bytes: Uint8Array): string {
  const isMapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return [...bytes.subarray(12, 16)].join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}
