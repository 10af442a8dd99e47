/**
 * The manager's stored state (core.md 2.3) and the snapshots built from it (core.md 2.4). Pure: no timers, no
 * I/O, no metrics. Groups are kept per (job, provider), keyed by source, because Prometheus stores one copy
 * per subscribed job and a job that subscribes later gets a copy of the current groups (core.md 2.5).
 */
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";

/** Which jobs subscribe to which provider, in provider order (the v3 snapshot walks this). */
export interface Subscription {
  readonly provider: string;
  readonly jobs: Iterable<string>;
}

export type Snapshot = ReadonlyMap<string, readonly TargetGroup[]>;

export class TargetStore {
  readonly #profile: Profile;
  /** job → provider → source → group. */
  readonly #state = new Map<string, Map<string, Map<string, TargetGroup>>>();

  constructor(options: { readonly profile: Profile }) {
    this.#profile = options.profile;
  }

  /**
   * Applies one provider update to one job's state. `null`/`undefined` entries are ignored (some discoverers
   * send them). v3: a group with no targets deletes its source; v2.42: it is stored as is and forwarded.
   */
  applyUpdate(job: string, provider: string, groups: readonly (TargetGroup | null | undefined)[]): void {
    let sources = this.#sources(job, provider);
    for (const group of groups) {
      if (group === null || group === undefined) continue;
      if (this.#profile === "v3" && group.targets.length === 0) {
        sources?.delete(group.source);
        continue;
      }
      sources ??= this.#createSources(job, provider);
      sources.set(group.source, group);
    }
    // 2.42 creates the (job, provider) entry even for an update without groups; it has no visible effect.
    if (this.#profile === "v2.42") this.#sources(job, provider) ?? this.#createSources(job, provider);
  }

  /** Gives `to` a copy of the groups `from` holds for `provider` (a new subscriber of a running provider). */
  copyGroups(provider: string, from: string, to: string): void {
    const sources = this.#sources(from, provider);
    if (sources === undefined || sources.size === 0) return;
    const copy = this.#createSources(to, provider);
    for (const [source, group] of sources) copy.set(source, group);
  }

  /** Forgets what `provider` reported for `job`. */
  delete(job: string, provider: string): void {
    const providers = this.#state.get(job);
    if (providers === undefined) return;
    providers.delete(provider);
    if (providers.size === 0) this.#state.delete(job);
  }

  clear(): void {
    this.#state.clear();
  }

  /** Jobs with at least one stored (job, provider) entry. */
  jobs(): string[] {
    return [...this.#state.keys()];
  }

  /** The groups stored for (job, provider), in arrival order of their sources. */
  groups(job: string, provider: string): TargetGroup[] {
    return [...(this.#sources(job, provider)?.values() ?? [])];
  }

  /**
   * The snapshot sent downstream (core.md 2.4). v3: every job subscribed to a provider in `subscriptions` is
   * present, possibly with an empty list. v2.42: only jobs with at least one stored group are present (so a
   * job whose providers have not reported is absent, and the consumer keeps its old targets).
   */
  snapshot(subscriptions: Iterable<Subscription>): Map<string, TargetGroup[]> {
    const out = new Map<string, TargetGroup[]>();
    if (this.#profile === "v2.42") {
      for (const [job, providers] of this.#state) {
        for (const sources of providers.values()) {
          if (sources.size > 0) out.set(job, [...(out.get(job) ?? []), ...sources.values()]);
        }
      }
      return out;
    }
    for (const { provider, jobs } of subscriptions) {
      for (const job of jobs) {
        const list = out.get(job) ?? [];
        out.set(job, list);
        list.push(...(this.#sources(job, provider)?.values() ?? []));
      }
    }
    return out;
  }

  #sources(job: string, provider: string): Map<string, TargetGroup> | undefined {
    return this.#state.get(job)?.get(provider);
  }

  #createSources(job: string, provider: string): Map<string, TargetGroup> {
    let providers = this.#state.get(job);
    if (providers === undefined) {
      providers = new Map();
      this.#state.set(job, providers);
    }
    const sources = new Map<string, TargetGroup>();
    providers.set(provider, sources);
    return sources;
  }
}
