/**
 * What the discovery manager sends downstream (core.md 2.4): for each job, all its current target groups.
 *
 * It reads like Prometheus's `map[string][]*targetgroup.Group` (a ReadonlyMap from job to groups) but is
 * built for large jobs: a job's group array is assembled only when someone asks for it (and then cached), a
 * snapshot never changes after it was sent, and `changes` says which groups differ from the previous
 * snapshot, so a consumer can follow 100,000 groups at hundreds of changes per second in O(changes).
 */
import type { TargetGroup } from "../model/target-group.js";
import type { GroupListView } from "./group-list.js";

/** How one job differs from the previous snapshot sent. */
export interface JobChanges {
  /**
   * The job's make-up changed (it is new or gone, or one of its providers was added, removed or restarted):
   * `groups` does not describe the difference, read the job's whole list (or note it is gone).
   */
  readonly isReset: boolean;
  /** provider name → source → the group stored now (`undefined`: the source was deleted). */
  readonly groups: ReadonlyMap<string, ReadonlyMap<string, TargetGroup | undefined>>;
}

/** One job in one snapshot: the captured lists of its providers, in provider order. */
export class JobGroups {
  readonly providers: readonly string[];
  readonly groupCount: number;
  readonly targetCount: number;
  readonly #lists: readonly GroupListView[];
  #groups: readonly TargetGroup[] | undefined;

  constructor(providers: readonly string[], lists: readonly GroupListView[]) {
    this.providers = providers;
    this.#lists = lists;
    let groupCount = 0;
    let targetCount = 0;
    for (const list of lists) {
      groupCount += list.groupCount;
      targetCount += list.targetCount;
    }
    this.groupCount = groupCount;
    this.targetCount = targetCount;
  }

  /** True when both hold the very same captured lists (nothing changed in between). */
  sameAs(other: JobGroups): boolean {
    return other.#lists.length === this.#lists.length && other.#lists.every((l, i) => l === this.#lists[i]) &&
      other.providers.every((p, i) => p === this.providers[i]);
  }

  /** Each provider's groups (a new array each call), for consumers that key groups by (provider, source). */
  byProvider(): [provider: string, groups: TargetGroup[]][] {
    return this.providers.map((provider, i) => {
      const out: TargetGroup[] = [];
      this.#lists[i]?.appendTo(out);
      return [provider, out];
    });
  }

  /** The groups, providers in order, each provider's sources in arrival order. Built once, then cached. */
  groups(): readonly TargetGroup[] {
    if (this.#groups === undefined) {
      const out: TargetGroup[] = [];
      for (const list of this.#lists) list.appendTo(out);
      this.#groups = Object.freeze(out);
    }
    return this.#groups;
  }
}

export class DiscoverySnapshot implements ReadonlyMap<string, readonly TargetGroup[]> {
  /** Increases by one with each snapshot the manager sends (0: not a sent snapshot, e.g. `currentSnapshot`). */
  readonly sequence: number;
  /** The snapshot `changes` is relative to; undefined when there is none (then read every job in full). */
  readonly previousSequence: number | undefined;
  /** Jobs that differ from snapshot `previousSequence`; a job absent here is unchanged. */
  readonly changes: ReadonlyMap<string, JobChanges>;
  readonly #jobs: ReadonlyMap<string, JobGroups>;
  readonly #delivery: ReadonlyMap<string, readonly string[]>;

  constructor(options: {
    jobs: ReadonlyMap<string, JobGroups>;
    sequence: number;
    previousSequence: number | undefined;
    changes: ReadonlyMap<string, JobChanges>;
    /** Every job subscribed when the snapshot was taken → its providers that had not delivered an initial set. */
    delivery?: ReadonlyMap<string, readonly string[]>;
  }) {
    this.#jobs = options.jobs;
    this.#delivery = options.delivery ?? new Map();
    this.sequence = options.sequence;
    this.previousSequence = options.previousSequence;
    this.changes = options.changes;
  }

  /**
   * The providers of `job` that had not delivered their initial set when this snapshot was taken (empty: the
   * job's groups here include an initial set from each of its providers); undefined when no provider
   * subscribed the job. A job may be absent from the map (v2.42: no groups yet) and still be listed here.
   */
  waitingProviders(job: string): readonly string[] | undefined {
    return this.#delivery.get(job);
  }

  get size(): number {
    return this.#jobs.size;
  }

  has(job: string): boolean {
    return this.#jobs.has(job);
  }

  get(job: string): readonly TargetGroup[] | undefined {
    return this.#jobs.get(job)?.groups();
  }

  /** The job's entry with its counts, without assembling its group array. */
  job(job: string): JobGroups | undefined {
    return this.#jobs.get(job);
  }

  keys(): MapIterator<string> {
    return this.#jobs.keys();
  }

  *entries(): MapIterator<[string, readonly TargetGroup[]]> {
    for (const [job, groups] of this.#jobs) yield [job, groups.groups()];
  }

  *values(): MapIterator<readonly TargetGroup[]> {
    for (const groups of this.#jobs.values()) yield groups.groups();
  }

  [Symbol.iterator](): MapIterator<[string, readonly TargetGroup[]]> {
    return this.entries();
  }

  forEach(callback: (value: readonly TargetGroup[], key: string, map: ReadonlyMap<string, readonly TargetGroup[]>) => void, thisArg?: unknown): void {
    for (const [job, groups] of this.entries()) callback.call(thisArg, groups, job, this);
  }
}
