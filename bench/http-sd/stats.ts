/**
 * Pure figures of the http-sd bench: latency percentiles of one measured phase, promsd/baseline ratios
 * over paired repetitions, and the strictly increasing mtimes that keep the baseline's ETags unique.
 */
import { median } from "../lib/stats.js";

/** Nearest-rank percentile (`q` in 0..1) of ascending `sorted` values; 0 for an empty list. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function summarizeLatencies(latenciesMs: readonly number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? 0 };
}

/** Median and range of `ours[i] / theirs[i]`: repetition i of both servers ran back to back. */
export interface RatioSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** Undefined when no pair has a non-zero divisor (nothing to compare). */
export function pairedRatios(ours: readonly number[], theirs: readonly number[]): RatioSummary | undefined {
  if (ours.length !== theirs.length) throw new Error(`unpaired repetitions: ${ours.length} vs ${theirs.length}`);
  const ratios = ours.flatMap((value, i) => ((theirs[i] ?? 0) === 0 ? [] : [value / (theirs[i] as number)]));
  if (ratios.length === 0) return undefined;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/**
 * The mtime (whole seconds) to give the next rewrite of a served file. nginx's ETag is mtime-in-seconds plus
 * size, and a 1% port move often keeps the size, so two rewrites within one second would share an ETag and
 * a poller would get a wrong 304. Strictly increasing seconds (running ahead of the clock when needed) keep
 * every version's ETag distinct.
 */
export function nextMtimeSeconds(previous: number | undefined, nowMs: number): number {
  const now = Math.floor(nowMs / 1000);
  return previous === undefined || now > previous ? now : previous + 1;
}

const MEASURED_BEGIN = "<!-- measured:begin -->";
const MEASURED_END = "<!-- measured:end -->";

/**
 * Puts a new measured block into RESULTS.md between its markers and keeps the hand-written reading around
 * them; a document without markers gets the block on top.
 */
export function spliceMeasured(document: string, fragment: string): string {
  const block = `${MEASURED_BEGIN}\n${fragment.trimEnd()}\n${MEASURED_END}`;
  const from = document.indexOf(MEASURED_BEGIN);
  const to = document.indexOf(MEASURED_END);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + MEASURED_END.length);
  return `${block}\n\n${document}`.trimEnd() + "\n";
}

/** The value of an unlabelled sample `name` in Prometheus text exposition; NaN when absent. */
export function metricValue(exposition: string, name: string): number {
  const line = exposition.split("\n").find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1).trim().split(" ")[0]);
}
