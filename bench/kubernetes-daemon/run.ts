/**
 * Daemon-level Kubernetes benchmark: the fake API server (bench/kubernetes's server.ts and pods, own process)
 * holds BENCH_PODS pods; the real daemon (`node dist/cli/main.js run`, own process) discovers them through
 * `kubernetes_sd_configs: [{ role: pod }]` with the relabel rules of prometheus.yml here and serves them on
 * http_sd, which the bench polls like a consumer (with If-None-Match). Measured per variant:
 * (a) daemon start → its http_sd body holds every target (4 per pod): seconds, CPU, peak RSS;
 * (b) BENCH_RATE pod changes/s for BENCH_SECONDS: daemon CPU seconds, peak RSS, prometheus_target_sync_length_
 *     seconds (sum/count over the churn), and the delay from each change to its appearance in http_sd.
 * Variants: "cache" (as shipped: TargetSync relabels only changed groups) and "full-rebuild"
 * (PROMSD_TARGET_SYNC_FULL_REBUILD=1: every group relabeled on every sync), each against a fresh server, one
 * after the other, so they never share the CPUs.
 *
 * Settings: BENCH_PODS (100000), BENCH_RATE (500), BENCH_SECONDS (60), BENCH_POLL_MS (1000), BENCH_GRACE_S
 * (15), BENCH_SERVE_TIMEOUT_S (300), BENCH_VARIANTS ("cache,full-rebuild"), BENCH_DAEMON_FLAGS (more `promsd
 * run` flags, e.g. "--scrape.discovery-reload-interval=1s"), BENCH_NODE_FLAGS (node flags of the daemon; at
 * 100,000 pods pass "--max-old-space-size=12288": with node's default 4 GiB heap the daemon runs out of memory),
 * BENCH_RESULT_FILE (markdown fragment). Results also go to bench/kubernetes-daemon/RESULTS.md, keeping its
 * hand-written "## Reading" section. `npm run build` first: the daemon runs from dist/. Loopback only.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { FULL_REBUILD_ENV } from "../../src/targets/target-sync.js";
import { resultsMarkdown, runFacts } from "./report.js";
import { runVariant, type BenchSettings, type Variant, type VariantResult } from "./variant.js";

const env = process.env;
const words = (value: string | undefined): string[] => (value ?? "").split(" ").filter(Boolean);
const settings: BenchSettings = {
  pods: Number(env["BENCH_PODS"] ?? 100_000),
  rate: Number(env["BENCH_RATE"] ?? 500),
  seconds: Number(env["BENCH_SECONDS"] ?? 60),
  pollMs: Number(env["BENCH_POLL_MS"] ?? 1000),
  graceMs: Number(env["BENCH_GRACE_S"] ?? 15) * 1000,
  serveTimeoutMs: Number(env["BENCH_SERVE_TIMEOUT_S"] ?? 300) * 1000,
  // The server holds 100,000 pods as JSON; bench/kubernetes runs it with the same heap limit.
  serverExecArgv: ["--import", "tsx", "--max-old-space-size=12288"],
  daemonNodeFlags: words(env["BENCH_NODE_FLAGS"]),
  daemonFlags: words(env["BENCH_DAEMON_FLAGS"]),
};
const VARIANTS: readonly Variant[] = [
  { name: "cache", env: {} },
  { name: "full-rebuild", env: { [FULL_REBUILD_ENV]: "1" } },
];
const chosen = (env["BENCH_VARIANTS"] ?? "cache,full-rebuild").split(",");
const RESULTS_FILE = fileURLToPath(new URL("RESULTS.md", import.meta.url));
const READING_HEADING = "## Reading";

/** Keeps the hand-written reading of an earlier run below the regenerated numbers. */
function writeResults(fragment: string): void {
  const previous = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, "utf8") : "";
  const reading = previous.includes(READING_HEADING) ? previous.slice(previous.indexOf(READING_HEADING)) : "";
  const header = "# Kubernetes daemon benchmark\n\n`node --import tsx bench/kubernetes-daemon/run.ts` after `npm run build` (settings in run.ts's header comment).\n\n";
  writeFileSync(RESULTS_FILE, `${header}${fragment}\n${reading}`);
  if (env["BENCH_RESULT_FILE"]) writeFileSync(env["BENCH_RESULT_FILE"], fragment);
}

const startedAt = new Date();
const startLoad = loadavg();
const results: VariantResult[] = [];
for (const variant of VARIANTS.filter((v) => chosen.includes(v.name))) {
  results.push(await runVariant(variant, settings));
  // After each variant, so a run stopped later (a stuck daemon) keeps what it measured.
  writeResults(resultsMarkdown(results, settings, runFacts(startedAt, startLoad)));
}
process.stdout.write(resultsMarkdown(results, settings, runFacts(startedAt, startLoad)));
process.exit(results.some((r) => r.churn !== undefined) ? 0 : 1);
