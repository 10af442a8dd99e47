/**
 * A small ZooKeeper client: one session over one TCP connection at a time, servers tried in turn, pings,
 * watches delivered as events, session expiry detected on reconnect. Requests fail at once while
 * disconnected; the tree cache (./tree-cache.ts) turns that into its failure mode and resyncs, which is
 * simpler and safer than replaying watches (Prometheus's go-zookeeper does SetWatches; the visible outcome,
 * targets kept through outages and corrected after, is the same).
 */
import { connect, type Socket } from "node:net";
import type { Logger } from "../../logging.js";
import { sleep } from "../polling.js";
import { JuteReader, JuteWriter } from "./jute.js";

const OP = { create: 1, delete: 2, exists: 3, getData: 4, setData: 5, ping: 11, getChildren2: 12, closeSession: -11 } as const;
export const ZK_ERROR = { ok: 0, connectionLoss: -4, noNode: -101, nodeExists: -110, notEmpty: -111, sessionExpired: -112 } as const;
export const WATCH_EVENT = { created: 1, deleted: 2, dataChanged: 3, childrenChanged: 4 } as const;
/** Largest reply accepted; ZooKeeper's own jute.maxbuffer default is about 1 MiB. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 1_000;
const RECONNECT_DELAY_MS = 200;

export class ZooKeeperError extends Error {
  override readonly name = "ZooKeeperError";
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export type ZooKeeperEvent =
  | { readonly kind: "watch"; readonly type: number; readonly path: string }
  | { readonly kind: "connected" }
  | { readonly kind: "disconnected" }
  | { readonly kind: "expired" };

export interface ZooKeeperClientOptions {
  /** `host:port` of each ensemble member, tried in this order. */
  readonly servers: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly logger: Logger;
  readonly onEvent: (event: ZooKeeperEvent) => void;
}

interface Pending {
  readonly xid: number;
  readonly resolve: (reader: JuteReader) => void;
  readonly reject: (error: Error) => void;
}

export class ZooKeeperClient {
  readonly #options: ZooKeeperClientOptions;
  #socket: Socket | undefined;
  #isConnected = false;
  #sessionId = 0n;
  #password: Buffer = Buffer.alloc(16);
  #negotiatedTimeoutMs = 0;
  #xid = 1;
  #lastReceivedAt = 0;
  readonly #pending: Pending[] = [];
  #connectedWaiters: (() => void)[] = [];

  constructor(options: ZooKeeperClientOptions) {
    this.#options = options;
  }

  get isConnected(): boolean {
    return this.#isConnected;
  }

  /** The current session's id and password while connected (tests use it to expire the session). */
  get session(): { readonly id: bigint; readonly password: Buffer } | undefined {
    return this.#isConnected ? { id: this.#sessionId, password: Buffer.from(this.#password) } : undefined;
  }

  /** Keeps a session open until `signal` aborts: connects, reconnects, renews an expired session. */
  async run(signal: AbortSignal): Promise<void> {
    let serverIndex = 0;
    while (!signal.aborted) {
      const server = this.#options.servers[serverIndex % this.#options.servers.length] ?? "";
      serverIndex++;
      try {
        await this.#session(server, signal);
      } catch (error) {
        if (!signal.aborted) this.#options.logger.debug({ server, err: (error as Error).message }, "ZooKeeper connection failed");
      }
      if (!(await sleep(RECONNECT_DELAY_MS, signal))) break;
    }
  }

