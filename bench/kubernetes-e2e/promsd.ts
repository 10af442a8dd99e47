/**
 * The promsd process of the end-to-end Kubernetes bench: a DiscoveryManager with builtinProviders, a
 * prometheus.yml with one `kubernetes_sd_configs: [{ role: pod, api_server: <url> }]` job, updateIntervalMs 0,
 * subscribed to snapshots. Reports over IPC:
 * - "listed": when the pod LIST completed, observed with node:diagnostics_channel: the end of the body of
 *   the last LIST page (the last `/pods` GET without `watch=true` before the informer opens its WATCH);
 * - "complete": the first snapshot whose job holds every expected pod as a group with targets;
 * - during churn: latency = subscriber's Date.now() − the `sent-at` annotation (a target group label
 *   `__meta_kubernetes_pod_annotation_bench_promsd_io_sent_at`) of each changed group in a snapshot.
 * CPU seconds and peak RSS are this process's own, the subscriber's bookkeeping included: it follows
 * `snapshot.changes` (the groups changed since the previous snapshot), as a consumer of 100,000 groups should.
 */
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import type { ClientRequest } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Registry } from "prom-client";
import { parseConfigText } from "../../src/config/prometheus-config.js";
import { silentLogger } from "../../src/logging.js";
import { DiscoveryManager } from "../../src/manager/manager.js";
import type { DiscoverySnapshot } from "../../src/manager/snapshot.js";
import type { TargetGroup } from "../../src/model/target-group.js";
import { builtinProviders } from "../../src/providers/index.js";

const [url] = process.argv.slice(2) as [string];
const expected = Number(process.env["BENCH_PODS"] ?? 100_000);
const JOB = "kubernetes-pods";
const SENT_AT_LABEL = "__meta_kubernetes_pod_annotation_bench_promsd_io_sent_at";

const cpuSeconds = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1e6;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;

let firstListAt: number | undefined;
let lastListEnd: number | undefined;
let listedAt: number | undefined;
subscribe("http.client.request.start", (message) => {
  const request = (message as { request: ClientRequest }).request;
  if (!request.path.includes("/pods")) return;
  if (/[?&]watch=(true|1)/.test(request.path)) {
    if (listedAt === undefined && lastListEnd !== undefined) {
      listedAt = lastListEnd;
      process.send?.({ event: "listed", at: listedAt, watchAt: Date.now(), firstListAt });
    }
    return;
  }
  firstListAt ??= Date.now();
  // A listener on "end" does not change how the client reads the body.
  request.once("response", (response) => response.once("end", () => void (lastListEnd = Date.now())));
});

const yaml = `global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: ${JOB}\n    kubernetes_sd_configs:\n      - role: pod\n        api_server: ${url}\n`;
const config = parseConfigText(yaml, "/tmp/promsd-bench-kubernetes-e2e/prometheus.yml");

const latencies: number[] = [];
/** BENCH_LATENCY_LOG=<file>: one "sent-at latency-ms" row per change seen, to find when slow ones happened. */
const LATENCY_LOG = process.env["BENCH_LATENCY_LOG"];
const latencyRows: string[] = [];
if (LATENCY_LOG !== undefined) process.on("exit", () => writeFileSync(LATENCY_LOG, latencyRows.join("\n")));
const lastSent = new Map<string, string>();
let last: DiscoverySnapshot | undefined;
let snapshots = 0;
let complete = false;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function sentAt(group: TargetGroup): string | undefined {
  return group.labels[SENT_AT_LABEL] ?? group.targets[0]?.[SENT_AT_LABEL];
}

function observe(group: TargetGroup, now: number): void {
  const sent = sentAt(group);
  if (sent === undefined || lastSent.get(group.source) === sent) return;
  lastSent.set(group.source, sent);
  latencies.push(now - Number(sent)); // only churn writes carry a sent-at
  if (LATENCY_LOG !== undefined) latencyRows.push(`${sent} ${now - Number(sent)}`);
}

function onSnapshot(snapshot: DiscoverySnapshot): void {
  const now = Date.now();
  snapshots++;
  const job = snapshot.job(JOB);
  if (!complete && job !== undefined && job.groupCount >= expected) {
    let pods = 0;
    for (const group of job.groups()) if (group.targets.length > 0 && group.source.startsWith("pod/")) pods++;
    if (pods >= expected) {
      complete = true;
      process.send?.({ event: "complete", at: now, pods, targets: job.targetCount, groups: job.groupCount, snapshots, cpu: cpuSeconds(process.cpuUsage(cpuStart)), peakRss: peakRss() });
    }
  }
  // A consumer that follows every snapshot reads only the changed groups; it reads the whole job when the
  // changes do not continue what it saw (first snapshot, or the job's providers changed).
  const change = snapshot.changes.get(JOB);
  const isContinuous = last !== undefined && snapshot.previousSequence === last.sequence;
  last = snapshot;
  if (isContinuous && change === undefined) return;
  if (!isContinuous || change?.isReset === true) {
    for (const group of job?.groups() ?? []) observe(group, now);
    return;
  }
  for (const sources of change?.groups.values() ?? []) for (const group of sources.values()) if (group !== undefined) observe(group, now);
}

const registry = new Registry();
const cpuStart = process.cpuUsage();
const startedAt = Date.now();
const manager = new DiscoveryManager({ providers: builtinProviders, logger: silentLogger, registry, updateIntervalMs: 0 });
const stop = new AbortController();
manager.subscribe(onSnapshot, stop.signal);
manager.applyConfig(config.scrapeConfigs.map((job) => ({ jobName: job.jobName, sdConfigs: job.sdConfigs })));
process.send?.({ event: "started", at: startedAt });

let churnCpu = process.cpuUsage();
let churnStart = 0;
process.on("message", (message: { cmd: string }) => {
  if (message.cmd === "churn-start") {
    loopDelay.enable();
    churnCpu = process.cpuUsage();
    churnStart = performance.now();
    process.send?.({ event: "churn-ready" });
    return;
  }
  if (message.cmd === "report") {
    const sorted = [...latencies].sort((a, b) => a - b);
    const pick = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    // Over every change the server sent: one not seen yet counts as slower than any seen (Infinity).
    const sent = (message as { sent?: number }).sent ?? sorted.length;
    const pickAll = (q: number): number => sorted[Math.floor(q * sent)] ?? Number.POSITIVE_INFINITY;
    const groups = last?.get(JOB) ?? [];
    process.send?.({
      event: "report", received: sorted.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? Number.NaN,
      p50All: pickAll(0.5), p99All: pickAll(0.99),
      loopDelayP99: loopDelay.percentile(99) / 1e6, snapshots,
      churnCpu: cpuSeconds(process.cpuUsage(churnCpu)), churnSeconds: (performance.now() - churnStart) / 1000,
      peakRss: peakRss(), groups: groups.length, withSentAt: groups.filter((g) => sentAt(g) !== undefined).length,
    });
    return;
  }
  if (message.cmd === "stop") {
    stop.abort();
    void manager.close().finally(() => process.exit(0));
  }
});
