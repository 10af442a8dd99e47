/**
 * Runs one command and measures it: wall time, user + system CPU seconds and peak RSS. When GNU time is
 * installed (bench/setup.sh installs Debian's `time`), CPU and the single-process peak come from wait4's
 * rusage, which is exact; a /proc sampler runs alongside in every case and adds the summed RSS of the whole
 * process tree. Without GNU time the sampler's figures are used and the result says so.
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTreeSampler } from "./proc-sampler.js";

export const GNU_TIME_PATH = "/usr/bin/time";

/** What to run. stdout goes to a file (benchmarks print hundreds of megabytes), stderr is kept in memory. */
export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Where the command's stdout is written; discarded when absent. */
  readonly stdoutPath?: string;
  /** The command's process group is killed after this long; the bench must stop by itself. */
  readonly killAfterMs?: number;
}

export interface Measurement {
  readonly wallSeconds: number;
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  /** user + system */
  readonly cpuSeconds: number;
  /** max(peak RSS of the largest single process, peak of the tree's summed RSS as sampled) */
  readonly peakRssBytes: number;
  readonly exitCode: number | null;
  readonly stderr: string;
  /** "gnu-time" when CPU figures are exact, "proc-sampler" when they are a sampled lower bound. */
  readonly method: "gnu-time" | "proc-sampler";
  readonly killed: boolean;
}

/** True when `path` is GNU time (Debian's `time` package), which understands `-f` and `-o`. */
export function hasGnuTime(path = GNU_TIME_PATH): boolean {
  return existsSync(path);
}

/** Parses the `%e %U %S %M` line GNU time writes with `-f`; %M is in kilobytes. */
export function parseGnuTimeLine(text: string): { wall: number; user: number; system: number; maxRssBytes: number } {
  const lines = text.trim().split("\n");
  // When the command is killed by a signal GNU time first writes "Command terminated by signal N".
  const fields = (lines[lines.length - 1] ?? "").trim().split(/\s+/).map(Number);
  const [wall, user, system, maxRssKb] = fields;
  if (fields.length !== 4 || fields.some((f) => !Number.isFinite(f)) || maxRssKb === undefined) {
    throw new Error(`unexpected GNU time output: ${JSON.stringify(text)}`);
  }
  return { wall: wall as number, user: user as number, system: system as number, maxRssBytes: maxRssKb * 1024 };
}

/** Runs `spec` once and measures it. Resolves when the command has exited, whatever its exit code. */
export async function measureCommand(spec: CommandSpec): Promise<Measurement> {
  const useGnuTime = hasGnuTime();
  const scratch = mkdtempSync(join(tmpdir(), "promsd-bench-"));
  const timeFile = join(scratch, "time.txt");
  const [command, args] = useGnuTime
    ? [GNU_TIME_PATH, ["-f", "%e %U %S %M", "-o", timeFile, "--", spec.command, ...spec.args]]
    : [spec.command, [...spec.args]];
  const stdoutFd = openSync(spec.stdoutPath ?? "/dev/null", "w");
  try {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ["ignore", stdoutFd, "pipe"],
      detached: true, // its own process group, so a kill reaches the command behind GNU time too
    });
    const sampler = startTreeSampler(child.pid ?? -1);
    const stderrChunks: Buffer[] = [];
    child.stderr?.on("data", (chunk: Buffer) => stderrChunks.push(chunk));
    let killed = false;
    const killer = spec.killAfterMs === undefined ? undefined : setTimeout(() => {
      killed = true;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, spec.killAfterMs);
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code) => resolve(code));
    });
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearTimeout(killer);
    const tree = sampler.stop();
    const stderr = Buffer.concat(stderrChunks).toString("utf8");
    // A killed run takes GNU time down with it, leaving its file empty: the sampler's figures stand in.
    const timeText = useGnuTime && existsSync(timeFile) ? readFileSync(timeFile, "utf8") : "";
    if (timeText.trim() !== "") {
      const t = parseGnuTimeLine(timeText);
      return {
        wallSeconds, cpuUserSeconds: t.user, cpuSystemSeconds: t.system, cpuSeconds: t.user + t.system,
        peakRssBytes: Math.max(t.maxRssBytes, tree.peakTreeRssBytes), exitCode, stderr, method: "gnu-time", killed,
      };
    }
    return {
      wallSeconds, cpuUserSeconds: tree.cpuSecondsLowerBound, cpuSystemSeconds: 0,
      cpuSeconds: tree.cpuSecondsLowerBound,
      peakRssBytes: Math.max(tree.peakProcessHwmBytes, tree.peakTreeRssBytes),
      exitCode, stderr, method: "proc-sampler", killed,
    };
  } finally {
    closeSync(stdoutFd);
    rmSync(scratch, { recursive: true, force: true });
  }
}
