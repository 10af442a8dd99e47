/**
 * The file_sd benchmark: `promtool check service-discovery` (2.42) against `promsd sd --profile=v2.42` on the
 * same 100,000-target Kubernetes-style file_sd job with 15 relabel rules, side by side in one run. promtool
 * runs at the smallest timeout for which it still prints every target (found by search, plus a margin);
 * CPU seconds are the main figure because promtool's wall time is mostly its timeout. A promsd run counts only
 * when it prints as many entries as promtool and the same `labels`. One extra promsd run under
 * `node --cpu-prof` names the hot spots. Writes a markdown fragment (for BENCHMARKS.md) and raw JSON.
 *
 * Settings (environment): BENCH_REPEATS (3), BENCH_TARGETS (100000), BENCH_FILES (10), BENCH_SEED (42),
 * BENCH_PROMTOOL_TIMEOUT (a Go duration: skip the search), BENCH_RESULT_FILE (markdown output path).
 * Everything stays on local files; every child is killed if it outlives its deadline.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { measureCommand, type Measurement } from "../lib/measure.js";
import { summarize } from "../lib/stats.js";
import { profilePromsd, type ProfileResult } from "./profile-run.js";
import { renderReport } from "./report.js";
import { compareSdOutputs, summarizeSdOutput, type OutputComparison, type SdOutputSummary } from "./sd-output.js";
import { findSmallestTimeout, goDurationFromMs, TIMEOUT_MARGIN, type TimeoutSearchResult } from "./timeout-search.js";
import { prepareWorkload, type Workload } from "./workload.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const JOB = "kubernetes-pods";
export const PROMSD_CLI = join(ROOT, "dist/cli/main.js");
const PROMTOOL = "/usr/bin/promtool";
const STRAGGLER_KILL_MS = 15 * 60_000;

export interface Settings {
  readonly repeats: number;
  readonly targets: number;
  readonly files: number;
  readonly seed: number;
  readonly promtoolTimeout: string | undefined;
  readonly resultFile: string;
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const int = (name: string, fallback: number): number => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
    return value;
  };
  return {
    repeats: int("BENCH_REPEATS", 3), targets: int("BENCH_TARGETS", 100_000), files: int("BENCH_FILES", 10),
    seed: int("BENCH_SEED", 42), promtoolTimeout: env["BENCH_PROMTOOL_TIMEOUT"],
    resultFile: env["BENCH_RESULT_FILE"] ?? join(ROOT, "bench/results/file-sd-100k.md"),
  };
}

function log(message: string): void {
  process.stderr.write(`[file-sd-100k ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function runPromtool(w: Workload, timeoutMs: number): Promise<{ run: Measurement; output: SdOutputSummary | undefined }> {
  const stdoutPath = join(w.dir, "promtool-out.json");
  const run = await measureCommand({
    command: PROMTOOL, args: ["check", "service-discovery", `--timeout=${goDurationFromMs(timeoutMs)}`, w.config, JOB],
    cwd: w.dir, stdoutPath, killAfterMs: timeoutMs + STRAGGLER_KILL_MS,
  });
  const output = run.exitCode === 0 ? await summarizeSdOutput(stdoutPath).catch(() => undefined) : undefined;
  log(`promtool --timeout=${goDurationFromMs(timeoutMs)}: ${output?.entries ?? "no"} entries, ` +
    `wall ${run.wallSeconds.toFixed(1)} s, cpu ${run.cpuSeconds.toFixed(1)} s`);
  return { run, output };
}

export interface PromtoolResult {
  readonly search: TimeoutSearchResult | undefined;
  readonly timeoutMs: number;
  readonly runs: Measurement[];
  readonly output: SdOutputSummary;
}

/** Searches the smallest complete timeout, then measures `repeats` complete runs (raising it if one falls short). */
async function benchPromtool(w: Workload, s: Settings): Promise<PromtoolResult> {
  const complete = (o: SdOutputSummary | undefined): o is SdOutputSummary => o?.entries === w.targets;
  let search: TimeoutSearchResult | undefined;
  let timeoutMs: number;
  if (s.promtoolTimeout === undefined) {
    search = await findSmallestTimeout(async (ms) => complete((await runPromtool(w, ms)).output),
      { startMs: 2000, maxMs: 240_000, relativePrecision: 0.1, minGapMs: 250 });
    if (search.smallestPassingMs === undefined) throw new Error("promtool never printed every target within 240s");
    timeoutMs = Math.ceil((search.smallestPassingMs * TIMEOUT_MARGIN) / 100) * 100;
  } else {
    timeoutMs = Number(/^(\d+)ms$/.exec(s.promtoolTimeout)?.[1] ?? Number.parseFloat(s.promtoolTimeout) * 1000);
  }
  const runs: Measurement[] = [];
  let output: SdOutputSummary | undefined;
  for (let attempt = 0; runs.length < s.repeats; attempt++) {
    if (attempt >= s.repeats + 3) throw new Error("promtool runs keep falling short of every target");
    const result = await runPromtool(w, timeoutMs);
    if (complete(result.output)) {
      runs.push(result.run);
      output = result.output;
    } else {
      timeoutMs = Math.ceil((timeoutMs * 1.5) / 100) * 100; // the machine got busier; runs so far still count
    }
  }
  return { search, timeoutMs, runs, output: output as SdOutputSummary }; // set with the first complete run
}

