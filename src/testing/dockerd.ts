/**
 * A real Docker Engine (Debian's `docker.io`) for the docker and dockerswarm tests. Each call starts its
 * own dockerd in a fresh network namespace that has only loopback (`unshare --net`) and a private mount
 * namespace (its overlay mounts vanish with it), on its own unix socket, data root, exec root and pidfile,
 * with its own managed containerd. Nothing on the machine's network changes: docker0, the user networks
 * and the swarm's overlay networks exist only inside the namespace, and no TCP port is opened outside it.
 *
 * The image is built without pulling: `docker import` of a rootfs holding Debian's static busybox.
 * Stopped by PID: its containers are killed first (a busybox `sleep` as PID 1 ignores SIGTERM, and dockerd
 * would wait each one's 10 s stop timeout), then SIGTERM, then SIGKILL after 20 s.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm, symlink, copyFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

export const DOCKERD_PATH = "/usr/sbin/dockerd";
/** Debian's client, not whatever `docker` comes first on PATH. */
export const DOCKER_CLI_PATH = "/usr/bin/docker";
export const BUSYBOX_PATH = "/usr/bin/busybox";
export const BUSYBOX_IMAGE = "promsd-busybox:test";

const execFileAsync = promisify(execFile);

export interface RealDockerd {
  /** `unix:///tmp/…/docker.sock`, to use as `host`. */
  readonly host: string;
  readonly socketPath: string;
  readonly pid: number;
  /** Runs the docker CLI against this daemon; resolves with its trimmed stdout. */
  docker(...args: string[]): Promise<string>;
  close(): Promise<void>;
}

function requireExecutable(path: string, pkg: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} is missing: install Debian's ${pkg} package (npm test does it via scripts/ensure-system-packages.sh)`);
  }
}

/** Starts dockerd, waits until it answers, and imports the busybox image. Call `close()` in `t.after`. */
export async function startDockerd(): Promise<RealDockerd> {
  requireExecutable(DOCKERD_PATH, "docker.io");
  requireExecutable(DOCKER_CLI_PATH, "docker.io");
  requireExecutable(BUSYBOX_PATH, "busybox-static");
  // Short: a unix socket path must stay under 108 bytes.
  const dir = await mkdtemp("/tmp/pdk-");
  const socketPath = join(dir, "docker.sock");
  const args = [
    `-H`, `unix://${socketPath}`, `--data-root`, join(dir, "data"), `--exec-root`, join(dir, "exec"), `--pidfile`, join(dir, "docker.pid"),
    `--containerd-namespace`, "promsd", `--containerd-plugins-namespace`, "promsd-plugins", `--shutdown-timeout`, "1", `--log-level`, "warn",
  ];
  const child: ChildProcess = spawn("unshare", ["--net", "--mount", "--propagation", "private", "sh", "-c", `ip link set lo up && exec ${DOCKERD_PATH} "$@"`, "dockerd", ...args], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (log = (log + chunk).slice(-4000)));
  const docker = async (...cli: string[]): Promise<string> => {
    try {
      const { stdout } = await execFileAsync(DOCKER_CLI_PATH, ["-H", `unix://${socketPath}`, ...cli], { maxBuffer: 16 * 1024 * 1024 });
      return stdout.trim();
    } catch (error) {
      const stderr = typeof error === "object" && error !== null && "stderr" in error ? String(error.stderr) : "";
      throw new Error(`docker ${cli.join(" ")} failed: ${stderr || String(error)}`, { cause: error });
    }
  };
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // dockerd would give each container its 10 s stop timeout on shutdown: SIGKILL them first.
      const running = (await docker("ps", "-q").catch(() => "")).split("\n").filter((id) => id !== "");
      if (running.length > 0) await docker("kill", ...running).catch(() => "");
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`dockerd exited with ${child.exitCode}:\n${log}`);
      if (await docker("version", "--format", "{{.Server.APIVersion}}").then(() => true, () => false)) break;
      if (Date.now() > deadline) throw new Error(`dockerd did not answer within 30 s:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await importBusybox(dir, socketPath);
  } catch (error) {
    await close();
    throw error;
  }
  return { host: `unix://${socketPath}`, socketPath, pid: child.pid ?? 0, docker, close };
}

/** `docker import` of a rootfs that is busybox and its applet links: an image without any registry. */
async function importBusybox(dir: string, socketPath: string): Promise<void> {
  const rootfs = join(dir, "rootfs");
  await mkdir(join(rootfs, "bin"), { recursive: true });
  await copyFile(BUSYBOX_PATH, join(rootfs, "bin", "busybox"));
  for (const applet of ["sh", "sleep", "httpd"]) await symlink("busybox", join(rootfs, "bin", applet));
  await new Promise<void>((resolve, reject) => {
    const tar = spawn("tar", ["-C", rootfs, "-c", "."], { stdio: ["ignore", "pipe", "inherit"] });
    const load = spawn(DOCKER_CLI_PATH, ["-H", `unix://${socketPath}`, "import", "-", BUSYBOX_IMAGE], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    load.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    tar.stdout?.pipe(load.stdin ?? process.stdout);
    load.once("error", reject);
    load.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`docker import failed (${code}): ${stderr}`))));
  });
}
