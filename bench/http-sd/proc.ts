/** CPU time of a server process and its descendants (nginx's workers) from Linux /proc, at one instant. */
import { readdirSync, readFileSync } from "node:fs";
import { parseProcStat, treePids, type ProcStat } from "../lib/proc-sampler.js";

function liveStats(): ProcStat[] {
  return readdirSync("/proc").filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      return [parseProcStat(readFileSync(`/proc/${name}/stat`, "utf8"))];
    } catch {
      return []; // exited between listing and reading
    }
  });
}

/** User+system CPU seconds used so far by `pid` and its live descendants; 0 when it is gone. */
export function treeCpuSeconds(pid: number): number {
  const stats = liveStats();
  const tree = new Set(treePids(pid, stats));
  return stats.filter((s) => tree.has(s.pid)).reduce((sum, s) => sum + s.cpuSeconds, 0);
}
