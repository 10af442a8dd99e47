/** The daemon bench's results as markdown: one row per variant for each phase, then the cache's effect. */
import { cpus, loadavg } from "node:os";
import { formatRatio, markdownTable } from "../lib/markdown-table.js";
import type { BenchSettings, ChurnPhase, VariantResult } from "./variant.js";

export interface RunFacts {
  readonly startedAt: Date;
  readonly startLoad: readonly number[];
  readonly endLoad: readonly number[];
}

export function runFacts(startedAt: Date, startLoad: readonly number[]): RunFacts {
  return { startedAt, startLoad, endLoad: loadavg() };
}

const fixed = (value: number | undefined, digits = 1): string => (value !== undefined && Number.isFinite(value) ? value.toFixed(digits) : "–");
const mib = (bytes: number | undefined): string => fixed(bytes === undefined ? undefined : bytes / 2 ** 20, 0);
const loads = (values: readonly number[]): string => values.map((v) => v.toFixed(2)).join(", ");

/** The `q` quantile of ascending `sorted` (nearest rank); undefined when empty. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function serveTable(results: readonly VariantResult[]): string {
  const columns = ["variant", "server load (s)", "start → all targets in http_sd (s)", "CPU (s)", "peak RSS (MiB)", "syncs", "sync time (s)", "body (MiB)", "body fetch (s)"]
    .map((title, i) => ({ title, align: i === 0 ? ("left" as const) : ("right" as const) }));
  return markdownTable(columns, results.map(({ variant, serverLoadSeconds, serve, error }) => serve === undefined
    ? [variant.name, fixed(serverLoadSeconds), `failed: ${error ?? "?"}`, "", "", "", "", "", ""]
    : [variant.name, fixed(serverLoadSeconds), fixed(serve.seconds), fixed(serve.cpuSeconds), mib(serve.peakRssBytes), String(serve.syncs), fixed(serve.syncSeconds, 2), mib(serve.bodyBytes), fixed(serve.bodyMs / 1000)]));
}

function churnRow(name: string, churn: ChurnPhase): string[] {
  const d = churn.delaysMs;
  const seconds = (ms: number | undefined): string => fixed(ms === undefined ? undefined : ms / 1000);
  return [
    name, String(churn.sent), String(d.length), seconds(quantile(d, 0.5)), seconds(quantile(d, 0.9)), seconds(quantile(d, 0.99)), seconds(d.at(-1)),
    fixed(churn.cpuSeconds), fixed(churn.windowSeconds, 0), mib(churn.peakRssBytes), String(churn.syncs), fixed(churn.syncSeconds, 2),
    fixed(churn.syncs === 0 ? undefined : (churn.syncSeconds / churn.syncs) * 1000, 0), String(churn.bodies), fixed(churn.bodyMsMean / 1000),
  ];
}

function churnTable(results: readonly VariantResult[]): string {
  const columns = ["variant", "changes sent", "seen in http_sd", "delay p50 (s)", "p90 (s)", "p99 (s)", "max (s)", "CPU (s)", "window (s)", "peak RSS (MiB)", "syncs", "sync time (s)", "mean sync (ms)", "new bodies", "body fetch (s)"]
    .map((title, i) => ({ title, align: i === 0 ? ("left" as const) : ("right" as const) }));
  const rows = results.map((r) => (r.churn === undefined ? [r.variant.name, `failed: ${r.error ?? "?"}`, ...columns.slice(2).map(() => "")] : churnRow(r.variant.name, r.churn)));
  return markdownTable(columns, rows);
}

function comparison(results: readonly VariantResult[]): string[] {
  const [cached, full] = results;
  if (cached?.churn === undefined || full?.churn === undefined || cached.serve === undefined || full.serve === undefined) return [];
  const meanSync = (c: ChurnPhase): number => c.syncSeconds / Math.max(1, c.syncs);
  return [
    `Per-group cache (${cached.variant.name}) against full rebuilds (${full.variant.name}), churn phase: mean sync ` +
    `${formatRatio(meanSync(cached.churn), meanSync(full.churn))}, total sync time ${formatRatio(cached.churn.syncSeconds, full.churn.syncSeconds)}, ` +
    `daemon CPU ${formatRatio(cached.churn.cpuSeconds, full.churn.cpuSeconds)}, peak RSS ${formatRatio(cached.churn.peakRssBytes, full.churn.peakRssBytes)}.`,
    "",
  ];
}

export function resultsMarkdown(results: readonly VariantResult[], settings: BenchSettings, facts: RunFacts): string {
  return [
    `Run: ${facts.startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, node ${process.version}.`,
    `Load average (1, 5, 15 min) at start: ${loads(facts.startLoad)}; at end: ${loads(facts.endLoad)}.`,
    `${settings.pods} pods (${settings.pods * 4} targets), ${settings.rate} changes/s for ${settings.seconds} s, http_sd polled every ${settings.pollMs / 1000} s with If-None-Match, ` +
    `polling kept on ${settings.graceMs / 1000} s after the last change; daemon flags: ${settings.daemonFlags.join(" ") || "defaults (update interval 5 s, reload interval 5 s)"}.`,
    "",
    "(a) Daemon start → its http_sd endpoint serves every target (the daemon process; CPU and peak RSS from /proc; syncs and sync time from its prometheus_target_sync_length_seconds):",
    "",
    serveTable(results),
    `(b) Churn: the fake API server changes pods; delay = the change's write (server clock) → the first http_sd response holding it (same machine clock; includes up to one poll interval):`,
    "",
    churnTable(results),
    ...comparison(results),
  ].join("\n");
}
