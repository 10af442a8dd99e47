/**
 * Network namespaces for tests that resolve names: a namespace with nothing but loopback, and programs run
 * inside it with a private mount in which /etc/resolv.conf is the test's own file, so no lookup can reach the
 * machine's resolver or any address beyond loopback (recipe: shared/reference/prometheus-oracle.md).
 * Needs root and iproute2 (installed by scripts/ensure-system-packages.sh); fails loudly otherwise.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

let counter = 0;

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export class Netns {
  private constructor(readonly name: string, readonly dir: string) {}

  /** Creates `promsd-<pid>-<n>` with loopback up. `dir` holds the resolv.conf files it writes. */
  static create(dir: string): Netns {
    if (process.getuid?.() !== 0) throw new Error("network-namespace tests need root (ip netns add)");
    const name = `promsd-${process.pid}-${counter++}`;
    try {
      execFileSync("ip", ["netns", "add", name], { stdio: "pipe" });
      execFileSync("ip", ["netns", "exec", name, "ip", "link", "set", "lo", "up"], { stdio: "pipe" });
    } catch (error) {
      throw new Error(`cannot create network namespace ${name}: ${(error as Error).message}`, { cause: error });
    }
    return new Netns(name, dir);
  }

  /** Starts `command` in the namespace; with `resolvConf`, it sees that text as /etc/resolv.conf. */
  spawn(command: string, args: readonly string[], options: { resolvConf?: string; cwd?: string } = {}): ChildProcess {
    const prefix = ["netns", "exec", this.name];
    if (options.resolvConf === undefined) {
      return spawn("ip", [...prefix, command, ...args], { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    }
    const resolvPath = join(this.dir, `resolv-${counter++}.conf`);
    writeFileSync(resolvPath, options.resolvConf);
    // `exec "$@"` keeps the program's own PID, so tests can stop it by PID.
    const script = 'mount --bind "$0" /etc/resolv.conf && exec "$@"';
    return spawn("ip", [...prefix, "unshare", "--mount", "--propagation", "private", "sh", "-c", script, resolvPath, command, ...args], {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** Runs `command` to completion in the namespace and collects its output. */
  run(command: string, args: readonly string[], options: { resolvConf?: string; cwd?: string; timeoutMs?: number } = {}): Promise<RunResult> {
    const child = this.spawn(command, args, options);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    return new Promise((resolve) => {
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  delete(): void {
    try {
      execFileSync("ip", ["netns", "del", this.name], { stdio: "pipe" });
    } catch {
      // already gone
    }
  }
}
