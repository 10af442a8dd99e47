/**
 * Running promtool and `promsd sd` inside a loopback-only network namespace while the fakes stay in the
 * test process: for the cloud mechanisms, whose SDKs fall back to metadata addresses (169.254.169.254,
 * metadata.google.internal) or real API hosts when something is unset, so the programs under test must not
 * be able to reach anything but the fakes (prometheus-oracle.md).
 *
 * How the fakes are reached: for every given port P, the test process listens on a Unix socket
 * `<dir>/lo-<P>.sock` that pipes to its own 127.0.0.1:P, and a small forwarder inside the namespace listens on
 * the namespace's 127.0.0.1:P and pipes to that socket (path-named Unix sockets are not per namespace). So a
 * program in the namespace sees the fakes at the same addresses the test sees them, and nothing else.
 * Needs root and iproute2, like ./netns.ts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { Netns } from "./netns.js";

export interface LoopbackNetns {
  /** Prefix for SdProcessOptions.commandPrefix: `ip netns exec <name>`. */
  readonly commandPrefix: readonly string[];
  readonly name: string;
  close(): Promise<void>;
}

// Runs inside the namespace: 127.0.0.1:P → <dir>/lo-P.sock for every port argument.
const FORWARDER = `
const net = require("node:net"), path = require("node:path");
const [dir, ...ports] = process.argv.slice(1);
let listening = 0;
for (const port of ports) {
  net.createServer((client) => {
    const upstream = net.connect(path.join(dir, "lo-" + port + ".sock"));
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  }).listen(Number(port), "127.0.0.1", () => { if (++listening === ports.length) process.stdout.write("ready\\n"); });
}
`;

function pipeTo(port: number, client: Socket, sockets: Set<Socket>): void {
  const upstream = connect(port, "127.0.0.1");
  for (const socket of [client, upstream]) {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  }
  client.pipe(upstream).pipe(client);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
}

/** A fresh loopback-only namespace in which 127.0.0.1:`port` reaches this process's 127.0.0.1:`port`, for each of `ports`. */
export async function openLoopbackNetns(dir: string, ports: readonly number[]): Promise<LoopbackNetns> {
  const sockets = new Set<Socket>();
  const bridges: Server[] = [];
  for (const port of new Set(ports)) {
    const bridge = createServer((client) => pipeTo(port, client, sockets));
    await new Promise<void>((resolve, reject) => bridge.once("error", reject).listen(join(dir, `lo-${port}.sock`), resolve));
    bridges.push(bridge);
  }
  const netns = Netns.create(dir);
  const { NODE_TEST_CONTEXT: _ignored, NODE_OPTIONS: _alsoIgnored, ...env } = process.env;
  const forwarder: ChildProcess = spawn("ip", ["netns", "exec", netns.name, process.execPath, "-e", FORWARDER, dir, ...new Set(ports.map(String))], { env, stdio: ["ignore", "pipe", "pipe"] });
  const close = async (): Promise<void> => {
    forwarder.kill("SIGKILL");
    for (const socket of sockets) socket.destroy();
    await Promise.all(bridges.map((bridge) => new Promise<void>((resolve) => bridge.close(() => resolve()))));
    netns.delete();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = "";
      forwarder.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      forwarder.stdout?.setEncoding("utf8").on("data", (chunk: string) => chunk.includes("ready") && resolve());
      forwarder.once("exit", (code) => reject(new Error(`netns forwarder exited (${code}): ${stderr}`)));
      if (ports.length === 0) resolve();
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { name: netns.name, commandPrefix: ["ip", "netns", "exec", netns.name], close };
}
