/**
 * Measures what serving one large job costs in memory (core.md 7.4): a job of PROBE_TARGETS targets (default
 * 100,000, each ~40 discovered and ~30 final labels) behind the real Router and HttpServer, one request per
 * scenario, each scenario in a fresh process so one cannot inherit another's garbage. Not a test and not a
 * timed benchmark: run it by hand before and after a change to the response writers and compare.
 *
 *   node --import tsx src/outputs/http/body-memory-probe.ts [scenario…]
 *
 * Peak heap is the largest heap size V8 reports (`--trace-gc`) between the request and the end of the body,
 * minus the heap held before the request, garbage included; peak live is the largest heap left after a GC in
 * that time (what the request really holds, sampled at each GC); `retained` is what stays after a full GC
 * (caches); `external` is Buffer memory (outside the V8 heap) held after the request, which includes a few
 * tens of MB of socket buffers not yet released. The client discards the body as it arrives.
 *
 * Measured 2026-11-27 (Node 20, 100,000 targets, MB over the heap before the request), before (7c3d7a1, whole
 * bodies as strings) → after (streamed targets APIs; http_sd bodies cached once as chunks, groups sharing the
 * targets' label sets):
 *
 *   scenario             body MB   peak heap     peak live     retained     external
 *   http-sd-final           41.0   256 → 33      256 → 18      134 → 13     41 → 41
 *   http-sd-final-gzip       3.5   256 → 33      255 → 18      134 → 13     44 → 52
 *   http-sd-discovered     180.4   996 → 90      996 → 75      324 → -9    180 → 184
 *   targets-api            256.7  1176 → 98     1175 → 82      -20 → -20     0 → 18
 *   ui-job-targets         254.0   837 → 94      836 → 78      234 → -20   762 → 3
 *
 * The streamed figures grow with the body (targets-api: +25 MB at 30,000 targets, +164 MB at 200,000) only
 * because no mark-compact runs during the request: it is dead, promoted garbage (a full GC afterwards leaves
 * -20 MB). Capping the old space 57 MB above the pre-request heap (`--child targets-api` with
 * `--max-old-space-size=660`) the streamed 257 MB body completes with the live heap below where it started;
 * the old code dies there with "JavaScript heap out of memory".
 */
import { spawnSync } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import type { TargetGroup } from "../../model/target-group.js";
import type { ActiveTarget, DroppedTarget, JobTargets, TargetsView } from "../../targets/types.js";
import { TargetsApi } from "../api/targets-api.js";
import { HTTP_SD_PATH_PREFIX, HttpSdOutput } from "../http-sd/http-sd.js";
import { jobTargetsHandler } from "../ui/ui-api.js";
import { Router } from "./router.js";
import { HttpServer } from "./server.js";

const TARGETS = Number(process.env["PROBE_TARGETS"] ?? 100_000);
const SCENARIOS: Record<string, string> = {
  "http-sd-final": "/api/v1/sd/big",
  "http-sd-final-gzip": "/api/v1/sd/big",
  "http-sd-discovered": "/api/v1/sd/big?view=discovered",
  "targets-api": "/api/v1/targets",
  "ui-job-targets": "/api/v1/promsd/targets?job=big",
};
const MB = 1024 * 1024;

function discoveredLabelsOf(i: number): Record<string, string> {
  const labels: Record<string, string> = {
    __address__: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`,
    __metrics_path__: "/metrics", __scheme__: "http", __scrape_interval__: "30s", __scrape_timeout__: "10s", job: "big",
    __meta_kubernetes_namespace: `team-${i % 23}`, __meta_kubernetes_pod_name: `api-${i.toString(36)}-x7f2k`,
    __meta_kubernetes_pod_uid: `8c4e${i.toString(16).padStart(8, "0")}-1f2a-4b5c-9d8e-0123456789ab`,
    __meta_kubernetes_pod_ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    __meta_kubernetes_pod_node_name: `node-${i % 500}.eu-west-1.compute.internal`,
    __meta_kubernetes_pod_container_name: "app", __meta_kubernetes_pod_container_port_number: "8080",
  };
  for (let l = 0; l < 14; l++) labels[`__meta_kubernetes_pod_label_k${l}`] = `value-${l}-${i % (l + 7)}`;
  for (let a = 0; a < 12; a++) labels[`__meta_kubernetes_pod_annotation_a${a}`] = `annotation <${a}> & ${i % 97}`;
  return labels;
}

function finalLabelsOf(i: number, discovered: Record<string, string>): Record<string, string> {
  const labels: Record<string, string> = { instance: discovered["__address__"] ?? "" };
  for (const [name, value] of Object.entries(discovered)) {
    if (name.startsWith("__meta_kubernetes_pod_label_")) labels[name.slice("__meta_kubernetes_pod_label_".length)] = value;
    else if (!name.startsWith("__meta_")) labels[name] = value;
  }
  labels["namespace"] = `team-${i % 23}`;
  labels["pod"] = `api-${i.toString(36)}-x7f2k`;
  return labels;
}

/** A job with TARGETS active targets and a tenth of that dropped, plus its discovered groups. */
function bigJob(): { job: JobTargets; groups: TargetGroup[] } {
  const active: ActiveTarget[] = [];
  const dropped: DroppedTarget[] = [];
  const groups: TargetGroup[] = [];
  for (let i = 0; i < TARGETS; i++) {
    const discoveredLabels = discoveredLabelsOf(i);
    const labels = finalLabelsOf(i, discoveredLabels);
    active.push({ discoveredLabels, labels, scrapeUrl: `http://${labels["__address__"]}/metrics`, source: `pods/${i}`, index: 0 });
    if (i % 10 === 0) dropped.push({ discoveredLabels: discoveredLabelsOf(TARGETS + i), source: `pods/${i}`, index: 1, droppedByRule: 0 });
    groups.push({ source: `pods/${i}`, labels: {}, targets: [discoveredLabels] });
  }
  return { job: { jobName: "big", active, dropped, droppedCount: dropped.length, failed: [], updatedAtMs: 0 }, groups };
}

