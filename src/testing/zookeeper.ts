/**
 * A real Apache ZooKeeper (Debian's `zookeeper` package) for tests: started on a free loopback port with a
 * throwaway data directory, ready when `ruok` answers `imok`, stopped by PID. Restartable on the same port
 * and data, for outage tests. `expireSession` ends another client's session from outside, as an ensemble
 * does when a session times out, and `tcpProxy` stands between a client and the server so that tests can cut
 * one route while another stays.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort } from "../daemon/prometheus-process.js";
import { JuteReader, JuteWriter } from "../providers/zookeeper/jute.js";

export const ZOOKEEPER_JAR = "/usr/share/java/zookeeper.jar";

export interface RealZooKeeper {
  readonly address: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startZooKeeper(): Promise<RealZooKeeper> {
  try {
    accessSync(ZOOKEEPER_JAR, constants.R_OK);
  } catch {
    throw new Error(`${ZOOKEEPER_JAR} is missing: install Debian's zookeeper package (npm test does it via scripts/ensure-system-packages.sh)`);
  }
  const dir = await mkdtemp(join(tmpdir(), "promsd-zk-"));
  const port = await freePort();
  const config = join(dir, "zoo.cfg");
  await writeFile(config, [
    `dataDir=${join(dir, "data")}`, `clientPort=${port}`, "clientPortAddress=127.0.0.1", "tickTime=500",
    "admin.enableServer=false", "4lw.commands.whitelist=ruok", "maxSessionTimeout=60000", "",
  ].join("\n"));
  let child: ChildProcess | undefined;
  let log = "";
  const server: RealZooKeeper = {
    address: `127.0.0.1:${port}`,
    async start() {
      child = spawn("java", ["-Xmx256m", "-Dzookeeper.log.dir=" + dir, "-cp", ZOOKEEPER_JAR, "org.apache.zookeeper.server.ZooKeeperServerMain", config], { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout?.setEncoding("utf8").on("data", (c: string) => (log = (log + c).slice(-4000)));
      child.stderr?.setEncoding("utf8").on("data", (c: string) => (log = (log + c).slice(-4000)));
      const deadline = Date.now() + 30_000;
      while ((await ruok(port)) !== "imok") {
        if (child.exitCode !== null) throw new Error(`ZooKeeper exited with ${child.exitCode}:\n${log}`);
        if (Date.now() > deadline) throw new Error(`ZooKeeper did not answer ruok within 30 s:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise((r) => running.once("exit", r));
      running.kill("SIGKILL"); // an abrupt stop, as an outage would be
      await exited;
    },
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function ruok(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let answer = "";
    socket.setTimeout(1000, () => socket.destroy());
    socket.on("connect", () => socket.write("ruok"));
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("close", () => resolve(answer));
    socket.on("error", () => resolve(""));
  });
}

/**
 * Closes the session `id`/`password` from a second connection: attaches to the session and sends
 * closeSession in the same write (so its owner cannot win it back in between). The server then drops the
 * session; its owner's next reconnect is told the session expired. Resolves true once the server confirmed
 * the close, false if the session was already unknown.
 */
export function expireSession(address: string, id: bigint, password: Buffer, timeoutMs = 20_000): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => finish(new Error(`expireSession: no answer from ${address} within ${timeoutMs} ms`)), timeoutMs);
    let buffered = Buffer.alloc(0);
    let isHandshakeDone = false;
    function finish(result: boolean | Error) {
      clearTimeout(timer);
      socket.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    socket.on("connect", () => {
      socket.write(Buffer.concat([
        new JuteWriter().int(0).long(0n).int(10_000).long(id).buffer(password).bool(false).framed(),
        new JuteWriter().int(1).int(-11).framed(), // xid 1, closeSession
      ]));
    });
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        const frame = new JuteReader(buffered.subarray(4, 4 + buffered.readInt32BE(0)));
        buffered = buffered.subarray(4 + buffered.readInt32BE(0));
        if (!isHandshakeDone) {
          isHandshakeDone = true;
          frame.int(); // protocol version
          if (frame.int() <= 0) return finish(false); // negotiated timeout 0: the session is unknown
          continue;
        }
        const xid = frame.int();
        frame.long(); // zxid
        const err = frame.int();
        if (xid === 1) return finish(err === 0 ? true : new Error(`expireSession: closeSession failed with ${err}`));
      }
    });
    socket.on("error", (error) => finish(error));
    socket.on("close", () => finish(new Error("expireSession: connection closed before closeSession was confirmed")));
  });
}

export interface TcpProxy {
  readonly address: string;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Connections currently open. */
  readonly open: number;
  /** Stops listening and cuts every open connection, like a server going away. */
  close(): Promise<void>;
}

/** A loopback TCP proxy to `target` (`host:port`). */
export async function tcpProxy(target: string): Promise<TcpProxy> {
  const cut = target.lastIndexOf(":");
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let accepted = 0;
  const server = createServer((downstream) => {
    accepted++;
    clients.add(downstream);
    downstream.on("close", () => clients.delete(downstream));
    const upstream = connect({ host: target.slice(0, cut), port: Number(target.slice(cut + 1)) });
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => {
        sockets.delete(s);
        downstream.destroy();
        upstream.destroy();
      });
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get open() {
      return clients.size;
    },
    close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      return closed;
    },
  };
}

/** A loopback port nothing listens on (bound, then released); the daemon's helper, under the name tests use. */
export const freePort = freeLoopbackPort;
