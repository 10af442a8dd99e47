/**
 * Retained heap of one TargetSync job built from BENCH_PODS (100000) kubernetes pods: the pods of
 * bench/kubernetes/pods.ts through the pod role (4 targets and about 95 group labels per pod) and the 12
 * relabel rules of bench/kubernetes-daemon/prometheus.yml. Prints the heap held by the groups alone and what
 * the built job adds on top of them, both after a full GC. Run with
 * `node --expose-gc --max-old-space-size=8192 --import tsx bench/target-sync-heap/run.ts`.
 */
import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { parseConfigText } from "../../src/config/prometheus-config.js";
import type { TargetGroup } from "../../src/model/target-group.js";
import { decodePod } from "../../src/providers/kubernetes/objects.js";
import type { RoleCaches } from "../../src/providers/kubernetes/roles/labels.js";
import { buildPodGroup } from "../../src/providers/kubernetes/roles/pod.js";
import { TargetSync, type SnapshotSource } from "../../src/targets/target-sync.js";
import { benchPod } from "../kubernetes/pods.js";

const PODS = Number(process.env["BENCH_PODS"] ?? 100_000);
const MIB = 1024 * 1024;

function settledHeap(): number {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error("run node with --expose-gc");
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

/** No attach_metadata, as in the daemon bench's job. */
const CACHES: RoleCaches = { attach: { node: false, namespace: false, deployment: false, job: false, cronjob: false } };

function podGroups(): TargetGroup[] {
  const groups: TargetGroup[] = [];
  for (let i = 0; i < PODS; i++) groups.push(buildPodGroup(decodePod(benchPod(i)), CACHES));
  return groups;
}

const configText = readFileSync(new URL("../kubernetes-daemon/prometheus.yml", import.meta.url), "utf8").replace("API_SERVER_URL", "http://127.0.0.1:1");
const job = parseConfigText(configText, "prometheus.yml").scrapeConfigs[0];
if (job === undefined) throw new Error("no scrape config");

const start = settledHeap();
let groups: TargetGroup[] | undefined = podGroups();
const withGroups = settledHeap();
const controller = new AbortController();
let send: ((snapshot: ReadonlyMap<string, readonly TargetGroup[]>) => void) | undefined;
const source: SnapshotSource = { subscribe: (listener) => { send = listener; } };
const sync = new TargetSync({ source, scrapeConfigs: [job], profile: "v3", reloadIntervalMs: 0, registry: new Registry(), signal: controller.signal });
send?.(new Map([[job.jobName, groups]]));
groups = undefined;
const withJob = settledHeap();
const built = sync.job(job.jobName);
const targets = (built?.active.length ?? 0) + (built?.droppedCount ?? 0) + (built?.failed.length ?? 0);
console.log(`pods ${PODS}, targets ${targets} (active ${built?.active.length})`);
console.log(`groups: ${((withGroups - start) / MIB).toFixed(1)} MiB`);
console.log(`built job on top of the groups: ${((withJob - withGroups) / MIB).toFixed(1)} MiB (${Math.round((withJob - withGroups) / targets)} B per target)`);
controller.abort();
