/** One process's CPU time and memory, read from Linux /proc (for processes the bench did not fork itself). */
import { readFileSync } from "node:fs";
import { parseProcStat, parseStatusKilobytes } from "./proc-sampler.js";

export interface ProcessUsage {
  /** user + system CPU seconds so far (threads included). */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /** The kernel's peak resident set of the process so far (VmHWM). */
  readonly peakRssBytes: number;
}

/** Reads `pid`'s usage now; throws when the process is gone. */
export function readProcessUsage(pid: number): ProcessUsage {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return {
    cpuSeconds: parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8")).cpuSeconds,
    rssBytes: parseStatusKilobytes(status, "VmRSS"),
    peakRssBytes: parseStatusKilobytes(status, "VmHWM"),
  };
}
