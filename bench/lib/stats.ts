/**
 * Repetition and summary: a benchmark runs a command N times and reports the median of each figure
 * separately (the median is robust to one slow run caused by the machine, unlike the mean).
 */
import { measureCommand, type CommandSpec, type Measurement } from "./measure.js";

/** The median of `values` (mean of the middle two for an even count). Throws on an empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number; // mid < length
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** Medians over repeated runs of one command, plus the raw runs for the record. */
export interface MeasurementSummary {
  readonly runs: readonly Measurement[];
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly cpuUserSeconds: number;
  readonly cpuSystemSeconds: number;
  readonly peakRssBytes: number;
}

export function summarize(runs: readonly Measurement[]): MeasurementSummary {
  const of = (pick: (m: Measurement) => number): number => median(runs.map(pick));
  return {
    runs,
    wallSeconds: of((m) => m.wallSeconds),
    cpuSeconds: of((m) => m.cpuSeconds),
    cpuUserSeconds: of((m) => m.cpuUserSeconds),
    cpuSystemSeconds: of((m) => m.cpuSystemSeconds),
    peakRssBytes: of((m) => m.peakRssBytes),
  };
}

export interface RepeatOptions {
  readonly repeats: number;
  /** Called after each run, e.g. to validate its output; throwing stops the repetition. */
  readonly afterRun?: (run: Measurement, index: number) => void | Promise<void>;
}

/** Runs `spec` `repeats` times, one after another (never in parallel: they would compete for CPUs). */
export async function measureRepeated(spec: CommandSpec, options: RepeatOptions): Promise<MeasurementSummary> {
  const runs: Measurement[] = [];
  for (let i = 0; i < options.repeats; i++) {
    const run = await measureCommand(spec);
    runs.push(run);
    await options.afterRun?.(run, i);
  }
  return summarize(runs);
}