  /** Resolves when connected, false after `timeoutMs`. */
  waitConnected(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    if (this.#isConnected) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.#connectedWaiters = this.#connectedWaiters.filter((w) => w !== onConnected);
        resolve(value);
      };
      const onConnected = () => done(true);
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), timeoutMs);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#connectedWaiters.push(onConnected);
    });
  }

  /** One TCP connection's life: handshake, then requests, replies and pings until it closes. */
  async #session(server: string, signal: AbortSignal): Promise<void> {
    const [host, port] = splitServer(server);
    const socket = await openSocket(host, port, signal);
    this.#socket = socket;
    const frames = readFrames(socket);
    // A server that accepts the connection but never answers (still starting, wedged) must not hold us:
    // like go-zookeeper, give the handshake two thirds of the session timeout.
    const handshakeTimer = setTimeout(() => socket.destroy(new Error("ZooKeeper handshake timed out")), (this.#options.sessionTimeoutMs * 2) / 3);
    try {
      socket.write(new JuteWriter().int(0).long(0n).int(this.#options.sessionTimeoutMs).long(this.#sessionId).buffer(this.#password).bool(false).framed());
      const first = await frames.next().finally(() => clearTimeout(handshakeTimer));
      if (first.done) throw new Error("connection closed during the handshake");
      const reply = new JuteReader(first.value);
      reply.int(); // protocol version
      const timeoutMs = reply.int();
      const sessionId = reply.long();
      const password = reply.buffer() ?? Buffer.alloc(16);
      if (timeoutMs <= 0) {
        // The server no longer knows our session: start a fresh one on the next connection.
        this.#sessionId = 0n;
        this.#password = Buffer.alloc(16);
        this.#options.onEvent({ kind: "expired" });
        return;
      }
      [this.#sessionId, this.#password, this.#negotiatedTimeoutMs] = [sessionId, password, timeoutMs];
      this.#isConnected = true;
      this.#options.onEvent({ kind: "connected" });
      for (const waiter of this.#connectedWaiters.splice(0)) waiter();
      // Ping every third of the session timeout; a connection that has said nothing for two thirds of it is
      // dead (go-zookeeper's read deadline), so drop it and reconnect.
      this.#lastReceivedAt = Date.now();
      const readDeadlineMs = (this.#negotiatedTimeoutMs * 2) / 3;
      const pinger = setInterval(() => {
        if (Date.now() - this.#lastReceivedAt > readDeadlineMs) socket.destroy(new Error("ZooKeeper read timeout"));
        else socket.write(new JuteWriter().int(-2).int(OP.ping).framed());
      }, Math.max(100, this.#negotiatedTimeoutMs / 3));
      const onAbort = () => socket.destroy();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        for await (const frame of frames) this.#dispatch(new JuteReader(frame));
      } finally {
        clearInterval(pinger);
        signal.removeEventListener("abort", onAbort);
      }
    } finally {
      socket.destroy();
      this.#socket = undefined;
      const wasConnected = this.#isConnected;
      this.#isConnected = false;
      for (const pending of this.#pending.splice(0)) pending.reject(new ZooKeeperError(ZK_ERROR.connectionLoss, "connection lost"));
      if (wasConnected) this.#options.onEvent({ kind: "disconnected" });
    }
  }

  #dispatch(reader: JuteReader): void {
    this.#lastReceivedAt = Date.now();
    const xid = reader.int();
    reader.long(); // zxid
    const err = reader.int();
    if (xid === -2) return; // ping reply
    if (xid === -1) {
      const type = reader.int();
      reader.int(); // keeper state
      this.#options.onEvent({ kind: "watch", type, path: reader.string() });
      return;
    }
    // Replies come in request order.
    const pending = this.#pending.shift();
    if (!pending || pending.xid !== xid) {
      this.#socket?.destroy(new Error(`ZooKeeper reply out of order (xid ${xid})`));
      return;
    }
    if (err !== 0) pending.reject(new ZooKeeperError(err, `ZooKeeper error ${err}`));
    else pending.resolve(reader);
  }

  #request(op: number, body: (w: JuteWriter) => JuteWriter): Promise<JuteReader> {
    const socket = this.#socket;
    if (!socket || !this.#isConnected) return Promise.reject(new ZooKeeperError(ZK_ERROR.connectionLoss, "not connected"));
    const xid = this.#xid++;
    return new Promise((resolve, reject) => {
      this.#pending.push({ xid, resolve, reject });
      socket.write(body(new JuteWriter().int(xid).int(op)).framed());
    });
  }

  /** The node's data; with `watch`, a data watch is left on the node (also when it does not exist). */
  async getData(path: string, watch: boolean): Promise<Buffer> {
    const reply = await this.#request(OP.getData, (w) => w.string(path).bool(watch));
    return Buffer.from(reply.buffer() ?? Buffer.alloc(0));
  }

  async getChildren(path: string, watch: boolean): Promise<string[]> {
    const reply = await this.#request(OP.getChildren2, (w) => w.string(path).bool(watch));
    return reply.strings();
  }

  async create(path: string, data: Buffer, options: { ephemeral?: boolean } = {}): Promise<void> {
    // ACL: world:anyone with all permissions (OPEN_ACL_UNSAFE), as test fixtures need.
    await this.#request(OP.create, (w) => w.string(path).buffer(data).int(1).int(31).string("world").string("anyone").int(options.ephemeral ? 1 : 0));
  }

  async setData(path: string, data: Buffer): Promise<void> {
    await this.#request(OP.setData, (w) => w.string(path).buffer(data).int(-1));
  }

  async delete(path: string): Promise<void> {
    await this.#request(OP.delete, (w) => w.string(path).int(-1));
  }

  /** Ends the session politely (ephemeral nodes go away at once); the run loop ends with its signal. */
  async closeSession(): Promise<void> {
    if (!this.#isConnected) return;
    await this.#request(OP.closeSession, (w) => w).catch(() => undefined);
  }
}

function splitServer(server: string): [string, number] {
  const match = /^\[?(.*?)\]?:(\d+)$/.exec(server);
  return match ? [match[1] ?? server, Number(match[2])] : [server, 2181];
}

function openSocket(host: string, port: number, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => fail(new Error("connect timeout")), CONNECT_TIMEOUT_MS);
    const onAbort = () => fail(new Error("aborted"));
    function fail(error: Error) {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.destroy();
      reject(error);
    }
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", fail);
    socket.once("connect", () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      socket.removeListener("error", fail);
      socket.on("error", () => socket.destroy());
      resolve(socket);
    });
  });
}

/** Length-prefixed frames from a socket, bounded in size; ends when the socket closes. */
async function* readFrames(socket: Socket): AsyncGenerator<Buffer> {
  let buffered: Buffer = Buffer.alloc(0);
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    while (buffered.length >= 4) {
      const length = buffered.readInt32BE(0);
      if (length < 0 || length > MAX_FRAME_BYTES) throw new Error(`ZooKeeper frame of ${length} bytes exceeds the ${MAX_FRAME_BYTES}-byte limit`);
      if (buffered.length < 4 + length) break;
      yield buffered.subarray(4, 4 + length);
      buffered = buffered.subarray(4 + length);
    }
  }
}
