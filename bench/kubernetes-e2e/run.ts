/**
 * End-to-end Kubernetes discovery benchmark (issue 5): the fake API server (own process, bench/kubernetes's
 * server.ts and pod generator) holds BENCH_PODS pods with about 40 labels and annotations each; a promsd
 * process (promsd.ts) runs a DiscoveryManager with builtinProviders and one
 * `kubernetes_sd_configs: [{ role: pod, api_server: <fake url> }]` job, updateIntervalMs 0, subscribed to
 * snapshots. Measured:
 * (a) time from the end of the pod LIST (the end of the last LIST page's body, seen in the promsd process
 *     through node:diagnostics_channel) — and from the manager's start — until a snapshot holds every pod as a
 *     target group; CPU seconds and peak RSS of the promsd process;
 * (b) BENCH_RATE pod changes per second for BENCH_SECONDS (the server writes Date.now() into an annotation,
 *     which the pod role turns into a group label): event → snapshot latency p50/p99 and CPU seconds.
 * Goals (issue 5): all targets out within 10 s of the LIST completing; p99 under 200 ms with interval 0.
 *
 * Settings: BENCH_PODS (100000; a comma list runs each scale), BENCH_RATE (500), BENCH_SECONDS (60),
 * BENCH_NODE_FLAGS, BENCH_LATENCY_LOG (see promsd.ts), BENCH_LIST_TIMEOUT_S (240: a scale that is not complete by then is reported as such, and when it is the
 * largest scale a 10000-pod run follows), BENCH_RESULT_FILE (markdown fragment; the full text also goes to
 * bench/kubernetes-e2e/RESULTS.md). Loopback only; every child is stopped at the end.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { hotSpots, readCpuProfile } from "../lib/cpu-profile.js";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { next, type Message } from "../lib/child-messages.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const env = process.env;
const SCALES = (env["BENCH_PODS"] ?? "100000").split(",").map(Number);
const RATE = Number(env["BENCH_RATE"] ?? 500);
const SECONDS = Number(env["BENCH_SECONDS"] ?? 60);
const LIST_TIMEOUT_MS = Number(env["BENCH_LIST_TIMEOUT_S"] ?? 240) * 1000;
const FALLBACK_PODS = 10_000;
const RESULT_FILES = [join(ROOT, "bench/kubernetes-e2e/RESULTS.md"), ...(env["BENCH_RESULT_FILE"] ? [env["BENCH_RESULT_FILE"]] : [])];
/** BENCH_NODE_FLAGS: extra node flags for both children, e.g. "--trace-gc" to see collector pauses. */
const EXEC_ARGV = ["--import", "tsx", "--max-old-space-size=12288", ...(env["BENCH_NODE_FLAGS"] ?? "").split(" ").filter(Boolean)];
const LIST_GOAL_S = 10;
const P99_GOAL_MS = 200;
/** After the last change is written, how long the bench waits for it before asking for the report. */
const GRACE_MS = 2000;
/** BENCH_CPU_PROFILE=1: the promsd process writes a V8 CPU profile; its top functions go into the results. */
const PROFILE_DIR = env["BENCH_CPU_PROFILE"] === "1" ? mkdtempSync(join(tmpdir(), "promsd-k8s-e2e-prof-")) : undefined;


function log(message: string): void {
  process.stderr.write(`[kubernetes-e2e ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}


async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  if (child.connected) child.send({ cmd: "stop" });
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]); // a CPU profile takes a while to write
  if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
}

interface ScaleResult {
  readonly pods: number;
  readonly serverLoadS?: number;
  readonly started?: Message;
  readonly listed?: Message | undefined;
  readonly complete?: Message;
  readonly report?: Message;
  readonly error?: string;
}

async function runScale(pods: number): Promise<ScaleResult> {
  log(`${pods} pods: starting the fake API server`);
  const t0 = performance.now();
  const server = fork(join(ROOT, "bench/kubernetes/server.ts"), [], { execArgv: EXEC_ARGV, env: { ...env, BENCH_PODS: String(pods) }, stdio: "inherit" });
  let promsd: ChildProcess | undefined;
  const result: { -readonly [K in keyof ScaleResult]: ScaleResult[K] } = { pods };
  try {
    const ready = await next(server, "ready", 10 * 60_000);
    result.serverLoadS = (performance.now() - t0) / 1000;
    log(`${pods} pods: server ready in ${result.serverLoadS.toFixed(1)} s at ${String(ready["url"])}; starting promsd`);
    const profileArgs = PROFILE_DIR === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${join(PROFILE_DIR, String(pods))}`];
    promsd = fork(join(ROOT, "bench/kubernetes-e2e/promsd.ts"), [String(ready["url"])], { execArgv: [...EXEC_ARGV, ...profileArgs], env: { ...env, BENCH_PODS: String(pods) }, stdio: "inherit" });
    const listed = next(promsd, "listed", LIST_TIMEOUT_MS).catch(() => undefined);
    result.started = await next(promsd, "started", 60_000);
    result.complete = await next(promsd, "complete", LIST_TIMEOUT_MS);
    result.listed = await listed;
    const c = result.complete;
    log(`${pods} pods: all ${String(c["pods"])} pods (${String(c["targets"])} targets) in the snapshot ${((Number(c["at"]) - Number(result.started["at"])) / 1000).toFixed(1)} s after start` +
      (result.listed ? `, ${((Number(c["at"]) - Number(result.listed["at"])) / 1000).toFixed(1)} s after the LIST completed` : ""));
    promsd.send({ cmd: "churn-start" });
    await next(promsd, "churn-ready", 60_000);
    server.send({ cmd: "churn", rate: RATE, seconds: SECONDS });
    const churned = await next(server, "churned", (SECONDS + 120) * 1000);
    await new Promise((r) => setTimeout(r, GRACE_MS)); // let the last events arrive
    promsd.send({ cmd: "report", sent: churned["sent"] });
    result.report = await next(promsd, "report", 60_000);
    const p = result.report;
    log(`${pods} pods: ${String(p["received"])} changes seen (${String(p["withSentAt"])} groups carry a sent-at), p50 ${String(p["p50"])} ms, p99 ${String(p["p99"])} ms, churn CPU ${Number(p["churnCpu"]).toFixed(1)} s`);
  } catch (error) {
    log(`${pods} pods: failed: ${String(error)}`);
    result.error = String(error instanceof Error ? error.message : error);
  } finally {
    if (promsd !== undefined) await stopChild(promsd);
    await stopChild(server);
  }
  return result;
}

