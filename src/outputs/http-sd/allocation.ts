/**
 * `?consumer=<id>` on http_sd (issue 17): the job's targets allocated to one consumer by the bounded-load
 * rendezvous allocator (src/allocation/). One Allocator per (job, view) keeps the per-target work incremental;
 * the allocation is recomputed only when the input groups or the membership change. The answer depends only on
 * membership and targets, never on the process, so replicas with equal membership answer byte for byte alike.
 */
import { Allocator, targetIdentity, DEFAULT_IDENTITY_LABELS, type Allocation, type Membership } from "../../allocation/index.js";
import { ADDRESS_LABEL } from "../../model/labels.js";
import type { DaemonMetrics } from "../metrics/daemon-metrics.js";
import type { SdGroup, SdView } from "./groups.js";

export interface SdAllocationOptions {
  readonly membership: Membership;
  readonly epsilon?: number;
  /** Labels whose values make a target's identity; default `__address__`. */
  readonly identityLabels?: readonly string[];
}

/** The header carrying the allocation generation: equal on every replica that agrees. */
export const GENERATION_HEADER = "x-promsd-allocation-generation";

interface Computed {
  readonly membershipKey: string;
  readonly allocation: Allocation;
}

export class SdAllocation {
  readonly #options: SdAllocationOptions;
  readonly #metrics: DaemonMetrics | undefined;
  readonly #allocators = new Map<string, Allocator>();
  readonly #computed = new WeakMap<readonly SdGroup[], Computed>();
  /** Consumers with a targets sample, per (view, job), so departed ones are removed from /metrics. */
  readonly #reported = new Map<string, readonly string[]>();

  constructor(options: SdAllocationOptions, metrics?: DaemonMetrics) {
    this.#options = options;
    this.#metrics = metrics;
  }

  /** Registers the poll; false when `id` is not a member (404). */
  admit(id: string): boolean {
    return this.#options.membership.admit(id);
  }

  /** The allocation of `groups` (the job's unsharded list for `view`) over the current members. */
  allocationOf(jobName: string, view: SdView, groups: readonly SdGroup[]): Allocation {
    const consumers = this.#options.membership.consumers();
    const membershipKey = JSON.stringify(consumers);
    const hit = this.#computed.get(groups);
    if (hit && hit.membershipKey === membershipKey) return hit.allocation;
    const key = `${view}\u0000${jobName}`;
    let allocator = this.#allocators.get(key);
    if (!allocator) this.#allocators.set(key, (allocator = new Allocator(this.#options.epsilon === undefined ? {} : { epsilon: this.#options.epsilon })));
    allocator.setConsumers(consumers);
    allocator.setTargets(this.#identities(groups));
    const allocation = allocator.allocation();
    this.#computed.set(groups, { membershipKey, allocation });
    this.#record(jobName, view, allocation);
    return allocation;
  }

  /** Keeps the targets owned by `id`; groups left without targets disappear. */
  groupsOf(groups: readonly SdGroup[], allocation: Allocation, id: string): SdGroup[] {
    const out: SdGroup[] = [];
    for (const group of groups) {
      const targets = group.targets.filter((address) => allocation.owners.get(this.#identity(group, address)) === id);
      if (targets.length > 0) out.push({ ...group, targets });
    }
    return out;
  }

  *#identities(groups: readonly SdGroup[]): Generator<string> {
    for (const group of groups) for (const address of group.targets) yield this.#identity(group, address);
  }

  #identity(group: SdGroup, address: string): string {
    const labels = this.#options.identityLabels ?? DEFAULT_IDENTITY_LABELS;
    if (labels.length === 1 && labels[0] === ADDRESS_LABEL) return address;
    return targetIdentity({ ...group.labels, ...group.targetLabels, [ADDRESS_LABEL]: address }, labels);
  }

  #record(jobName: string, view: SdView, allocation: Allocation): void {
    const metrics = this.#metrics;
    if (!metrics) return;
    // 48 bits of the generation hash: exact in a float64 sample, so `max - min` across replicas is 0 iff they agree.
    metrics.allocationGeneration.set({ job: jobName, view }, parseInt(allocation.generation.slice(0, 12), 16));
    const key = `${view}\u0000${jobName}`;
    for (const gone of this.#reported.get(key) ?? []) if (!allocation.loads.has(gone)) metrics.allocationTargets.remove({ job: jobName, view, consumer: gone });
    for (const [consumer, load] of allocation.loads) metrics.allocationTargets.set({ job: jobName, view, consumer }, load);
    this.#reported.set(key, [...allocation.loads.keys()]);
    metrics.allocationDisplaced.set({ job: jobName, view }, allocation.displaced);
  }
}
