/**
 * The manager's stored state (core.md 2.3) and the snapshots built from it (core.md 2.4). Pure: no timers, no
 * I/O, no metrics. Groups are kept per (job, provider), keyed by source, because Prometheus stores one copy
 * per subscribed job and a job that subscribes later gets a copy of the current groups (core.md 2.5).
 *
 * Snapshots share the stored groups (GroupList's copy-on-write chunks) and carry what changed since the
 * previous snapshot sent, so sending one costs O(jobs + changes), not O(groups): see snapshot.ts.
 */
import { sameTargetGroup, type TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { EMPTY_GROUP_LIST_VIEW, GroupList, type GroupListView } from "./group-list.js";
import { DiscoverySnapshot, JobGroups, type JobChanges } from "./snapshot.js";

/** Which jobs subscribe to which provider, in provider order (the v3 snapshot walks this). */
export interface Subscription {
  readonly provider: string;
  readonly jobs: Iterable<string>;
  /** The provider has not delivered its initial set yet (and is still expected to). Default false. */
  readonly isWaiting?: boolean;
}

export type Snapshot = DiscoverySnapshot;

/** Changes recorded for one job since the last snapshot taken. */
interface PendingChanges {
  isReset: boolean;
  readonly groups: Map<string, Map<string, TargetGroup | undefined>>;
}

const NO_CHANGES: ReadonlyMap<string, JobChanges> = new Map();

export class TargetStore {
  readonly #profile: Profile;
  /** job → provider → its groups. */
  readonly #state = new Map<string, Map<string, GroupList>>();
  readonly #pending = new Map<string, PendingChanges>();
  /** What the last snapshot taken held, per job: the base of the next one's `changes`. */
  #sent = new Map<string, JobGroups>();
  #sequence = 0;

  constructor(options: { readonly profile: Profile }) {
    this.#profile = options.profile;
  }

  /**
   * Applies one provider update to one job's state. `null`/`undefined` entries are ignored (some discoverers
   * send them). v3: a group with no targets deletes its source; v2.42: it is stored as is and forwarded.
   */
  applyUpdate(job: string, provider: string, groups: readonly (TargetGroup | null | undefined)[]): void {
    let list = this.#list(job, provider);
    for (const group of groups) {
      if (group === null || group === undefined) continue;
      if (this.#profile === "v3" && group.targets.length === 0) {
        if (list?.delete(group.source) === true) this.#record(job, provider, group.source, undefined);
        continue;
      }
      list ??= this.#createList(job, provider);
      const stored = list.get(group.source);
      // An unchanged group re-sent (a re-read file, a poll) keeps the stored object and is no change.
      if (stored !== undefined && sameTargetGroup(stored, group)) continue;
      list.set(group);
      this.#record(job, provider, group.source, group);
    }
    // 2.42 creates the (job, provider) entry even for an update without groups; it has no visible effect.
    if (this.#profile === "v2.42") this.#list(job, provider) ?? this.#createList(job, provider);
  }

  /** Gives `to` a copy of the groups `from` holds for `provider` (a new subscriber of a running provider). */
  copyGroups(provider: string, from: string, to: string): void {
    const source = this.#list(from, provider);
    if (source === undefined || source.groupCount === 0) return;
    const copy = this.#createList(to, provider);
    for (const group of source.toArray()) copy.set(group);
    this.#reset(to);
  }

  /** Forgets what `provider` reported for `job`. */
  delete(job: string, provider: string): void {
    const providers = this.#state.get(job);
    if (providers === undefined) return;
    providers.delete(provider);
    if (providers.size === 0) this.#state.delete(job);
    this.#reset(job);
  }

  clear(): void {
    for (const job of this.#state.keys()) this.#reset(job);
    this.#state.clear();
  }

  /** Jobs with at least one stored (job, provider) entry. */
  jobs(): string[] {
    return [...this.#state.keys()];
  }

  /** The groups stored for (job, provider), in arrival order of their sources. */
  groups(job: string, provider: string): TargetGroup[] {
    return this.#list(job, provider)?.toArray() ?? [];
  }

  /** How many targets (job, provider) holds, without listing them. */
  targetCount(job: string, provider: string): number {
    return this.#list(job, provider)?.targetCount ?? 0;
  }

  groupCount(job: string, provider: string): number {
    return this.#list(job, provider)?.groupCount ?? 0;
  }

  /**
   * The snapshot that would be sent now (core.md 2.4), without `changes` and without becoming the base of the
   * next one. v3: every job subscribed to a provider in `subscriptions` is present, possibly with an empty
   * list. v2.42: only jobs with at least one stored group are present (so a job whose providers have not
   * reported is absent, and the consumer keeps its old targets).
   */
  snapshot(subscriptions: Iterable<Subscription>): DiscoverySnapshot {
    const list = [...subscriptions];
    return new DiscoverySnapshot({ jobs: this.#jobGroups(list), sequence: 0, previousSequence: undefined, changes: NO_CHANGES, delivery: delivery(list) });
  }

  /** The snapshot to send: numbered, with the changes since the previous one taken, which it replaces as base. */
  takeSnapshot(subscriptions: Iterable<Subscription>): DiscoverySnapshot {
    const list = [...subscriptions];
    const jobs = this.#jobGroups(list);
    const changes = new Map<string, JobChanges>();
    for (const [job, now] of jobs) {
      const before = this.#sent.get(job);
      const pending = this.#pending.get(job);
      if (before === undefined || pending?.isReset === true || !sameProviders(before.providers, now.providers)) {
        changes.set(job, { isReset: true, groups: new Map() });
      } else if (pending !== undefined) {
        const groups = new Map([...pending.groups].filter(([provider]) => now.providers.includes(provider)));
        if (groups.size > 0) changes.set(job, { isReset: false, groups });
      }
    }
    for (const job of this.#sent.keys()) if (!jobs.has(job)) changes.set(job, { isReset: true, groups: new Map() });
    this.#pending.clear();
    this.#sent = jobs;
    const previousSequence = this.#sequence === 0 ? undefined : this.#sequence;
    this.#sequence++;
    return new DiscoverySnapshot({ jobs, sequence: this.#sequence, previousSequence, changes, delivery: delivery(list) });
  }

  #jobGroups(subscriptions: Iterable<Subscription>): Map<string, JobGroups> {
    const parts = new Map<string, { providers: string[]; lists: GroupListView[] }>();
    const add = (job: string, provider: string, list: GroupListView): void => {
      let part = parts.get(job);
      if (part === undefined) {
        part = { providers: [], lists: [] };
        parts.set(job, part);
      }
      part.providers.push(provider);
      part.lists.push(list);
    };
    if (this.#profile === "v2.42") {
      for (const [job, providers] of this.#state) {
        for (const [provider, list] of providers) if (list.groupCount > 0) add(job, provider, list.capture());
      }
    } else {
      for (const { provider, jobs } of subscriptions) {
        for (const job of jobs) add(job, provider, this.#list(job, provider)?.capture() ?? EMPTY_GROUP_LIST_VIEW);
      }
    }
    const out = new Map<string, JobGroups>();
    for (const [job, { providers, lists }] of parts) {
      const candidate = new JobGroups(providers, lists);
      // Unchanged jobs keep their JobGroups object, and with it the group array a consumer may have built.
      const before = this.#sent.get(job);
      out.set(job, before !== undefined && before.sameAs(candidate) ? before : candidate);
    }
    return out;
  }

  #record(job: string, provider: string, source: string, group: TargetGroup | undefined): void {
    const pending = this.#pendingFor(job);
    if (pending.isReset) return;
    let sources = pending.groups.get(provider);
    if (sources === undefined) {
      sources = new Map();
      pending.groups.set(provider, sources);
    }
    sources.set(source, group);
  }

  #reset(job: string): void {
    const pending = this.#pendingFor(job);
    pending.isReset = true;
    pending.groups.clear();
  }

  #pendingFor(job: string): PendingChanges {
    let pending = this.#pending.get(job);
    if (pending === undefined) {
      pending = { isReset: false, groups: new Map() };
      this.#pending.set(job, pending);
    }
    return pending;
  }

  #list(job: string, provider: string): GroupList | undefined {
    return this.#state.get(job)?.get(provider);
  }

  #createList(job: string, provider: string): GroupList {
    let providers = this.#state.get(job);
    if (providers === undefined) {
      providers = new Map();
      this.#state.set(job, providers);
    }
    const list = new GroupList();
    providers.set(provider, list);
    return list;
  }
}

/** Every subscribed job → the providers it still waits for (empty: each delivered its initial set). */
function delivery(subscriptions: readonly Subscription[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { provider, jobs, isWaiting } of subscriptions) {
    for (const job of jobs) {
      let waiting = out.get(job);
      if (waiting === undefined) out.set(job, (waiting = []));
      if (isWaiting === true) waiting.push(provider);
    }
  }
  return out;
}

function sameProviders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}