const num = (value: unknown, digits = 1): string => (typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–");
const mib = (bytes: unknown): string => (typeof bytes === "number" ? (bytes / 1024 / 1024).toFixed(0) : "–");
const latency = (ms: unknown): string => (ms === Number.POSITIVE_INFINITY || ms === null ? `> ${GRACE_MS} (not seen)` : num(ms, 0));
const load = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(", ");

function goals(r: ScaleResult): string[] {
  const out: string[] = [];
  const afterList = r.complete && r.listed ? (Number(r.complete["at"]) - Number(r.listed["at"])) / 1000 : undefined;
  out.push(afterList === undefined
    ? `- ${r.pods} pods, all targets within ${LIST_GOAL_S} s of the LIST completing: **not met** (${r.error ?? "the LIST end was not observed"})`
    : `- ${r.pods} pods, all targets within ${LIST_GOAL_S} s of the LIST completing: **${afterList <= LIST_GOAL_S ? "met" : "not met"}** (${afterList.toFixed(1)} s)`);
  // Infinity crosses the IPC channel (JSON) as null: not seen in time.
  const p99 = r.report ? (r.report["p99All"] === null ? Number.POSITIVE_INFINITY : Number(r.report["p99All"])) : undefined;
  const seen = r.report ? `${String(r.report["received"])} of ${RATE * SECONDS} changes seen` : "";
  out.push(p99 === undefined || r.report?.["received"] === 0
    ? `- ${r.pods} pods, change → snapshot p99 under ${P99_GOAL_MS} ms: **not measured** (${r.error ?? "no changes seen"})`
    : `- ${r.pods} pods, change → snapshot p99 under ${P99_GOAL_MS} ms: **${p99 < P99_GOAL_MS ? "met" : "not met"}** (p99 over all changes sent: ${Number.isFinite(p99) ? `${p99} ms` : `unbounded, those changes never reached a snapshot`}; ${seen} by ${GRACE_MS / 1000} s after the last write)`);
  return out;
}

function markdown(results: readonly ScaleResult[], startLoad: readonly number[], endLoad: readonly number[], startedAt: Date): string {
  const rowsA = results.map((r) => {
    if (!r.complete) return `| ${r.pods} | ${num(r.serverLoadS)} | failed: ${r.error ?? "?"} | | | | | | |`;
    const c = r.complete;
    const at = Number(c["at"]);
    const fromStart = (at - Number(r.started!["at"])) / 1000;
    const listS = r.listed ? (Number(r.listed["at"]) - Number(r.started!["at"])) / 1000 : undefined;
    const afterList = r.listed ? (at - Number(r.listed["at"])) / 1000 : undefined;
    return `| ${r.pods} | ${num(r.serverLoadS)} | ${num(listS)} | ${num(afterList)} | ${num(fromStart)} | ${String(c["pods"])} / ${String(c["targets"])} | ${String(c["snapshots"])} | ${num(c["cpu"])} | ${mib(c["peakRss"])} |`;
  });
  const rowsB = results.filter((r) => r.report).map((r) => {
    const p = r.report!;
    return `| ${r.pods} | ${RATE * SECONDS} | ${String(p["received"])} | ${latency(p["p50All"])} | ${latency(p["p99All"])} | ${num(p["p50"], 0)} | ${num(p["p99"], 0)} | ${num(p["max"], 0)} | ${num(p["churnCpu"])} | ${num(p["churnSeconds"])} | ${String(p["snapshots"])} | ${num(p["loopDelayP99"], 0)} | ${mib(p["peakRss"])} |`;
  });
  return [
    `Run: ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} × ${cpus()[0]?.model ?? "?"}, node ${process.version}.`,
    `Load average (1, 5, 15 min) at start: ${load(startLoad)}; at end: ${load(endLoad)}.`,
    `Pods have ~40 labels+annotations each (bench/kubernetes/pods.ts); the fake API server and promsd are separate processes on loopback.`,
    "",
    "Goals (issue 5):",
    ...results.flatMap(goals),
    "",
    "(a) Initial list → snapshot (promsd process; LIST end = the last LIST page's body received):",
    "",
    "| pods | server load (s) | LIST done after start (s) | all pods in snapshot after LIST (s) | … after start (s) | pods / targets in snapshot | snapshots so far | CPU (s) | peak RSS (MiB) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rowsA,
    "",
    `(b) ${RATE} pod changes/s for ${SECONDS} s, update interval 0 (latency = server write → manager subscriber, same clock):`,
    "",
    "| pods | changes sent | changes seen | p50, all sent (ms) | p99, all sent (ms) | p50, seen (ms) | p99, seen (ms) | max, seen (ms) | CPU (s) | over (s) | snapshots (total) | loop delay p99 (ms) | peak RSS (MiB) |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...(rowsB.length > 0 ? rowsB : ["| – | not reached | | | | | | | | | | | |"]),
    ...profiles(results),
    "",
  ].join("\n");
}

const NOTES = `How to read it:
- "LIST done": the end of the pod LIST, observed in the promsd process through node:diagnostics_channel as the
  end of the body of the last paged \`/pods\` GET before the informer opens its WATCH; "after start" counts
  from \`applyConfig\`. Both are reported. The pod role may deliver its groups before the WATCH starts.
- "all pods in snapshot": the first snapshot delivered to the subscriber whose job holds one non-empty group per
  pod (each pod has 4 container ports, so 4 targets per pod).
- CPU seconds and peak RSS are the promsd process's own (process.cpuUsage, getrusage maxRSS); the server runs
  in its own process. The (a) CPU covers start → complete snapshot; (b) covers the churn plus 2 s.
- The subscriber runs in the promsd process and its CPU is included. It follows \`snapshot.changes\` (the groups
  changed since the previous snapshot) as a consumer of a large job should, so its cost is O(changes); it reads
  a whole job only for the first snapshot.
- "all sent" percentiles rank every change the server wrote; a change not seen in any snapshot within ${GRACE_MS / 1000} s of
  the last write counts as slower than every seen one (shown as "> ${GRACE_MS} (not seen)"). The "seen" columns
  rank only the changes that made it, which flatters a run that fell behind. The goal uses "all sent".
- "changes seen" counts distinct sent-at values seen in snapshots; a pod changed twice before a snapshot went
  out counts once (its older write is never visible).
- The machine is shared (see the load averages): latency includes time waiting for a CPU.
`;

function profiles(results: readonly ScaleResult[]): string[] {
  if (PROFILE_DIR === undefined) return [];
  const out: string[] = [];
  for (const r of results) {
    const dir = join(PROFILE_DIR, String(r.pods));
    let files: string[] = [];
    try { files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")); } catch { /* no profile written */ }
    if (files.length === 0) continue;
    const spots = hotSpots(readCpuProfile(join(dir, files[0]!)), { root: ROOT, limit: 12 });
    out.push("", `CPU profile of the promsd process, ${r.pods} pods (whole run, ${spots.totalSeconds.toFixed(1)} s sampled; BENCH_CPU_PROFILE=1 adds overhead):`, "",
      "| function (self time) | s | share |", "| --- | ---: | ---: |",
      ...spots.functions.map((h) => `| ${h.where.replaceAll("|", "\\|")} | ${h.selfSeconds.toFixed(1)} | ${(h.share * 100).toFixed(0)}% |`));
  }
  return out;
}

const startLoad = loadavg();
const startedAt = new Date();
const results: ScaleResult[] = [];
for (const pods of SCALES) results.push(await runScale(pods));
const largest = Math.max(...SCALES);
const largestResult = results.find((r) => r.pods === largest);
if (largestResult && (!largestResult.complete || !largestResult.report) && !SCALES.includes(FALLBACK_PODS) && largest > FALLBACK_PODS) {
  log(`the ${largest}-pod run did not finish; running ${FALLBACK_PODS} pods as well`);
  results.push(await runScale(FALLBACK_PODS));
}
const fragment = markdown(results, startLoad, loadavg(), startedAt);
process.stdout.write(fragment);
const header = "# Kubernetes end-to-end discovery benchmark\n\n`npm run bench -- kubernetes-e2e` (bench/kubernetes-e2e/run.ts; settings in its header comment).\n\n";
writeFileSync(RESULT_FILES[0]!, header + fragment + "\n" + NOTES);
for (const file of RESULT_FILES.slice(1)) writeFileSync(file, fragment);
process.exit(results.some((r) => r.complete) ? 0 : 1);
