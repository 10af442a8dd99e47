/**
 * The real daemon as users run it (`node dist/cli/main.js run …`), as a child process of the bench:
 * listening on a free loopback port, found from the "web UI at <url>/" line it prints on stdout.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface DaemonProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
}

export interface DaemonOptions {
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly nodeFlags: readonly string[];
  /** More `promsd run` flags. */
  readonly flags: readonly string[];
  readonly startTimeoutMs: number;
}

/** Starts the daemon and resolves once it listens; the child is killed when it does not in time. */
export async function startDaemon(options: DaemonOptions): Promise<DaemonProcess> {
  const args = [...options.nodeFlags, CLI, "run", `--config.file=${options.configFile}`, "--web.listen-address=127.0.0.1:0", "--log.level=warn", ...options.flags];
  const child = spawn(process.execPath, args, { env: options.env, stdio: ["ignore", "pipe", "inherit"] });
  if (child.pid === undefined) throw new Error("promsd run did not start");
  const pid = child.pid;
  try {
    return { child, pid, url: await listeningUrl(child, options.startTimeoutMs) };
  } catch (error) {
    await stopDaemon({ child, pid, url: "" }, 1000);
    throw error;
  }
}

function listeningUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => finish(new Error(`promsd run printed no URL within ${timeoutMs / 1000} s`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      stdout += chunk.toString("utf8");
      const url = /web UI at (http:\/\/[^/\s]+)\//.exec(stdout)?.[1];
      if (url !== undefined) finish(undefined, url);
    };
    const onExit = (code: number | null): void => finish(new Error(`promsd run exited (${code}) before listening`));
    const finish = (error: Error | undefined, url?: string): void => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      child.stdout?.resume(); // keep draining later output so the daemon never blocks on a full pipe
      if (url === undefined) reject(error);
      else resolve(url);
    };
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
  });
}

/** SIGTERM (graceful shutdown), then SIGKILL by PID after `graceMs`. */
export async function stopDaemon(daemon: DaemonProcess, graceMs: number): Promise<void> {
  const { child, pid } = daemon;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(pid, "SIGTERM");
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
  if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
}
