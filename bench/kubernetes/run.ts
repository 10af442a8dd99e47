/**
 * Kubernetes list-watch benchmark (issue 5): the fake API server (own process) holds BENCH_PODS pods (about
 * 40 labels and annotations each); each client (own process) lists and watches them — promsd's
 * InformerRegistry with the roles layer's pod decoder, then @kubernetes/client-node's makeInformer as the
 * baseline, in the same run against the same server. Measured per client: time until every pod is listed
 * and cached, CPU seconds of that phase, peak RSS, heap bytes per cached pod (after GC); then
 * BENCH_RATE pod changes per second for BENCH_SECONDS: CPU seconds while they arrive and event latency
 * (p50/p99, server write → client listener, same clock).
 *
 * This measures the transport and cache only; end-to-end target latency through the roles and the manager
 * (`--discovery.update-interval=0`) is the roles' bench: hook = subscribe to the informer in client.ts.
 *
 * Settings: BENCH_PODS (100000), BENCH_RATE (500), BENCH_SECONDS (60), BENCH_CLIENTS ("promsd,client-node"),
 * BENCH_NODE_FLAGS, BENCH_CHURN_PROFILE (a directory: CPU profiles of each client's churn phase), BENCH_RESULT_FILE (markdown fragment; also written to bench/kubernetes/RESULTS.md). Loopback only.
 */
import { fork, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { next, type Message } from "../lib/child-messages.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const env = process.env;
const PODS = Number(env["BENCH_PODS"] ?? 100_000);
const RATE = Number(env["BENCH_RATE"] ?? 500);
const SECONDS = Number(env["BENCH_SECONDS"] ?? 60);
const CLIENTS = (env["BENCH_CLIENTS"] ?? "promsd,client-node").split(",");
const RESULT_FILES = [join(ROOT, "bench/kubernetes/RESULTS.md"), ...(env["BENCH_RESULT_FILE"] ? [env["BENCH_RESULT_FILE"]] : [])];
/** BENCH_NODE_FLAGS: extra node flags for every child, e.g. "--cpu-prof --cpu-prof-dir=/tmp/p". */
const EXEC_ARGV = ["--import", "tsx", "--expose-gc", "--max-old-space-size=12288", ...(env["BENCH_NODE_FLAGS"] ?? "").split(" ").filter(Boolean)];


function log(message: string): void {
  process.stderr.write(`[kubernetes ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}


interface ClientResult {
  readonly kind: string;
  readonly synced?: Message;
  readonly report?: Message;
  readonly error?: string;
}

async function runClient(server: ChildProcess, url: string, kind: string): Promise<ClientResult> {
  log(`${kind}: listing ${PODS} pods`);
  const child = fork(join(ROOT, "bench/kubernetes/client.ts"), [kind, url], { execArgv: EXEC_ARGV, env: { ...env, BENCH_PODS: String(PODS) }, stdio: "inherit" });
  try {
    const synced = await next(child, "synced", 15 * 60_000);
    log(`${kind}: cached ${String(synced["cached"])} in ${(Number(synced["listedMs"]) / 1000).toFixed(1)} s`);
    child.send({ cmd: "churn-start" });
    server.send({ cmd: "churn", rate: RATE, seconds: SECONDS });
    await next(server, "churned", (SECONDS + 120) * 1000);
    await new Promise((r) => setTimeout(r, 2000)); // let the last events arrive
    child.send({ cmd: "report" });
    const report = await next(child, "report", 60_000);
    log(`${kind}: ${String(report["received"])} events, p50 ${String(report["p50"])} ms, p99 ${String(report["p99"])} ms`);
    return { kind, synced, report };
  } catch (error) {
    log(`${kind}: failed: ${String(error)}`);
    return { kind, error: String(error) };
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid);
  }
}

const mib = (bytes: unknown): string => (typeof bytes === "number" ? (bytes / 1024 / 1024).toFixed(0) : "–");
const num = (value: unknown, digits = 1): string => (typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "–");

function markdown(results: readonly ClientResult[], startLoad: readonly number[]): string {
  const rows = results.map((r) => {
    if (r.error !== undefined) return `| ${r.kind} | failed: ${r.error} | | | | | | | | | |`;
    const s = r.synced!;
    const p = r.report!;
    return `| ${r.kind} | ${num(Number(s["listedMs"]) / 1000)} | ${num(s["listCpu"])} | ${mib(s["peakRss"])} | ${num(s["heapPerPod"], 0)} | ${String(s["cached"])} | ${num(p["churnCpu"])} | ${String(p["received"])} | ${num(p["p50"], 0)} | ${num(p["p99"], 0)} | ${num(p["loopDelayP99"], 0)} |`;
  });
  return [
    `Run: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${cpus().length} CPUs, load average at start ${startLoad.map((l) => l.toFixed(1)).join(", ")};`,
    `${PODS} pods (~40 labels+annotations each), then ${RATE} pod changes/s for ${SECONDS} s. Server and each client are separate processes.`,
    "",
    "| client | listed & cached (s) | list CPU (s) | peak RSS (MiB) | heap / pod (B) | cached | churn CPU (s) | events | p50 (ms) | p99 (ms) | loop delay p99 (ms) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ].join("\n");
}

const NOTES = `How to read it:
- "listed & cached": from creating the informer to its initial sync (promsd: paged LIST of 500, every page
  decoded to the roles layer's pod record and dropped; client-node: one unpaged LIST turned into V1Pod models).
- CPU seconds are the client process's own (process.cpuUsage deltas); the server runs in another process.
- heap / pod: heap growth after two forced GCs, divided by the cached pods (what the cache costs to keep).
- latency: server \`Date.now()\` written into an annotation → the informer's update listener, same machine clock;
  it includes the server's own serialisation and the loopback hop, and the machine's load.
- loop delay p99: the client's event-loop delay during the churn (how long an event could wait for the loop).
- The machine may be shared (see the load average): under load, runs vary and tail latencies are the machine's
  queueing (an earlier run at load 12-16 showed a p99 of ~4.5 s for both clients). Compare within one run.
- End-to-end target latency (roles + manager with --discovery.update-interval=0) is measured by the
  kubernetes-e2e bench; the hook is the informer subscription in client.ts.
`;

const startLoad = loadavg();
log(`starting the fake API server with ${PODS} pods`);
const server = fork(join(ROOT, "bench/kubernetes/server.ts"), [], { execArgv: ["--import", "tsx", "--max-old-space-size=12288"], env: { ...env, BENCH_PODS: String(PODS) }, stdio: "inherit" });
try {
  const ready = await next(server, "ready", 10 * 60_000);
  const url = String(ready["url"]);
  const results: ClientResult[] = [];
  for (const kind of CLIENTS) results.push(await runClient(server, url, kind));
  const fragment = markdown(results, startLoad);
  process.stdout.write(fragment);
  const header = "# Kubernetes list-watch benchmark\n\n`npm run bench -- kubernetes` (bench/kubernetes/run.ts; settings in its header comment).\n\n";
  writeFileSync(RESULT_FILES[0]!, header + fragment + "\n" + NOTES);
  for (const file of RESULT_FILES.slice(1)) writeFileSync(file, fragment);
} finally {
  server.send({ cmd: "stop" });
  await new Promise((r) => setTimeout(r, 500));
  if (server.exitCode === null && server.pid !== undefined) process.kill(server.pid);
}
