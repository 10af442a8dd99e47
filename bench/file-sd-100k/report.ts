/** Renders the file_sd benchmark's results as the markdown fragment that run-bench splices into BENCHMARKS.md. */
import { formatMebibytes, formatRatio, formatSeconds, markdownTable } from "../lib/markdown-table.js";
import type { MeasurementSummary } from "../lib/stats.js";
import type { ProfileResult } from "./profile-run.js";
import type { PromsdResult, PromtoolResult, Settings } from "./run.js";
import type { SdOutputSummary } from "./sd-output.js";
import { goDurationFromMs, TIMEOUT_MARGIN } from "./timeout-search.js";
import type { Workload } from "./workload.js";

export interface ReportInput {
  readonly settings: Settings;
  readonly workload: Workload;
  readonly promtool: PromtoolResult;
  readonly promtoolSummary: MeasurementSummary;
  readonly promsd: PromsdResult;
  readonly promsdSummary: MeasurementSummary | undefined;
  readonly profile: ProfileResult | undefined;
  /** 1-minute load averages when the bench started and ended: other work on the machine skews wall time */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

function entries(o: SdOutputSummary): string {
  return `${o.entries} (${o.kept} kept, ${o.dropped} dropped, ${o.failed} failed)`;
}

/**
 * promtool's wall time had it run at the smallest complete timeout rather than with the margin: it idles
 * for the margin, so subtracting it is exact up to noise. promsd stops by itself; its wall time stands.
 */
function fairWallRow(input: ReportInput): string[][] {
  if (input.promtool.search === undefined) return []; // no search, no smallest timeout to correct to
  const smallestMs = input.promtool.search?.smallestPassingMs ?? input.promtool.timeoutMs;
  const promtool = input.promtoolSummary.wallSeconds - (input.promtool.timeoutMs - smallestMs) / 1000;
  const promsd = input.promsdSummary?.wallSeconds;
  return [["wall time, promtool at its smallest complete timeout", formatSeconds(promtool),
    promsd === undefined ? "—" : formatSeconds(promsd), promsd === undefined ? "—" : formatRatio(promsd, promtool)]];
}

function figuresTable(input: ReportInput): string {
  const t = input.promtoolSummary;
  const d = input.promsdSummary;
  const row = (name: string, pick: (m: MeasurementSummary) => number, format: (n: number) => string): string[] =>
    [name, format(pick(t)), d === undefined ? "—" : format(pick(d)), d === undefined ? "—" : formatRatio(pick(d), pick(t))];
  const out = input.promsd.kind === "measured" ? entries(input.promsd.output) : "—";
  return markdownTable(
    [{ title: "median of " + input.settings.repeats }, { title: `promtool 2.42 (--timeout=${goDurationFromMs(input.promtool.timeoutMs)})`, align: "right" },
      { title: "promsd sd --profile=v2.42", align: "right" }, { title: "promsd / promtool", align: "right" }],
    [
      row("**CPU user+sys**", (m) => m.cpuSeconds, formatSeconds),
      row("CPU user", (m) => m.cpuUserSeconds, formatSeconds),
      row("CPU sys", (m) => m.cpuSystemSeconds, formatSeconds),
      row("wall time", (m) => m.wallSeconds, formatSeconds),
      ...fairWallRow(input),
      row("peak RSS", (m) => m.peakRssBytes, formatMebibytes),
      ["entries printed", entries(input.promtool.output), out, ""],
    ],
  );
}

function validation(input: ReportInput): string {
  if (input.promsd.kind === "unavailable") return `**promsd not measured:** ${input.promsd.reason}\n`;
  const c = input.promsd.comparison;
  const mark = (ok: boolean): string => (ok ? "yes" : "**no**");
  return [
    `Result ${c.valid ? "**valid**" : "**INVALID** (the figures above do not compare like with like)"}: same number of ` +
      `entries ${mark(c.sameCount)}; same \`labels\` multiset ${mark(c.sameLabels)}` +
      (c.sameLabels ? "" : ` (${c.labelMismatches} entries unmatched)`) +
      `; same \`discoveredLabels\` multiset ${mark(c.sameDiscoveredLabels)}` +
      (c.sameDiscoveredLabels ? "" : " (expected to differ unless promsd reproduces 2.42's aliasing defect, core.md Appendix C)") + ".",
    "",
  ].join("\n");
}

function searchNote(input: ReportInput): string {
  const search = input.promtool.search;
  if (search === undefined) return `promtool's timeout was set by BENCH_PROMTOOL_TIMEOUT, not searched.\n`;
  const probes = search.probes.map((p) => `${goDurationFromMs(p.timeoutMs)} ${p.passed ? "✓" : "✗"}`).join(", ");
  return `Smallest promtool timeout that printed all ${input.workload.targets} targets: ` +
    `**${goDurationFromMs(search.smallestPassingMs ?? 0)}** (probes: ${probes}); measured runs use ` +
    `${goDurationFromMs(input.promtool.timeoutMs)} (+${Math.round((TIMEOUT_MARGIN - 1) * 100)}% margin against load, raised ×1.5 if a run still fell short).\n`;
}

/** V8 names a RegExp frame by its source, which may hold control and line-separator characters. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u2028\u2029`]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function hotSpotTables(profile: ProfileResult | undefined): string {
  if (profile === undefined) return "";
  const pct = (share: number): string => `${(share * 100).toFixed(1)}%`;
  const table = (title: string, rows: ProfileResult["functions"]): string => markdownTable(
    [{ title }, { title: "self time", align: "right" }, { title: "share", align: "right" }],
    rows.map((h) => [`\`${printable(h.where)}\``, formatSeconds(h.selfSeconds), pct(h.share)]),
  );
  return [
    `promsd CPU profile (\`node --cpu-prof\`, one extra run, ${formatSeconds(profile.totalSeconds)} sampled; V8 ` +
      "samples wall-clock intervals, so on a loaded machine the total exceeds CPU time but the shares hold), by self time:",
    "", table("function", profile.functions.slice(0, 12)), "", table("file", profile.files.slice(0, 8)), "",
  ].join("\n");
}

export function renderReport(input: ReportInput): string {
  const w = input.workload;
  return [
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC: ${w.targets} targets in ${w.files.length} ` +
      `file_sd JSON files (${formatMebibytes(w.inputBytes)}, seed ${input.settings.seed}), job \`kubernetes-pods\` ` +
      `with 15 relabel rules, ${input.settings.repeats} measured runs per tool, run one after another; 1-minute ` +
      `load average ${input.loadAverage.start.toFixed(1)} at the start, ${input.loadAverage.end.toFixed(1)} at the end.`,
    "",
    figuresTable(input),
    validation(input),
    searchNote(input),
    hotSpotTables(input.profile),
  ].join("\n");
}
