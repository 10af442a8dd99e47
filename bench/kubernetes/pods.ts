/**
 * The benchmark's pods: realistic shapes (two containers with ports and statuses, conditions, owner
 * reference, managedFields) with about 40 labels and annotations each (20 + 20), deterministic by index.
 */
export const SENT_AT = "bench.promsd.io/sent-at";

export function benchPod(i: number, sentAtMs?: number): Record<string, unknown> {
  const name = `app-${Math.floor(i / 10)}-${(i * 2654435761 % 1e9).toString(36)}-${i}`;
  const namespace = `ns-${i % 50}`;
  const labels: Record<string, string> = {
    app: `app-${Math.floor(i / 10)}`, "app.kubernetes.io/name": `service-${i % 300}`, "pod-template-hash": (i * 7919).toString(16),
  };
  for (let l = 0; l < 17; l++) labels[`example.com/label-${l}`] = `value-${l}-${i % 97}`;
  const annotations: Record<string, string> = { "kubernetes.io/psp": "restricted", "prometheus.io/scrape": "true", "prometheus.io/port": "9100" };
  for (let a = 0; a < 17; a++) annotations[`example.com/annotation-${a}`] = `some annotation text ${a} for pod ${i}`;
  if (sentAtMs !== undefined) annotations[SENT_AT] = String(sentAtMs);
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const container = (c: number): Record<string, unknown> => ({
    name: `container-${c}`, image: `registry.example.com/team/image-${c}:v1.${i % 13}`,
    ports: [{ name: `http-${c}`, containerPort: 8080 + c, protocol: "TCP" }, { name: `metrics-${c}`, containerPort: 9100 + c, protocol: "TCP" }],
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "512Mi" } },
    env: [{ name: "MODE", value: "production" }, { name: "REGION", value: "eu-west-1" }],
    volumeMounts: [{ name: "config", mountPath: "/etc/config" }],
  });
  return {
    metadata: {
      name, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`, labels, annotations,
      creationTimestamp: "2026-01-01T00:00:00Z",
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: `app-${Math.floor(i / 10)}-rs`, uid: "rs-uid", controller: true, blockOwnerDeletion: true }],
      managedFields: [{ manager: "kube-controller-manager", operation: "Update", apiVersion: "v1", time: "2026-01-01T00:00:00Z", fieldsType: "FieldsV1", fieldsV1: { "f:metadata": { "f:labels": {} } } }],
    },
    spec: {
      nodeName: `node-${i % 500}`, containers: [container(0), container(1)], initContainers: [],
      restartPolicy: "Always", serviceAccountName: "default", volumes: [{ name: "config", configMap: { name: "cfg" } }],
    },
    status: {
      phase: "Running", podIP: ip, podIPs: [{ ip }], hostIP: `192.168.${(i >> 8) & 255}.${i & 255}`, startTime: "2026-01-01T00:00:00Z",
      conditions: [
        { type: "Initialized", status: "True" }, { type: "Ready", status: "True" },
        { type: "ContainersReady", status: "True" }, { type: "PodScheduled", status: "True" },
      ],
      containerStatuses: [0, 1].map((c) => ({ name: `container-${c}`, ready: true, restartCount: 0, image: `image-${c}`, imageID: `sha256:${c}`, containerID: `containerd://${i}-${c}`, started: true, state: { running: { startedAt: "2026-01-01T00:00:00Z" } } })),
      qosClass: "Burstable",
    },
  };
}
