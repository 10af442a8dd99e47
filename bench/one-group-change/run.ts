/**
 * Micro-benchmark (issue 16): one group changed in a 100,000-target job, through the real DiscoveryManager,
 * TargetSync and the http_sd final body. Prints ms per change for "sync" (manager snapshot → TargetSync
 * result) and "body" (http_sd final body patched from pieces vs encoded whole, as before).
 * Run: npx tsx bench/one-group-change/run.ts [targets=100000] [seconds=5]
 */
import { Registry } from "prom-client";
import { silentLogger } from "../../src/logging.js";
import { DiscoveryManager } from "../../src/manager/manager.js";
import { FakeMechanism } from "../../src/manager/fake-provider.js";
import { settle } from "../../src/manager/manager-harness.js";
import type { TargetGroup } from "../../src/model/target-group.js";
import { encodePieces } from "../../src/outputs/http/byte-chunks.js";
import { FinalBodyPieces } from "../../src/outputs/http-sd/final-body.js";
import { finalGroups, sdGroupsPieces } from "../../src/outputs/http-sd/groups.js";
import { testJob } from "../../src/targets/fake-scrape-config.js";
import { TargetSync } from "../../src/targets/target-sync.js";

const targets = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 5);
const pod = (i: number, v: number): TargetGroup => ({
  source: `pod/${i}`,
  labels: { __meta_kubernetes_namespace: `ns${i % 50}`, __meta_kubernetes_pod_name: `pod-${i}`, __meta_kubernetes_pod_label_app: `app${i % 300}`, __meta_kubernetes_pod_uid: `uid-${i}-${v}` },
  targets: [{ __address__: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:8080`, app: `app${i % 300}`, version: String(v) }],
});

const file = new FakeMechanism("file");
const manager = new DiscoveryManager({ providers: [file.definition], logger: silentLogger, registry: new Registry(), updateIntervalMs: 0 });
const stop = new AbortController();
const sync = new TargetSync({ source: manager, scrapeConfigs: [testJob({ jobName: "pods" })], profile: "v3", reloadIntervalMs: 0, registry: new Registry(), signal: stop.signal });
manager.applyConfig([{ jobName: "pods", sdConfigs: [file.sd({ files: ["x"] })] }]);
await settle();
file.created[0]?.push(Array.from({ length: targets }, (_, i) => pod(i, 0)));
while (sync.job("pods")?.active.length !== targets) await settle();
const pieces = new FinalBodyPieces();
pieces.update(sync.job("pods")!);

let changes = 0;
let syncMs = 0;
let piecesMs = 0;
let wholeMs = 0;
const until = performance.now() + seconds * 1000;
while (performance.now() < until) {
  const before = sync.job("pods");
  const t0 = performance.now();
  file.created[0]?.push([pod(Math.floor(Math.random() * targets), changes + 1)]);
  while (sync.job("pods") === before) await new Promise((r) => setImmediate(r));
  const t1 = performance.now();
  const job = sync.job("pods")!;
  pieces.update(job);
  const t2 = performance.now();
  if (changes % 10 === 0) {
    encodePieces(sdGroupsPieces(finalGroups(job)));
    wholeMs += performance.now() - t2;
  }
  syncMs += t1 - t0;
  piecesMs += t2 - t1;
  changes++;
}
const wholeRuns = Math.ceil(changes / 10);
console.log(JSON.stringify({ targets, changes, syncMsPerChange: +(syncMs / changes).toFixed(2), bodyFromPiecesMs: +(piecesMs / changes).toFixed(2), bodyWholeEncodeMs: +(wholeMs / wholeRuns).toFixed(1) }));
stop.abort();
await manager.close();
