/**
 * Retained heap of one TargetSync job built from BENCH_PODS (100000) kubernetes pods: the pods of
 * bench/kubernetes/pods.ts through the pod role (4 targets and about 95 group labels per pod) and the 12
 * relabel rules of bench/kubernetes-daemon/prometheus.yml. Prints the heap held by the groups alone and what
 * the built job adds on top of them, both after a full GC. `npm run bench -- target-sync-heap` runs it; the
 * script restarts itself with `--expose-gc --max-old-space-size=8192` when started without them.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
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

if (globalThis.gc === undefined) {
  const args = ["--expose-gc", "--max-old-space-size=8192", "--import", "tsx", fileURLToPath(import.meta.url)];
  process.exit(spawnSync(process.execPath, args, { stdio: "inherit" }).status ?? 1);
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
const lines = [
  `- pods ${PODS}, targets ${targets} (active ${built?.active.length ?? 0}), heapUsed after GC`,
  `- groups: ${((withGroups - start) / MIB).toFixed(1)} MiB`,
  `- built job on top of the groups: ${((withJob - withGroups) / MIB).toFixed(1)} MiB (${Math.round((withJob - withGroups) / targets)} B per target)`,
];
console.log(lines.join("\n"));
const resultFile = process.env["BENCH_RESULT_FILE"];
if (resultFile !== undefined) writeFileSync(resultFile, `${lines.join("\n")}\n`);
controller.abort();
