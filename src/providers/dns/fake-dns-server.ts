/**
 * A scriptable DNS server for unit tests: UDP and TCP on one loopback port, answers from a handler so tests
 * can return NXDOMAIN, SERVFAIL, NODATA or truncated replies and count what was asked over which transport.
 * Real-server behaviour is covered by the dnsmasq integration test.
 */
import { createSocket, type Socket } from "node:dgram";
import { createServer, type Server } from "node:net";
import { RecordType } from "./wire.js";

export type FakeRecord =
  | { type: "A"; address: string }
  | { type: "AAAA"; address: string }
  | { type: "SRV"; target: string; port: number; priority?: number; weight?: number }
  | { type: "MX"; exchange: string; preference?: number }
  | { type: "NS"; host: string }
  | { type: "CNAME"; target: string }
  | { type: "TXT"; text: string };

export interface FakeAnswer {
  rcode?: number;
  records?: FakeRecord[];
  /** Over UDP, answer with TC set and only the first record. */
  truncateUdp?: boolean;
  /** Do not answer at all (the client times out). */
  silent?: boolean;
}

export interface FakeQuery {
  name: string;
  type: number;
  transport: "udp" | "tcp";
  hasEdns: boolean;
}

export interface FakeDnsServer {
  readonly port: number;
  readonly queries: FakeQuery[];
  setHandler(handler: (query: FakeQuery) => FakeAnswer): void;
  close(): Promise<void>;
}

/** Starts a fake on `host` (default 127.0.0.1) and `port` (default: any port free for both UDP and TCP). */
export async function startFakeDnsServer(handler: (query: FakeQuery) => FakeAnswer, options: { host?: string; port?: number } = {}): Promise<FakeDnsServer> {
  const host = options.host ?? "127.0.0.1";
  let current = handler;
  const queries: FakeQuery[] = [];
  for (let attempt = 0; ; attempt++) {
    const udp = createSocket("udp4");
    await new Promise<void>((resolve) => udp.bind(options.port ?? 0, host, resolve));
    const port = udp.address().port;
    const tcp = createServer();
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once("error", () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!listening) {
      udp.close();
      if (attempt > 20 || options.port !== undefined) throw new Error(`could not listen on ${host}:${port} for UDP and TCP`);
      continue;
    }
    wireUdp(udp, (q) => { queries.push(q); return current(q); });
    wireTcp(tcp, (q) => { queries.push(q); return current(q); });
    return {
      port,
      queries,
      setHandler: (next) => { current = next; },
      close: () => closeBoth(udp, tcp),
    };
  }
}

function closeBoth(udp: Socket, tcp: Server): Promise<void> {
  udp.close();
  return new Promise((resolve) => tcp.close(() => resolve()));
}

function wireUdp(udp: Socket, answer: (q: FakeQuery) => FakeAnswer): void {
  udp.on("message", (message, remote) => {
    const query = parseQuery(message, "udp");
    const reply = answer(query);
    if (reply.silent) return;
    const records = reply.truncateUdp ? (reply.records ?? []).slice(0, 1) : reply.records ?? [];
    udp.send(encodeReply(message, reply.rcode ?? 0, records, reply.truncateUdp === true), remote.port, remote.address);
  });
}

function wireTcp(tcp: Server, answer: (q: FakeQuery) => FakeAnswer): void {
  tcp.on("connection", (socket) => {
    let buffered = Buffer.alloc(0);
    socket.on("error", () => socket.destroy());
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 2 || buffered.length < 2 + buffered.readUInt16BE(0)) return;
      const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
      const reply = answer(parseQuery(message, "tcp"));
      if (reply.silent) return;
      const body = encodeReply(message, reply.rcode ?? 0, reply.records ?? [], false);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(body.length, 0);
      socket.end(Buffer.concat([length, body]));
    });
  });
}

function parseQuery(message: Buffer, transport: "udp" | "tcp"): FakeQuery {
  let offset = 12;
  const labels: string[] = [];
  while (message[offset] !== 0) {
    const length = message[offset] as number;
    labels.push(message.subarray(offset + 1, offset + 1 + length).toString("latin1"));
    offset += 1 + length;
  }
  const type = message.readUInt16BE(offset + 1);
  return { name: `${labels.join(".")}.`, type, transport, hasEdns: message.readUInt16BE(10) > 0 };
}

function encodeName(name: string): Buffer {
  const parts = name.split(".").filter((l) => l !== "").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "latin1")]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function encodeReply(query: Buffer, rcode: number, records: readonly FakeRecord[], truncated: boolean): Buffer {
  const questionEnd = 12 + encodedNameLength(query, 12) + 4;
  const header = Buffer.alloc(12);
  header.writeUInt16BE(query.readUInt16BE(0), 0);
  header.writeUInt16BE(0x8000 | 0x0100 | 0x0080 | (truncated ? 0x0200 : 0) | rcode, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(records.length, 6);
  const owner = query.subarray(12, questionEnd - 4);
  const answers = records.map((r) => encodeRecord(owner, r));
  return Buffer.concat([header, query.subarray(12, questionEnd), ...answers]);
}

function encodedNameLength(message: Buffer, start: number): number {
  let offset = start;
  while (message[offset] !== 0) offset += 1 + (message[offset] as number);
  return offset + 1 - start;
}

function encodeRecord(owner: Buffer, record: FakeRecord): Buffer {
  let rdata: Buffer;
  switch (record.type) {
    case "A":
      rdata = Buffer.from(record.address.split(".").map(Number));
      break;
    case "AAAA":
      rdata = ipv6Bytes(record.address);
      break;
    case "SRV": {
      const fixed = Buffer.alloc(6);
      fixed.writeUInt16BE(record.priority ?? 0, 0);
      fixed.writeUInt16BE(record.weight ?? 0, 2);
      fixed.writeUInt16BE(record.port, 4);
      rdata = Buffer.concat([fixed, encodeName(record.target)]);
      break;
    }
    case "MX": {
      const pref = Buffer.alloc(2);
      pref.writeUInt16BE(record.preference ?? 0, 0);
      rdata = Buffer.concat([pref, encodeName(record.exchange)]);
      break;
    }
    case "NS":
      rdata = encodeName(record.host);
      break;
    case "CNAME":
      rdata = encodeName(record.target);
      break;
    case "TXT":
      rdata = Buffer.concat([Buffer.from([record.text.length]), Buffer.from(record.text)]);
      break;
  }
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(record.type === "TXT" ? 16 : RecordType[record.type], 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([owner, fixed, rdata]);
}

function ipv6Bytes(text: string): Buffer {
  const [head = "", tail = ""] = text.split("::");
  const h = head === "" ? [] : head.split(":");
  const t = text.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}
