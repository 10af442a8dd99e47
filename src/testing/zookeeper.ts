/**
 * A real Apache ZooKeeper (Debian's `zookeeper` package) for tests: started on a free loopback port with a
 * throwaway data directory, ready when `ruok` answers `imok`, stopped by PID. Restartable on the same port
 * and data, for outage tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
