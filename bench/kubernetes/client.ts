/**
 * One benchmark client process: `promsd` (InformerRegistry with the roles layer's pod decoder) or
 * `client-node` (@kubernetes/client-node's makeInformer, the baseline). Reports, over IPC, the time until
 * every pod is listed and cached, CPU seconds, peak RSS and heap per pod; then the latency of churn events
 * (now − the `sent-at` annotation the server wrote) and the CPU spent while they arrive.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Registry } from "prom-client";
import { silentLogger } from "../../src/logging.js";
import { createKubeClient, plainHttpClientConfig } from "../../src/providers/kubernetes/api/client.js";
import { InformerRegistry } from "../../src/providers/kubernetes/api/informer-registry.js";
import { decodePod } from "../../src/providers/kubernetes/objects.js";
import { SENT_AT } from "./pods.js";

const [kind, url] = process.argv.slice(2) as [string, string];
const expected = Number(process.env["BENCH_PODS"] ?? 100_000);
const latencies: number[] = [];
const timeline: [number, number][] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let churnCpu = process.cpuUsage();
let churnStart = 0;

function gcHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function seconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

function onUpdate(annotations: Readonly<Record<string, string>> | undefined): void {
  const sent = annotations?.[SENT_AT];
  if (sent === undefined) return;
  const now = Date.now();
  latencies.push(now - Number(sent));
  if (process.env["BENCH_TIMELINE"]) timeline.push([now, now - Number(sent)]);
}

// client-node is loaded before the clock starts: its import is not part of listing.
const k8s = kind === "client-node" ? await import("@kubernetes/client-node") : undefined;
const heapBefore = gcHeap();
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
let count: () => number;
let keep: unknown;
if (kind === "promsd") {
  const registry = new Registry();
  const client = await createKubeClient({ apiServer: url, kubeconfigFile: undefined, httpClientConfig: plainHttpClientConfig() }, { logger: silentLogger, registry });
  const informers = new InformerRegistry(client, { logger: silentLogger, registry });
  const stop = new AbortController();
  const informer = informers.informer({ resource: { group: "", version: "v1", plural: "pods" }, decode: decodePod, decoderId: "pod" }, stop.signal);
  informer.subscribe((event) => {
    if (event.type === "update") onUpdate(event.object.metadata.annotations);
  });
  await informer.waitForSync(stop.signal);
  count = () => [...informer.list()].length;
  keep = informers;
} else if (k8s !== undefined) {
  const config = new k8s.KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: "fake", server: url, skipTLSVerify: true }], users: [{ name: "u" }],
    contexts: [{ name: "c", cluster: "fake", user: "u" }], currentContext: "c",
  });
  const api = config.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(config, "/api/v1/pods", () => api.listPodForAllNamespaces());
  informer.on("update", (pod) => onUpdate(pod.metadata?.annotations));
  await informer.start();
  count = () => informer.list().length;
  keep = informer;
} else {
  throw new Error(`unknown client ${kind}`);
}
const listedMs = performance.now() - t0;
const listCpu = seconds(process.cpuUsage(cpuBefore));
const cached = count();
const heapPerPod = (gcHeap() - heapBefore) / Math.max(1, cached);
process.send?.({ event: "synced", listedMs, listCpu, cached, expected, heapPerPod, rssAfterList: process.memoryUsage().rss, peakRss: process.resourceUsage().maxRSS * 1024 });

/** BENCH_CHURN_PROFILE=<dir>: a V8 CPU profile of the churn phase only, as <dir>/<client>.cpuprofile. */
const CHURN_PROFILE_DIR = process.env["BENCH_CHURN_PROFILE"];
const profiler = CHURN_PROFILE_DIR === undefined ? undefined : new Session();

process.on("message", async (message: { cmd: string }) => {
  if (message.cmd === "churn-start") {
    if (profiler !== undefined) {
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
    }
    latencies.length = 0;
    loopDelay.enable();
    churnCpu = process.cpuUsage();
    churnStart = performance.now();
    return;
  }
  if (message.cmd === "report") {
    if (profiler !== undefined && CHURN_PROFILE_DIR !== undefined) {
      const { profile } = await profiler.post("Profiler.stop");
      writeFileSync(`${CHURN_PROFILE_DIR}/${kind}.cpuprofile`, JSON.stringify(profile));
    }
    if (timeline.length > 0) {
      const first = timeline[0]![0];
      const lines = timeline.filter((_, i) => i % 250 === 0).map(([at, ms]) => `${((at - first) / 1000).toFixed(1)}s:${ms}`);
      process.stderr.write(`[${kind}] latency timeline: ${lines.join(" ")}\n`);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const pick = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    process.send?.({
      event: "report", received: sorted.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? Number.NaN,
      loopDelayP99: loopDelay.percentile(99) / 1e6,
      churnCpu: seconds(process.cpuUsage(churnCpu)), churnSeconds: (performance.now() - churnStart) / 1000,
      peakRss: process.resourceUsage().maxRSS * 1024, cached: count(), keep: keep === undefined,
    });
  }
});
