/**
 * Target identity (spec core.md 4.7): a target is its complete final label set plus its scrape URL. Within
 * one job the URL is a function of the labels and the job's params, so equal labels mean equal identity.
 * Hashing instead of string keys keeps deduplication of 100,000 targets cheap.
 */
import type { LabelSet } from "../model/labels.js";
import type { ActiveTarget } from "./types.js";

/** An unambiguous identity key of a final label set (length-prefixed names and values), for small sets. */
export function labelsIdentity(labels: LabelSet): string {
  let key = "";
  for (const name in labels) {
    const value = labels[name] ?? "";
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/**
 * FNV-1a (32 bit) over names and values with separators, continuing from `seed`. Much cheaper than building
 * a string key for 100,000 targets; collisions are resolved by comparing the label sets.
 */
export function labelsHash(labels: LabelSet, seed = 0x811c9dc5): number {
  let h = seed;
  for (const name in labels) {
    for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xfffe, 0x01000193);
    const value = labels[name] ?? "";
    for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xffff, 0x01000193);
  }
  return h;
}

/** Both label sets are in canonical (sorted) order, so equal sets list equal names in equal order. */
export function sameLabels(a: LabelSet, b: LabelSet): boolean {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return false;
  for (let i = 0; i < an.length; i++) {
    const name = an[i] ?? "";
    if (name !== bn[i] || a[name] !== b[name]) return false;
  }
  return true;
}

/**
 * Active targets deduplicated by identity (core.md 4.7). Within one job the scrape URL is a function of
 * the final labels and the job's params, so equal labels mean equal identity. The first position is kept;
 * the last duplicate (and so its discovered labels) wins.
 */
export class ActiveTargetSet {
  readonly targets: ActiveTarget[] = [];
  readonly #firstByHash = new Map<number, number>();
  /** Next position with the same hash, or -1 (a chain through `targets`, no per-target allocation). */
  readonly #nextSameHash: number[] = [];

  add(target: ActiveTarget): void {
    const hash = labelsHash(target.labels);
    let at = this.#firstByHash.get(hash) ?? -1;
    let last = -1;
    while (at >= 0) {
      const existing = this.targets[at];
      if (existing !== undefined && sameLabels(existing.labels, target.labels)) {
        this.targets[at] = target;
        return;
      }
      last = at;
      at = this.#nextSameHash[at] ?? -1;
    }
    const position = this.targets.length;
    this.targets.push(target);
    this.#nextSameHash.push(-1);
    if (last < 0) this.#firstByHash.set(hash, position);
    else this.#nextSameHash[last] = position;
  }
}
