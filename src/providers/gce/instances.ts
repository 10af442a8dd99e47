/**
 * Compute Engine instances to targets (Prometheus discovery/gce/gce.go refresh): the first network
 * interface gives `__address__` (`<networkIP>:<port>`, joined without brackets, as Prometheus's Sprintf
 * does), network, subnetwork and private IP; every interface its `…_interface_ipv4_<name>`; the first
 * interface's first access config, when ONE_TO_ONE_NAT, the public IP. Same labels in 2.42 and 3.x.
 */
import type { LabelSet } from "../../model/labels.js";
import { setOwnLabel } from "../../model/labels.js";
import { sanitizeLabelName } from "../../model/sanitize.js";

const P = "__meta_gce_";
export const META_GCE_PROJECT = `${P}project`;
export const META_GCE_ZONE = `${P}zone`;
export const META_GCE_NETWORK = `${P}network`;
export const META_GCE_SUBNETWORK = `${P}subnetwork`;
export const META_GCE_PUBLIC_IP = `${P}public_ip`;
export const META_GCE_PRIVATE_IP = `${P}private_ip`;
export const META_GCE_INSTANCE_ID = `${P}instance_id`;
export const META_GCE_INSTANCE_NAME = `${P}instance_name`;
export const META_GCE_INSTANCE_STATUS = `${P}instance_status`;
export const META_GCE_TAGS = `${P}tags`;
export const META_GCE_METADATA_PREFIX = `${P}metadata_`;
export const META_GCE_LABEL_PREFIX = `${P}label_`;
export const META_GCE_MACHINE_TYPE = `${P}machine_type`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const record = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});
const text = (value: unknown): string => (typeof value === "string" ? value : "");
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The API sends uint64 ids as decimal strings; Go prints the parsed number back. */
function instanceId(value: unknown): string {
  const raw = typeof value === "number" ? String(value) : text(value);
  return /^\d+$/.test(raw) ? BigInt(raw).toString() : "0";
}

export interface InstanceContext {
  readonly project: string;
  readonly port: number;
  readonly tagSeparator: string;
}

export function instanceTarget(instance: unknown, context: InstanceContext): LabelSet | undefined {
  const inst = record(instance);
  const interfaces = list(inst["networkInterfaces"]).map(record);
  const primary = interfaces[0];
  if (primary === undefined) return undefined;
  const labels: Record<string, string> = {
    [META_GCE_PROJECT]: context.project,
    [META_GCE_ZONE]: text(inst["zone"]),
    [META_GCE_INSTANCE_ID]: instanceId(inst["id"]),
    [META_GCE_INSTANCE_NAME]: text(inst["name"]),
    [META_GCE_INSTANCE_STATUS]: text(inst["status"]),
    [META_GCE_MACHINE_TYPE]: text(inst["machineType"]),
    [META_GCE_NETWORK]: text(primary["network"]),
    [META_GCE_SUBNETWORK]: text(primary["subnetwork"]),
    [META_GCE_PRIVATE_IP]: text(primary["networkIP"]),
    __address__: `${text(primary["networkIP"])}:${context.port}`,
  };
  for (const iface of interfaces) setOwnLabel(labels, `${P}interface_ipv4_${sanitizeLabelName(text(iface["name"]))}`, text(iface["networkIP"]));
  const tags = list(record(inst["tags"])["items"]).map(text);
  if (tags.length > 0) labels[META_GCE_TAGS] = context.tagSeparator + tags.join(context.tagSeparator) + context.tagSeparator;
  for (const item of list(record(inst["metadata"])["items"]).map(record)) {
    if (typeof item["value"] !== "string") continue; // Go skips items whose value is null
    setOwnLabel(labels, META_GCE_METADATA_PREFIX + sanitizeLabelName(text(item["key"])), item["value"]);
  }
  for (const [key, value] of Object.entries(record(inst["labels"]))) setOwnLabel(labels, META_GCE_LABEL_PREFIX + sanitizeLabelName(key), text(value));
  const access = record(list(primary["accessConfigs"])[0]);
  if (access["type"] === "ONE_TO_ONE_NAT") labels[META_GCE_PUBLIC_IP] = text(access["natIP"]);
  return labels;
}