function serveBigJob(): Router {
  const { job, groups } = bigJob();
  const view: TargetsView = {
    jobNames: () => ["big"],
    job: (name) => (name === "big" ? job : undefined),
    delivery: (name) => ({ isComplete: name === "big", waitingFor: [] }),
    subscribe: () => {},
  };
  const httpSd = new HttpSdOutput({ targets: view, discoveredGroups: () => groups });
  const api = new TargetsApi({ targets: view, profile: "v3", globalUrl: () => ({ externalUrl: new URL("http://probe:9800/"), listenPort: 9800 }) });
  const ui = jobTargetsHandler({ targets: view, relabelRules: () => undefined, providerStatuses: () => [] });
  return new Router()
    .get(HTTP_SD_PATH_PREFIX, (r) => httpSd.handle(r), { isPrefix: true })
    .get("/api/v1/targets", (r) => api.targets(r))
    .get("/api/v1/promsd/targets", ui);
}

/** GETs `path` and counts the body bytes without keeping them. */
function fetchDiscarding(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve(bytes));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function runScenario(name: string): Promise<void> {
  const path = SCENARIOS[name];
  if (path === undefined) throw new Error(`unknown scenario ${name}; expected one of ${Object.keys(SCENARIOS).join(", ")}`);
  const server = await HttpServer.listen(serveBigJob(), { host: "127.0.0.1", port: 0 });
  gc();
  const before = process.memoryUsage();
  process.stdout.write(`PROBE start ${before.heapUsed}\n`);
  const bytes = await fetchDiscarding(`${server.url}${path}`, name.endsWith("-gzip") ? { "accept-encoding": "gzip" } : {});
  const end = process.memoryUsage();
  process.stdout.write(`PROBE end ${end.heapUsed}\n`);
  gc();
  const after = process.memoryUsage();
  process.stdout.write(`PROBE result ${JSON.stringify({ bytes, retained: after.heapUsed - before.heapUsed, external: after.arrayBuffers - before.arrayBuffers })}\n`);
  await server.close();
}

/**
 * Largest heap sizes (MB) the GCs saw between the start and end markers, from `--trace-gc` lines
 * (`Scavenge 812.4 (830.0) -> 790.1 (820.0) MB`): before a GC (live data plus garbage not yet collected) and
 * after it (live data only, sampled at each GC).
 */
function peakHeapMb(lines: readonly string[]): { beforeGc: number; afterGc: number } {
  let inside = false;
  const peak = { beforeGc: 0, afterGc: 0 };
  for (const line of lines) {
    if (line.startsWith("PROBE start")) inside = true;
    else if (line.startsWith("PROBE end ")) return { ...peak, beforeGc: Math.max(peak.beforeGc, Number(line.split(" ")[2]) / MB) };
    const gcLine = inside ? / (?:Scavenge|Mark-Compact|Mark-sweep)[^0-9]*([0-9.]+) \([0-9.]+\) -> ([0-9.]+) \(/.exec(line) : null;
    if (gcLine) {
      peak.beforeGc = Math.max(peak.beforeGc, Number(gcLine[1]));
      peak.afterGc = Math.max(peak.afterGc, Number(gcLine[2]));
    }
  }
  return peak;
}

function runInChild(name: string): void {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", "--trace-gc", "--max-old-space-size=8192", self, "--child", name], {
    encoding: "utf8",
    maxBuffer: 256 * MB,
  });
  if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
  const lines = child.stdout.split("\n");
  const start = Number(lines.find((l) => l.startsWith("PROBE start"))?.split(" ")[2]) / MB;
  const result = JSON.parse(lines.find((l) => l.startsWith("PROBE result"))?.slice("PROBE result ".length) ?? "{}") as { bytes: number; retained: number; external: number };
  const peak = peakHeapMb(lines);
  const mb = (value: number): string => `${value < 0 ? "" : "+"}${value.toFixed(0)}`.padStart(6);
  process.stdout.write(
    `${name.padEnd(20)} body ${(result.bytes / MB).toFixed(1).padStart(7)} MB  peak heap ${mb(peak.beforeGc - start)} MB  peak live ${mb(peak.afterGc - start)} MB  ` +
      `retained ${mb(result.retained / MB)} MB  external ${mb(result.external / MB)} MB\n`,
  );
}

const args = process.argv.slice(2);
if (args[0] === "--child") await runScenario(args[1] ?? "");
else for (const name of args.length > 0 ? args : Object.keys(SCENARIOS)) runInChild(name);
