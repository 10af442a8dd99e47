/**
 * TargetSync following the manager's `snapshot.changes` (issue 16, item 1): which groups of which jobs
 * changed since the last sync, accumulated over every snapshot received (TargetSync builds only the latest
 * one per reload tick), and the rebuild of one job that rebuilds only those groups and decides "changed" by
 * comparing their old and new targets instead of the whole job.
 *
 * Whenever the chain of snapshots is broken (a plain Map, a snapshot whose `previousSequence` is not the one
 * seen last, a job reset), the caller falls back to reading jobs whole, as before.
 */
import type { JobChanges } from "../manager/snapshot.js";
import { labelSetsEqual } from "../model/labels.js";
import { sameTargetGroup, type TargetGroup } from "../model/target-group.js";
import { sameDiscoveredLabels } from "./build.js";
import type { ActiveTarget, BuiltTarget, DroppedTarget, FailedTarget, GroupTargetsChange } from "./types.js";

/** What a snapshot offers beyond a Map when it comes from the DiscoveryManager. */
interface FollowableSnapshot {
  readonly sequence: number;
  readonly previousSequence: number | undefined;
  readonly changes: ReadonlyMap<string, JobChanges>;
  job(name: string): { byProvider(): [provider: string, groups: TargetGroup[]][] } | undefined;
}

function asFollowable(snapshot: object): FollowableSnapshot | undefined {
  const s = snapshot as Partial<FollowableSnapshot>;
  return typeof s.sequence === "number" && s.sequence > 0 && s.changes instanceof Map && typeof s.job === "function" ? (s as FollowableSnapshot) : undefined;
}

/** One group's latest state since the last sync; `wasDeleted`: its source vanished at some point (it moves last). */
export interface PendingGroup {
  readonly group: TargetGroup | undefined;
  readonly wasDeleted: boolean;
}

/** Per job: reset (read whole), or provider → source → latest state. */
export type PendingJob = { readonly isReset: true } | { readonly isReset: false; readonly groups: Map<string, Map<string, PendingGroup>> };

/** The changes of every snapshot received since the last `take`. */
export class PendingChanges {
  #lastSequence: number | undefined;
  /** True until a followable chain starts, and whenever it breaks: the next sync reads every job whole. */
  #isBroken = true;
  readonly #jobs = new Map<string, PendingJob>();

  add(snapshot: object): void {
    const followable = asFollowable(snapshot);
    if (followable === undefined || followable.previousSequence === undefined || followable.previousSequence !== this.#lastSequence) {
      this.#isBroken = true;
      this.#jobs.clear();
    } else if (!this.#isBroken) {
      for (const [job, change] of followable.changes) this.#merge(job, change);
    }
    this.#lastSequence = followable?.sequence;
  }

  /** The changes since the last take (undefined: read every job whole); starts a new accumulation. */
  take(): ReadonlyMap<string, PendingJob> | undefined {
    const taken = this.#isBroken ? undefined : new Map(this.#jobs);
    this.#isBroken = this.#lastSequence === undefined;
    this.#jobs.clear();
    return taken;
  }

  #merge(job: string, change: JobChanges): void {
    const pending = this.#jobs.get(job);
    if (pending?.isReset === true) return;
    if (change.isReset) {
      this.#jobs.set(job, { isReset: true });
      return;
    }
    const groups = pending?.groups ?? new Map<string, Map<string, PendingGroup>>();
    for (const [provider, sources] of change.groups) {
      let bySource = groups.get(provider);
      if (bySource === undefined) groups.set(provider, (bySource = new Map()));
      for (const [source, group] of sources) {
        const wasDeleted = group === undefined || bySource.get(source)?.wasDeleted === true;
        bySource.set(source, { group, wasDeleted });
      }
    }
    if (pending === undefined) this.#jobs.set(job, { isReset: false, groups });
  }
}

/** provider → source → group, the job's groups as the manager keys them (for finding a changed group's old object). */
export type GroupsBySource = Map<string, Map<string, TargetGroup>>;

export function groupsBySource(snapshot: object, job: string): GroupsBySource | undefined {
  const entry = asFollowable(snapshot)?.job(job);
  if (entry === undefined) return undefined;
  return new Map(entry.byProvider().map(([provider, groups]) => [provider, new Map(groups.map((g) => [g.source, g]))]));
}

const NONE: readonly BuiltTarget[] = Object.freeze([]);

/**
 * Applies one job's pending group changes to its built groups (in place): rebuilds changed groups only, with
 * `build`. Returns the changes with targets before and after, and whether the targets can differ; an empty
 * list means every changed group is the very object already built (nothing to do).
 */
export function patchBuiltGroups(
  pending: ReadonlyMap<string, ReadonlyMap<string, PendingGroup>>,
  bySource: GroupsBySource,
  builtGroups: Map<TargetGroup, readonly BuiltTarget[]>,
  build: (group: TargetGroup) => readonly BuiltTarget[],
): { readonly changes: GroupTargetsChange[]; readonly isChanged: boolean } {
  const changes: GroupTargetsChange[] = [];
  let isChanged = false;
  for (const [provider, sources] of pending) {
    let known = bySource.get(provider);
    for (const [source, { group, wasDeleted }] of sources) {
      const old = known?.get(source);
      if (old === group && !wasDeleted) continue;
      // An equal group in a new object (a provider re-sending it): keep its targets, nothing changed.
      if (old !== undefined && group !== undefined && !wasDeleted && sameTargetGroup(old, group)) {
        builtGroups.set(group, builtGroups.get(old) ?? build(group));
        builtGroups.delete(old);
        known?.set(source, group);
        continue;
      }
      const before = old === undefined ? NONE : builtGroups.get(old) ?? build(old);
      if (old !== undefined) builtGroups.delete(old);
      const after = group === undefined ? NONE : build(group);
      if (group === undefined) known?.delete(source);
      else {
        if (known === undefined) bySource.set(provider, (known = new Map()));
        known.set(source, group);
        builtGroups.set(group, after);
      }
      changes.push({ provider, source, before, after });
      // A source deleted and re-added moved to the end of its provider's list: its targets' order changed.
      if ((wasDeleted && after.length > 0) || !sameBuiltTargets(before, after)) isChanged = true;
    }
  }
  return { changes, isChanged };
}

function sameBuilt(a: BuiltTarget, b: BuiltTarget): boolean {
  if (a.kind === "active" && b.kind === "active") return sameActive(a.target, b.target);
  if (a.kind === "dropped" && b.kind === "dropped") return sameDropped(a.target, b.target);
  if (a.kind === "failed" && b.kind === "failed") return sameFailed(a.target, b.target);
  return false;
}

function sameBuiltTargets(a: readonly BuiltTarget[], b: readonly BuiltTarget[]): boolean {
  return sameList(a, b, sameBuilt);
}

export function sameActive(a: ActiveTarget, b: ActiveTarget): boolean {
  return a.scrapeUrl === b.scrapeUrl && a.source === b.source && a.index === b.index && labelSetsEqual(a.labels, b.labels) && sameDiscoveredLabels(a, b);
}

export function sameDropped(a: DroppedTarget, b: DroppedTarget): boolean {
  return a.source === b.source && a.index === b.index && a.droppedByRule === b.droppedByRule && sameDiscoveredLabels(a, b);
}

export function sameFailed(a: FailedTarget, b: FailedTarget): boolean {
  return a.source === b.source && a.index === b.index && a.reason === b.reason && sameDiscoveredLabels(a, b);
}

export function sameList<T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i];
    return y !== undefined && same(x, y);
  });
}
