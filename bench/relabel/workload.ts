/**
 * A deterministic, Kubernetes-shaped relabel workload: label sets like kubernetes_sd (role pod) yields
 * after target-building defaults, and the 15 rules of a typical `kubernetes-pods` job.
 */
import { canonicalLabels, type LabelSet } from "../../src/model/labels.js";

/** The rules, as a prometheus.yml `relabel_configs` list. */
export const KUBERNETES_POD_RULES_YAML = String.raw`
- {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape], regex: "true", action: keep}
- {source_labels: [__meta_kubernetes_pod_phase], regex: Pending|Succeeded|Failed|Completed, action: drop}
- {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme], regex: (https?), target_label: __scheme__}
- {source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path], regex: (.+), target_label: __metrics_path__}
- {source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port], regex: '([^:]+)(?::\d+)?;(\d+)', replacement: '$1:$2', target_label: __address__}
- {regex: __meta_kubernetes_pod_label_(.+), action: labelmap}
- {source_labels: [__meta_kubernetes_namespace], target_label: namespace}
- {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
- {source_labels: [__meta_kubernetes_pod_node_name], target_label: node}
- {source_labels: [__meta_kubernetes_pod_container_name], target_label: container}
- {source_labels: [__address__], modulus: 4, target_label: __tmp_hash, action: hashmod}
- {source_labels: [__tmp_hash], regex: "[0-3]", action: keep}
- {regex: pod_template_hash|controller_revision_hash|statefulset_kubernetes_io_pod_name, action: labeldrop}
- {source_labels: [__meta_kubernetes_pod_controller_kind], target_label: controller_kind, action: lowercase}
- {source_labels: [__meta_kubernetes_pod_controller_name], regex: '(.+)-[a-z0-9]{5,10}', target_label: workload}
`;

/** Mulberry32: a small seeded PRNG, so every run sees the same label sets. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = ["web", "api", "worker", "cache", "db-proxy", "ingest", "auth", "billing", "search", "notifier"];
const NAMESPACES = ["default", "prod", "staging", "monitoring", "kube-system", "payments", "data"];
const PHASES = ["Running", "Running", "Running", "Running", "Running", "Running", "Pending", "Succeeded"];

/** `count` pod label sets of about 35 labels each. */
export function kubernetesPodLabelSets(count: number, seed = 1): LabelSet[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (n: number): string => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(random() * 16)]).join("");
  const out: LabelSet[] = [];
  for (let i = 0; i < count; i++) {
    const app = pick(APPS);
    const hash = hex(10);
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const port = String(8000 + Math.floor(random() * 1000));
    const labels: Record<string, string> = {
      __address__: `${ip}:${port}`,
      __metrics_path__: "/metrics",
      __scheme__: "http",
      __scrape_interval__: "30s",
      __scrape_timeout__: "10s",
      job: "kubernetes-pods",
      __meta_kubernetes_namespace: pick(NAMESPACES),
      __meta_kubernetes_pod_name: `${app}-${hash}-${hex(5)}`,
      __meta_kubernetes_pod_ip: ip,
      __meta_kubernetes_pod_uid: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
      __meta_kubernetes_pod_phase: pick(PHASES),
      __meta_kubernetes_pod_ready: random() < 0.95 ? "true" : "false",
      __meta_kubernetes_pod_node_name: `node-${Math.floor(random() * 200)}`,
      __meta_kubernetes_pod_host_ip: `192.168.${Math.floor(random() * 4)}.${Math.floor(random() * 250)}`,
      __meta_kubernetes_pod_controller_kind: random() < 0.8 ? "ReplicaSet" : "StatefulSet",
      __meta_kubernetes_pod_controller_name: `${app}-${hash}`,
      __meta_kubernetes_pod_container_name: app,
      __meta_kubernetes_pod_container_image: `registry.example.com/${app}:v1.${Math.floor(random() * 40)}.0`,
      __meta_kubernetes_pod_container_port_name: "metrics",
      __meta_kubernetes_pod_container_port_number: port,
      __meta_kubernetes_pod_container_port_protocol: "TCP",
      __meta_kubernetes_pod_container_init: "false",
      __meta_kubernetes_pod_label_app: app,
      __meta_kubernetes_pod_labelpresent_app: "true",
      __meta_kubernetes_pod_label_pod_template_hash: hash,
      __meta_kubernetes_pod_labelpresent_pod_template_hash: "true",
      __meta_kubernetes_pod_label_tier: pick(["frontend", "backend", "data"]),
      __meta_kubernetes_pod_labelpresent_tier: "true",
      __meta_kubernetes_pod_label_team: pick(["core", "payments", "platform", "search"]),
      __meta_kubernetes_pod_labelpresent_team: "true",
      __meta_kubernetes_pod_annotation_kubectl_kubernetes_io_default_container: app,
      __meta_kubernetes_pod_annotationpresent_kubectl_kubernetes_io_default_container: "true",
    };
    if (random() < 0.85) {
      labels.__meta_kubernetes_pod_annotation_prometheus_io_scrape = "true";
      labels.__meta_kubernetes_pod_annotationpresent_prometheus_io_scrape = "true";
      labels.__meta_kubernetes_pod_annotation_prometheus_io_port = port;
      labels.__meta_kubernetes_pod_annotationpresent_prometheus_io_port = "true";
      if (random() < 0.3) labels.__meta_kubernetes_pod_annotation_prometheus_io_path = "/custom/metrics";
      if (random() < 0.1) labels.__meta_kubernetes_pod_annotation_prometheus_io_scheme = "https";
    }
    out.push(canonicalLabels(labels)); // discovered labels arrive sorted, as after target building
  }
  return out;
}
