/**
 * A stub resolver with Prometheus's exact outcome rules (spec dns.md 2.4-2.5): servers tried in order over
 * UDP with EDNS0 (4096), TCP retry without EDNS0 on truncation, NOERROR/NXDOMAIN are the only viable
 * rcodes, search-list candidates combined so that "all NXDOMAIN" means "no targets" while any failure keeps
 * the old targets. Node's dns module cannot be used: it hides rcodes and the search-list outcome.
 */
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";
import { connect } from "node:net";
import { randomInt } from "node:crypto";
import type { Logger } from "../../logging.js";
import { candidateNames, type ResolverConfig } from "./resolv-conf.js";
import { decodeReply, encodeQuery, Rcode, type DnsRecord, type DnsReply, type QueryType } from "./wire.js";

/** Per-exchange limits, as Go's dns.Client defaults: 2 s to connect, write and read. */
const EXCHANGE_TIMEOUT_MS = 2_000;
/** Largest reply we accept: UDP payload we advertise, TCP length prefix maximum. */
const MAX_UDP_REPLY = 4096;
const MAX_TCP_REPLY = 65_535;

export interface ResolverOptions {
  /** DNS server port; always 53 in Prometheus, configurable here only for tests. */
  readonly port: number;
  readonly logger: Logger;
}

export class LookupError extends Error {
  override readonly name = "LookupError";
}

/** Resolves `name`: the answer records, `[]` when every candidate was NXDOMAIN, or throws LookupError. */
export async function lookupWithSearchPath(
  name: string,
  type: QueryType,
  config: ResolverConfig,
  options: ResolverOptions,
  signal: AbortSignal,
): Promise<readonly DnsRecord[]> {
  let allNxdomain = true;
  for (const candidate of candidateNames(name, config)) {
    let reply: DnsReply;
    try {
      reply = await lookupFromAnyServer(candidate, type, config, options, signal);
    } catch (error) {
      if (signal.aborted) throw error;
      allNxdomain = false;
      continue;
    }
    // The first NOERROR ends the search even with an empty answer (NODATA); NXDOMAIN tries the next name.
    if (reply.rcode === Rcode.NOERROR) return reply.answers;
  }
  if (allNxdomain) return [];
  throw new LookupError(`could not resolve "${name}": all servers responded with errors to at least one search domain`);
}

async function lookupFromAnyServer(
  candidate: string,
  type: QueryType,
  config: ResolverConfig,
  options: ResolverOptions,
  signal: AbortSignal,
): Promise<DnsReply> {
  const transport = { useTcp: false }; // shared across servers: once TCP, the rest of this candidate uses TCP
  for (const server of config.servers) {
    try {
      const reply = await askServer(candidate, type, server, options.port, transport, true, signal);
      if (reply.rcode === Rcode.NOERROR || reply.rcode === Rcode.NXDOMAIN) return reply;
    } catch (error) {
      if (signal.aborted) throw error;
      options.logger.warn({ server, name: candidate, err: (error as Error).message }, "DNS resolution failed");
    }
  }
  throw new LookupError(`could not resolve ${candidate}: no servers returned a viable answer`);
}

async function askServer(
  candidate: string,
  type: QueryType,
  server: string,
  port: number,
  transport: { useTcp: boolean },
  withEdns: boolean,
  signal: AbortSignal,
): Promise<DnsReply> {
  const id = randomInt(0, 0x10000);
  const query = encodeQuery(id, candidate, type, withEdns);
  const raw = transport.useTcp ? await exchangeTcp(query, server, port, signal) : await exchangeUdp(query, id, server, port, signal);
  const reply = decodeReply(raw);
  if (reply.id !== id) throw new LookupError("dns: id mismatch");
  if (!reply.isTruncated) return reply;
  if (transport.useTcp) throw new LookupError("got truncated message on TCP (64kiB limit exceeded?)");
  transport.useTcp = true;
  return askServer(candidate, type, server, port, transport, false, signal);
}

function withTimeout(signal: AbortSignal): AbortSignal {
  return AbortSignal.any([signal, AbortSignal.timeout(EXCHANGE_TIMEOUT_MS)]);
}

function exchangeUdp(query: Buffer, id: number, server: string, port: number, parent: AbortSignal): Promise<Buffer> {
  const signal = withTimeout(parent);
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server) ? "udp6" : "udp4");
    const finish = (error: Error | undefined, reply?: Buffer) => {
      signal.removeEventListener("abort", onAbort);
      socket.close();
      if (error) reject(error);
      else resolve(reply as Buffer);
    };
    const onAbort = () => finish(new LookupError(parent.aborted ? "aborted" : "i/o timeout"));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("error", (error) => finish(error));
    socket.on("message", (message) => {
      // Ignore stray datagrams with another id, as Go's client does; wait for ours until the deadline.
      if (message.length >= 2 && message.readUInt16BE(0) !== id) return;
      finish(undefined, message.subarray(0, MAX_UDP_REPLY));
    });
    socket.send(query, port, server, (error) => {
      if (error) finish(error);
    });
  });
}

function exchangeTcp(query: Buffer, server: string, port: number, parent: AbortSignal): Promise<Buffer> {
  const signal = withTimeout(parent);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server, port });
    let received = Buffer.alloc(0);
    const finish = (error: Error | undefined, reply?: Buffer) => {
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(reply as Buffer);
    };
    const onAbort = () => finish(new LookupError(parent.aborted ? "aborted" : "i/o timeout"));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("error", (error) => finish(error));
    socket.on("connect", () => {
      const length = Buffer.alloc(2);
      length.writeUInt16BE(query.length, 0);
      socket.write(Buffer.concat([length, query]));
    });
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length > 2 + MAX_TCP_REPLY) return finish(new LookupError("reply larger than 64 KiB"));
      if (received.length < 2) return;
      const size = received.readUInt16BE(0);
      if (received.length >= 2 + size) finish(undefined, received.subarray(2, 2 + size));
    });
    socket.on("end", () => finish(new LookupError("connection closed before a complete reply")));
  });
}
