/**
 * One measured daemon run: a fresh fake API server with `pods` pods, `promsd run` on the bench's
 * prometheus.yml, then (a) start → http_sd serves every target, (b) churn while polling http_sd.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { stopForkedChild } from "../lib/child-messages.js";
import { churnPods, startFakeKubernetes, type FakeKubernetesProcess } from "../lib/fake-kubernetes-process.js";
import { readProcessUsage } from "../lib/process-usage.js";
import { sampleValue } from "../lib/prometheus-text.js";
import { startDaemon, stopDaemon, type DaemonProcess } from "./daemon-process.js";
import { SdPoller, type SdPoll } from "./sd-poller.js";

export const JOB = "kubernetes-pods";
const CONFIG_TEMPLATE = fileURLToPath(new URL("prometheus.yml", import.meta.url));
const TARGETS_PER_POD = 4; // bench pods have two containers with two ports each

export interface BenchSettings {
  readonly pods: number;
  readonly rate: number;
  readonly seconds: number;
  readonly pollMs: number;
  /** Polling goes on this long after the last change was written. */
  readonly graceMs: number;
  readonly serveTimeoutMs: number;
  readonly serverExecArgv: readonly string[];
  readonly daemonNodeFlags: readonly string[];
  readonly daemonFlags: readonly string[];
}

export interface Variant {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
}

/** Start → every target in http_sd. */
export interface ServePhase {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  readonly bodyBytes: number;
  readonly bodyMs: number;
  readonly syncs: number;
  readonly syncSeconds: number;
}

/** Churn plus grace, polling http_sd. */
export interface ChurnPhase {
  readonly sent: number;
  /** Change → http_sd delays (ms) of the changes seen, ascending. */
  readonly delaysMs: readonly number[];
  readonly windowSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssBytes: number;
  readonly syncs: number;
  readonly syncSeconds: number;
  readonly bodies: number;
  readonly bodyMsMean: number;
}

export interface VariantResult {
  readonly variant: Variant;
  readonly serverLoadSeconds?: number;
  readonly serve?: ServePhase;
  readonly churn?: ChurnPhase;
  readonly error?: string;
}

interface SyncTotals {
  readonly count: number;
  readonly sum: number;
}

async function syncTotals(daemon: DaemonProcess): Promise<SyncTotals> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  const of = (name: string): number => sampleValue(text, name, { scrape_job: JOB }) ?? 0;
  return { count: of("prometheus_target_sync_length_seconds_count"), sum: of("prometheus_target_sync_length_seconds_sum") };
}

function writeConfig(dir: string, apiServerUrl: string): string {
  const file = join(dir, "prometheus.yml");
  writeFileSync(file, readFileSync(CONFIG_TEMPLATE, "utf8").replaceAll("API_SERVER_URL", apiServerUrl));
  return file;
}

async function pollUntilServed(poller: SdPoller, expected: number, settings: BenchSettings): Promise<SdPoll> {
  const deadline = performance.now() + settings.serveTimeoutMs;
  let last = "no answer";
  while (performance.now() < deadline) {
    const started = performance.now();
    const poll = await poller.poll();
    if (poll.scan !== undefined && poll.scan.targets >= expected) return poll;
    last = poll.scan === undefined ? `status ${poll.status}` : `${poll.scan.targets} targets`;
    await delay(Math.max(0, settings.pollMs - (performance.now() - started)));
  }
  throw new Error(`http_sd did not serve ${expected} targets within ${settings.serveTimeoutMs / 1000} s (last poll: ${last})`);
}

async function measureServe(daemon: DaemonProcess, poller: SdPoller, startedAtMs: number, settings: BenchSettings): Promise<{ phase: ServePhase; poll: SdPoll }> {
  const poll = await pollUntilServed(poller, settings.pods * TARGETS_PER_POD, settings);
  const usage = readProcessUsage(daemon.pid);
  const sync = await syncTotals(daemon);
  const phase: ServePhase = {
    seconds: (poll.respondedAtMs - startedAtMs) / 1000, cpuSeconds: usage.cpuSeconds, peakRssBytes: usage.peakRssBytes,
    bodyBytes: poll.bytes, bodyMs: poll.durationMs, syncs: sync.count, syncSeconds: sync.sum,
  };
  return { phase, poll };
}

