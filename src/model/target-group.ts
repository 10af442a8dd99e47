import type { LabelSet } from "./labels.js";

/**
 * What a discoverer produces (core.md 1.1). `source` is unique within one discoverer; the manager replaces
 * stored groups by source, and a group with no targets deletes its source (v3).
 */
export interface TargetGroup {
  readonly source: string;
  readonly labels: LabelSet;
  readonly targets: readonly LabelSet[];
}

/** An empty group: tells the manager that `source` vanished. */
export function emptyGroup(source: string): TargetGroup {
  return { source, labels: {}, targets: [] };
}