export type PromsdResult =
  | { readonly kind: "measured"; readonly runs: Measurement[]; readonly output: SdOutputSummary;
    readonly comparison: OutputComparison }
  | { readonly kind: "unavailable"; readonly reason: string };

export const promsdArgs = (w: Workload): string[] =>
  ["sd", "--profile=v2.42", "--timeout=60s", w.config, JOB];

async function benchPromsd(w: Workload, s: Settings, reference: SdOutputSummary): Promise<PromsdResult> {
  if (!existsSync(PROMSD_CLI)) return { kind: "unavailable", reason: "dist/cli/main.js is missing (CLI not built)" };
  const runs: Measurement[] = [];
  let output: SdOutputSummary | undefined;
  let comparison: OutputComparison | undefined;
  for (let i = 0; i < s.repeats; i++) {
    const stdoutPath = join(w.dir, "promsd-out.json");
    const run = await measureCommand({
      command: process.execPath, args: [PROMSD_CLI, ...promsdArgs(w)], cwd: w.dir, stdoutPath,
      killAfterMs: STRAGGLER_KILL_MS,
    });
    if (run.exitCode !== 0) {
      return { kind: "unavailable", reason: `promsd sd exited ${run.exitCode}: ${run.stderr.trim().slice(0, 300)}` };
    }
    output = await summarizeSdOutput(stdoutPath);
    comparison = compareSdOutputs(output, reference);
    log(`promsd: ${output.entries} entries, wall ${run.wallSeconds.toFixed(1)} s, cpu ${run.cpuSeconds.toFixed(1)} s, ` +
      `labels ${comparison.sameLabels ? "equal" : `differ (${comparison.labelMismatches})`}`);
    runs.push(run);
  }
  if (output === undefined || comparison === undefined) throw new Error("no promsd run"); // repeats >= 1
  return { kind: "measured", runs, output, comparison };
}

async function main(): Promise<void> {
  const s = readSettings(process.env);
  const loadAtStart = loadavg()[0] ?? 0;
  const dir = join(ROOT, "bench/results/file-sd-100k");
  mkdirSync(dir, { recursive: true });
  log(`preparing ${s.targets} targets in ${s.files} files (seed ${s.seed})`);
  const w = prepareWorkload(dir, s);
  const promtool = await benchPromtool(w, s);
  const promsd = await benchPromsd(w, s, promtool.output);
  let profile: ProfileResult | undefined;
  if (promsd.kind === "measured") profile = await profilePromsd(w, { root: ROOT, cli: PROMSD_CLI, args: promsdArgs(w) });
  const report = renderReport({ settings: s, workload: w, promtool, promsd, profile,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
    promtoolSummary: summarize(promtool.runs), promsdSummary: promsd.kind === "measured" ? summarize(promsd.runs) : undefined });
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(s.resultFile, report);
  writeFileSync(join(ROOT, "bench/results/file-sd-100k.json"), JSON.stringify({ settings: s, promtool: {
    ...promtool, output: { ...promtool.output, labelsCounts: undefined } }, promsd: promsd.kind === "measured"
    ? { ...promsd, output: { ...promsd.output, labelsCounts: undefined } } : promsd, profile }, null, 2));
  log(`wrote ${s.resultFile}`);
}

await main();
