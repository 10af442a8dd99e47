/**
 * Deterministic generator of a Kubernetes-shaped file_sd workload: the same seed always writes the same
 * bytes. Each group is what Prometheus's kubernetes_sd (role pod) would yield for one container port of one
 * pod, flattened into file_sd form: one target (`podIP:port`) and the pod's `__meta_kubernetes_*` labels
 * (namespace, pod name/IP/uid/phase/readiness, node, controller, container and port, every pod label and
 * annotation with their `…present_*` twins, `prometheus.io/scrape|port|path|scheme` annotations on most pods).
 * One target per group also keeps promtool's per-source de-duplication (quadratic in the group size) out of
 * the measurement.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** mulberry32: tiny, fast, good enough for test data, and identical on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FileSdGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface WorkloadOptions {
  readonly seed: number;
  readonly targets: number;
}

const TEAMS = ["payments", "search", "checkout", "identity", "media", "ads", "platform", "data", "ml", "edge"];
const STAGES = ["prod", "staging", "dev", "canary"];
const APPS = ["api", "worker", "gateway", "cache", "indexer", "scheduler", "frontend", "auth", "queue", "db-proxy",
  "exporter", "ingest", "notifier", "billing", "renderer", "sidecar-injector"];
const PORTS: readonly { name: string; number: number }[] = [
  { name: "http-metrics", number: 9090 }, { name: "metrics", number: 8080 }, { name: "http", number: 8000 },
  { name: "grpc", number: 9000 }, { name: "admin", number: 9901 },
];
const HEX = "0123456789abcdef";
const POD_SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789";

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T; // index < length
}

function chars(random: () => number, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

function ipFor(index: number, base: number): string {
  return `${base}.${(index >>> 16) & 255}.${(index >>> 8) & 255}.${index & 255}`;
}

/** One deployment-like workload: shared labels of all its pods. */
interface Workload {
  readonly namespace: string;
  readonly app: string;
  readonly kind: "ReplicaSet" | "StatefulSet" | "DaemonSet";
  readonly controller: string;
  readonly revision: string;
  readonly version: string;
  readonly ports: readonly { name: string; number: number }[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly extraLabels: Readonly<Record<string, string>>;
}

function newWorkload(random: () => number, serial: number): Workload {
  const namespace = `${pick(random, TEAMS)}-${pick(random, STAGES)}`;
  const app = `${pick(random, APPS)}-${serial}`;
  const roll = random();
  const kind = roll < 0.8 ? "ReplicaSet" : roll < 0.93 ? "StatefulSet" : "DaemonSet";
  const revision = chars(random, HEX, 10);
  const ports = PORTS.slice(0, 1 + Math.floor(random() * 3)).map((p, i) => (i === 0 ? pick(random, PORTS) : p));
  const unique = [...new Map(ports.map((p) => [p.name, p])).values()];
  const annotations: Record<string, string> = { "kubectl.kubernetes.io/default-container": app };
  const scrape = random();
  if (scrape < 0.85) annotations["prometheus.io/scrape"] = scrape < 0.8 ? "true" : "false";
  if (random() < 0.5) annotations["prometheus.io/port"] = String(unique[0]?.number ?? 8080);
  if (random() < 0.3) annotations["prometheus.io/path"] = pick(random, ["/metrics", "/stats/prometheus", "/-/metrics"]);
  if (random() < 0.1) annotations["prometheus.io/scheme"] = "https";
  const extraLabels: Record<string, string> = {};
  if (random() < 0.5) extraLabels["tier"] = pick(random, ["backend", "frontend", "data"]);
  if (random() < 0.3) extraLabels["team"] = namespace.split("-")[0] ?? "none";
  return {
    namespace, app, kind, revision, ports: unique, annotations, extraLabels,
    controller: kind === "ReplicaSet" ? `${app}-${revision}` : app,
    version: `v${1 + Math.floor(random() * 4)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`,
  };
}

/** Prometheus's kubernetes_sd turns label and annotation names into label-name suffixes this way. */
function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

function podLabels(w: Workload): Record<string, string> {
  const labels: Record<string, string> = {
    app: w.app,
    "app.kubernetes.io/name": w.app,
    "app.kubernetes.io/version": w.version,
    ...w.extraLabels,
  };
  if (w.kind === "ReplicaSet") labels["pod-template-hash"] = w.revision;
  else labels["controller-revision-hash"] = `${w.app}-${w.revision.slice(0, 8)}`;
  return labels;
}

function groupFor(w: Workload, pod: { name: string; index: number; uid: string; phase: string; node: number },
  port: { name: string; number: number }): FileSdGroup {
  const labels: Record<string, string> = {
    __meta_kubernetes_namespace: w.namespace,
    __meta_kubernetes_pod_name: pod.name,
    __meta_kubernetes_pod_ip: ipFor(pod.index, 10),
    __meta_kubernetes_pod_uid: pod.uid,
    __meta_kubernetes_pod_node_name: `node-${pod.node}`,
    __meta_kubernetes_pod_host_ip: ipFor(pod.node, 172),
    __meta_kubernetes_pod_phase: pod.phase,
    __meta_kubernetes_pod_ready: pod.phase === "Running" ? "true" : "false",
    __meta_kubernetes_pod_controller_kind: w.kind,
    __meta_kubernetes_pod_controller_name: w.controller,
    __meta_kubernetes_pod_container_name: w.app,
    __meta_kubernetes_pod_container_image: `registry.example/${w.namespace}/${w.app}:${w.version}`,
    __meta_kubernetes_pod_container_init: "false",
    __meta_kubernetes_pod_container_port_name: port.name,
    __meta_kubernetes_pod_container_port_number: String(port.number),
    __meta_kubernetes_pod_container_port_protocol: "TCP",
  };
  for (const [name, value] of Object.entries(podLabels(w))) {
    labels[`__meta_kubernetes_pod_label_${sanitize(name)}`] = value;
    labels[`__meta_kubernetes_pod_labelpresent_${sanitize(name)}`] = "true";
  }
  for (const [name, value] of Object.entries(w.annotations)) {
    labels[`__meta_kubernetes_pod_annotation_${sanitize(name)}`] = value;
    labels[`__meta_kubernetes_pod_annotationpresent_${sanitize(name)}`] = "true";
  }
  return { targets: [`${ipFor(pod.index, 10)}:${port.number}`], labels };
}

/** Exactly `options.targets` groups of one target each, in a fixed order for a given seed. */
export function* generateGroups(options: WorkloadOptions): Generator<FileSdGroup> {
  const random = seededRandom(options.seed);
  let emitted = 0;
  let podIndex = 0;
  for (let serial = 0; emitted < options.targets; serial++) {
    const w = newWorkload(random, serial);
    const replicas = w.kind === "DaemonSet" ? 50 : 1 + Math.floor(random() * 12);
    for (let r = 0; r < replicas && emitted < options.targets; r++) {
      podIndex += 1;
      const phaseRoll = random();
      const pod = {
        name: w.kind === "StatefulSet" ? `${w.app}-${r}` : `${w.controller}-${chars(random, POD_SUFFIX_CHARS, 5)}`,
        index: podIndex,
        uid: [8, 4, 4, 4, 12].map((n) => chars(random, HEX, n)).join("-"),
        phase: phaseRoll < 0.96 ? "Running" : phaseRoll < 0.98 ? "Pending" : "Succeeded",
        node: w.kind === "DaemonSet" ? r : Math.floor(random() * 2000),
      };
      for (const port of w.ports) {
        if (emitted === options.targets) break;
        yield groupFor(w, pod, port);
        emitted += 1;
      }
    }
  }
}

/**
 * Writes the workload as `files` JSON files `targets/pods-NN.json` under `dir` (round-robin by group, so
 * the files are about equally large) and returns their paths relative to `dir`.
 */
export function writeWorkload(dir: string, options: WorkloadOptions & { readonly files: number }): string[] {
  const buckets: FileSdGroup[][] = Array.from({ length: options.files }, () => []);
  let i = 0;
  for (const group of generateGroups(options)) buckets[i++ % options.files]?.push(group);
  mkdirSync(join(dir, "targets"), { recursive: true });
  return buckets.map((groups, n) => {
    const path = join("targets", `pods-${String(n).padStart(2, "0")}.json`);
    writeFileSync(join(dir, path), JSON.stringify(groups));
    return path;
  });
}
