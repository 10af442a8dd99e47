/**
 * Reads a V8 `.cpuprofile` (written by `node --cpu-prof`) and ranks where the time went: self time per
 * function and per source file. Self time is what a function spent in its own code, not in callees, so the
 * top rows are the places to optimise.
 */
import { readFileSync } from "node:fs";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

/** The subset of Chrome DevTools' Profile format we read. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  /** microseconds between consecutive samples */
  readonly timeDeltas: readonly number[];
}

export interface HotSpot {
  /** `name (file:line)`, paths shortened to the part after the repository root or node_modules */
  readonly where: string;
  readonly selfSeconds: number;
  /** share of all sampled time */
  readonly share: number;
}

/** Turns `file:///work/main/dist/relabel/relabel.js` into `dist/relabel/relabel.js`. */
export function shortenUrl(url: string, root: string): string {
  if (url === "") return "(native)";
  const path = url.startsWith("file://") ? decodeURIComponent(new URL(url).pathname) : url;
  const inModules = path.lastIndexOf("node_modules/");
  if (inModules >= 0) return path.slice(inModules);
  return path.startsWith(root) ? path.slice(root.length).replace(/^\//, "") : path;
}

function ranked(selfMicros: Map<string, number>, total: number, limit: number): HotSpot[] {
  return [...selfMicros.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([where, micros]) => ({ where, selfSeconds: micros / 1e6, share: total === 0 ? 0 : micros / total }));
}

/** The top `limit` functions and files by self time. `root` is stripped from paths. */
export function hotSpots(profile: CpuProfile, options: { root: string; limit: number }): {
  functions: HotSpot[];
  files: HotSpot[];
  totalSeconds: number;
} {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((nodeId, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    const frame = frames.get(nodeId);
    if (frame === undefined) return;
    const file = shortenUrl(frame.url, options.root);
    const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
    // V8 line numbers are 0-based.
    const where = frame.url === "" ? name : `${name} (${file}:${frame.lineNumber + 1})`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + micros);
    byFile.set(file === "(native)" ? name : file, (byFile.get(file === "(native)" ? name : file) ?? 0) + micros);
    total += micros;
  });
  return {
    functions: ranked(byFunction, total, options.limit),
    files: ranked(byFile, total, options.limit),
    totalSeconds: total / 1e6,
  };
}

/** Loads a `.cpuprofile` file; the shape is trusted because V8 wrote it. */
export function readCpuProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}
