/**
 * A target's allocation identity: the values of the configured labels (default `__address__`, which is what
 * Prometheus's hashmod sharding hashes too). Targets with equal identities are allocated together.
 */
import { ADDRESS_LABEL, type LabelSet } from "../model/labels.js";

export const DEFAULT_IDENTITY_LABELS: readonly string[] = Object.freeze([ADDRESS_LABEL]);

/** One label: its value as it is. Several: a JSON array of the values, so no separator can be forged. */
export function targetIdentity(labels: LabelSet, labelNames: readonly string[] = DEFAULT_IDENTITY_LABELS): string {
  if (labelNames.length === 1) return labels[labelNames[0] ?? ""] ?? "";
  return JSON.stringify(labelNames.map((name) => labels[name] ?? ""));
}
