/**
 * Samples a process tree through Linux /proc while it runs: the summed resident set of every live process in
 * the tree (its peak over all samples) and the CPU time the tree has used so far. GNU time (wait4's rusage)
 * gives exact figures for one process; this sampler covers trees (a wrapper and its child, worker processes)
 * and is the fallback when GNU time is missing. Its CPU figure misses the last sampling interval, so it is a
 * lower bound; its RSS figure misses peaks shorter than the interval.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Linux's USER_HZ: /proc/<pid>/stat reports CPU time in these ticks (100 on every mainstream arch). */
const CLOCK_TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat we need. */
export interface ProcStat {
  readonly pid: number;
  readonly parentPid: number;
  /** user + system CPU seconds of the process itself (its threads included, its children not). */
  readonly cpuSeconds: number;
}

/**
 * Parses one /proc/<pid>/stat line. The command name (field 2) is in parentheses and may itself contain
 * spaces and parentheses, so fields are counted from the last ")".
 */
export function parseProcStat(line: string): ProcStat {
  const close = line.lastIndexOf(")");
  const head = line.slice(0, line.indexOf(" "));
  // After ")": state(3) ppid(4) … utime(14) stime(15); rest[0] is field 3.
  const rest = line.slice(close + 2).split(" ");
  const field = (n: number): number => Number(rest[n - 3]);
  return {
    pid: Number(head),
    parentPid: field(4),
    cpuSeconds: (field(14) + field(15)) / CLOCK_TICKS_PER_SECOND,
  };
}

/** Reads a `Key:   123 kB` line of /proc/<pid>/status in bytes; 0 when absent (kernel threads, zombies). */
export function parseStatusKilobytes(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, "m").exec(status);
  return match?.[1] === undefined ? 0 : Number(match[1]) * 1024;
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return ""; // the process exited between listing and reading: it simply no longer counts
  }
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const line = readOrEmpty(`/proc/${name}/stat`);
    if (line !== "") stats.push(parseProcStat(line));
  }
  return stats;
}

/** The pids of `rootPid` and all its descendants, from a snapshot of parent links. */
export function treePids(rootPid: number, stats: readonly ProcStat[]): number[] {
  const children = new Map<number, number[]>();
  for (const s of stats) children.set(s.parentPid, [...(children.get(s.parentPid) ?? []), s.pid]);
  const pids: number[] = [];
  const queue = stats.some((s) => s.pid === rootPid) ? [rootPid] : [];
  while (queue.length > 0) {
    const pid = queue.shift() as number; // length checked above
    pids.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return pids;
}

/** What the sampler saw over the life of a tree. */
export interface TreeUsage {
  /** Highest sum of VmRSS over the live processes of the tree at one sample. */
  readonly peakTreeRssBytes: number;
  /** Highest VmHWM (the kernel's own per-process peak) of any single process in the tree. */
  readonly peakProcessHwmBytes: number;
  /**
   * Sum over every process seen in the tree of its own CPU seconds at its last sample: a lower bound (the
   * final interval and processes that lived less than one interval are not seen).
   */
  readonly cpuSecondsLowerBound: number;
  readonly samples: number;
}

/** Samples the tree under `rootPid` every `intervalMs` until `stop()` is called. */
export function startTreeSampler(rootPid: number, intervalMs = 20): { stop(): TreeUsage } {
  let peakTreeRssBytes = 0;
  let peakProcessHwmBytes = 0;
  let cpuSecondsLowerBound = 0;
  let samples = 0;
  const cpuByPid = new Map<number, number>();
  const sample = (): void => {
    const stats = allStats();
    const byPid = new Map(stats.map((s) => [s.pid, s]));
    let treeRss = 0;
    for (const pid of treePids(rootPid, stats)) {
      const status = readOrEmpty(`/proc/${pid}/status`);
      treeRss += parseStatusKilobytes(status, "VmRSS");
      peakProcessHwmBytes = Math.max(peakProcessHwmBytes, parseStatusKilobytes(status, "VmHWM"));
      const cpuSeconds = byPid.get(pid)?.cpuSeconds;
      if (cpuSeconds !== undefined) cpuByPid.set(pid, cpuSeconds);
    }
    peakTreeRssBytes = Math.max(peakTreeRssBytes, treeRss);
    cpuSecondsLowerBound = [...cpuByPid.values()].reduce((a, b) => a + b, 0);
    samples += 1;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop(): TreeUsage {
      clearInterval(timer);
      return { peakTreeRssBytes, peakProcessHwmBytes, cpuSecondsLowerBound, samples };
    },
  };
}