async function measureChurn(daemon: DaemonProcess, server: FakeKubernetesProcess, poller: SdPoller, known: ReadonlySet<string>, settings: BenchSettings): Promise<ChurnPhase> {
  const syncBefore = await syncTotals(daemon);
  const cpuBefore = readProcessUsage(daemon.pid).cpuSeconds;
  const started = performance.now();
  let churnEndedAt: number | undefined;
  const churned = churnPods(server, settings.rate, settings.seconds).finally(() => (churnEndedAt = performance.now()));
  const delays = new Map<string, number>();
  let bodies = 0;
  let bodyMs = 0;
  while (churnEndedAt === undefined || performance.now() < churnEndedAt + settings.graceMs) {
    const pollStarted = performance.now();
    const poll = await poller.poll();
    if (poll.scan !== undefined) {
      bodies++;
      bodyMs += poll.durationMs;
      for (const [key, sentAtMs] of poll.scan.changes) if (!known.has(key) && !delays.has(key)) delays.set(key, poll.respondedAtMs - sentAtMs);
    }
    await delay(Math.max(0, settings.pollMs - (performance.now() - pollStarted)));
  }
  const sent = await churned;
  const usage = readProcessUsage(daemon.pid);
  const syncAfter = await syncTotals(daemon);
  return {
    sent, delaysMs: [...delays.values()].sort((a, b) => a - b), windowSeconds: (performance.now() - started) / 1000,
    cpuSeconds: usage.cpuSeconds - cpuBefore, peakRssBytes: usage.peakRssBytes,
    syncs: syncAfter.count - syncBefore.count, syncSeconds: syncAfter.sum - syncBefore.sum,
    bodies, bodyMsMean: bodies === 0 ? Number.NaN : bodyMs / bodies,
  };
}

function log(message: string): void {
  process.stderr.write(`[kubernetes-daemon ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** Runs one variant from a fresh server to a stopped daemon; failures end up in `error`, never thrown. */
export async function runVariant(variant: Variant, settings: BenchSettings): Promise<VariantResult> {
  const dir = mkdtempSync(join(tmpdir(), "promsd-k8s-daemon-"));
  let server: FakeKubernetesProcess | undefined;
  let daemon: DaemonProcess | undefined;
  let poller: SdPoller | undefined;
  const result: { -readonly [K in keyof VariantResult]: VariantResult[K] } = { variant };
  try {
    server = await startFakeKubernetes({ pods: settings.pods, execArgv: settings.serverExecArgv });
    result.serverLoadSeconds = server.loadSeconds;
    log(`${variant.name}: server ready with ${settings.pods} pods in ${server.loadSeconds.toFixed(1)} s; starting promsd run`);
    const startedAtMs = Date.now();
    daemon = await startDaemon({
      configFile: writeConfig(dir, server.url), env: { ...process.env, ...variant.env },
      nodeFlags: settings.daemonNodeFlags, flags: settings.daemonFlags, startTimeoutMs: 60_000,
    });
    poller = new SdPoller(daemon.url, JOB);
    const served = await measureServe(daemon, poller, startedAtMs, settings);
    result.serve = served.phase;
    log(`${variant.name}: all targets in http_sd ${served.phase.seconds.toFixed(1)} s after start (${(served.poll.bytes / 2 ** 20).toFixed(0)} MiB body); churning`);
    result.churn = await measureChurn(daemon, server, poller, new Set(served.poll.scan?.changes.keys()), settings);
    log(`${variant.name}: ${result.churn.delaysMs.length} of ${result.churn.sent} changes seen; churn CPU ${result.churn.cpuSeconds.toFixed(1)} s, ${result.churn.syncs} syncs`);
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    log(`${variant.name}: failed: ${result.error}`);
  } finally {
    poller?.close();
    if (daemon !== undefined) await stopDaemon(daemon, 20_000);
    if (server !== undefined) await stopForkedChild(server.child, 20_000);
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
