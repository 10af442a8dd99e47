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

/**
 * The same source, group labels and targets (in order). Lets the manager keep the stored object when a
 * provider re-sends an unchanged group (a re-read file, a poll), so consumers that key work by group object
 * (TargetSync's build cache, `snapshot.changes`) see no change where there is none.
 */
export function sameTargetGroup(a: TargetGroup, b: TargetGroup): boolean {
  if (a === b) return true;
  if (a.source !== b.source || a.targets.length !== b.targets.length || !sameLabelSet(a.labels, b.labels)) return false;
  for (let i = 0; i < a.targets.length; i++) if (!sameLabelSet(a.targets[i]!, b.targets[i]!)) return false;
  return true;
}

function sameLabelSet(a: LabelSet, b: LabelSet): boolean {
  if (a === b) return true;
  let count = 0;
  for (const name in a) {
    if (a[name] !== b[name] || !Object.hasOwn(b, name)) return false;
    count++;
  }
  for (const _ in b) if (--count < 0) return false;
  return count === 0;
}
