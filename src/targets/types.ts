/**
 * Target-building results (spec core.md 4) and the read-only view outputs consume (STYLE 2.6).
 * Built by ./build.ts; the daemon's outputs (http_sd, file_sd, targets API, UI) only see `TargetsView`.
 */
import type { LabelSet } from "../model/labels.js";

// `discoveredLabels` of the targets ./build.ts builds is a getter that merges the target's labels, its group's
// and the job's defaults on each read (not kept per target: memory at 100,000 pods). Read it once per use.

export interface ActiveTarget {
  /** Labels after merge + defaults, before relabeling (core.md 4.1 step 2). */
  readonly discoveredLabels: LabelSet;
  /** The complete internal label set after target building: `__meta_*` removed, other `__*` kept. */
  readonly labels: LabelSet;
  readonly scrapeUrl: string;
  /** Source of the group the target came from and its index in it (for messages and the UI). */
  readonly source: string;
  readonly index: number;
}

export interface DroppedTarget {
  readonly discoveredLabels: LabelSet;
  readonly source: string;
  readonly index: number;
  /** Index of the relabel rule that dropped the target (promsd extra, for "why dropped"). */
  readonly droppedByRule: number;
}

export interface FailedTarget {
  readonly discoveredLabels: LabelSet;
  readonly source: string;
  readonly index: number;
  /** Prometheus's message, e.g. `no address`, `"http://x/y" is not a valid hostname`. */
  readonly reason: string;
}

export type BuiltTarget =
  | { readonly kind: "active"; readonly target: ActiveTarget }
  | { readonly kind: "dropped"; readonly target: DroppedTarget }
  | { readonly kind: "failed"; readonly target: FailedTarget };

/** One job's targets after a rebuild. Active targets are deduplicated by (labels, scrapeUrl). */
export interface JobTargets {
  readonly jobName: string;
  readonly active: readonly ActiveTarget[];
  /** Limited by keep_dropped_targets (0 = unlimited); `droppedCount` counts all. */
  readonly dropped: readonly DroppedTarget[];
  readonly droppedCount: number;
  readonly failed: readonly FailedTarget[];
  /** Time of the rebuild, ms since the epoch. */
  readonly updatedAtMs: number;
}

/**
 * Whether a job's targets can be served: each of its providers delivered an initial set and the targets were
 * built from it. Until then an output must not serve the job as empty (a consumer would drop every target it
 * has), however long the provider takes (an unreachable Consul agent: for as long as it stays unreachable).
 */
export interface JobDelivery {
  /** The job's targets were built from a snapshot in which every provider of the job had delivered. */
  readonly isComplete: boolean;
  /**
   * The providers (e.g. `consul/1`) that have not delivered an initial set yet. Empty while incomplete means
   * they all delivered and the result is still passing the throttles (or no discovery source said more).
   */
  readonly waitingFor: readonly string[];
}

/** One group whose targets were rebuilt in a sync, keyed as the discovery manager keys it. */
export interface GroupTargetsChange {
  readonly provider: string;
  readonly source: string;
  /** The group's targets before and after (empty: the group was new, or is gone). */
  readonly before: readonly BuiltTarget[];
  readonly after: readonly BuiltTarget[];
}

/**
 * How a notified job changed. `isReset`: the job was built from all its groups (new, config changed, or the
 * discovery side could not say what changed), read it whole. Otherwise `groups` lists the only groups rebuilt
 * (empty when only `delivery` changed), so a subscriber can follow a 100,000-target job in O(changes).
 */
export interface JobTargetsChange {
  readonly isReset: boolean;
  readonly groups: readonly GroupTargetsChange[];
}

/** Read-only access to the current targets of every job, with change notification. */
export interface TargetsView {
  /** Job names in config order. */
  jobNames(): readonly string[];
  job(jobName: string): JobTargets | undefined;
  /** See JobDelivery; a change of it is notified like a change of the job's targets. */
  delivery(jobName: string): JobDelivery;
  /**
   * Calls `listener` with the names of jobs whose targets changed and, when the view knows it (TargetSync
   * does), how each changed; stops when `signal` aborts.
   */
  subscribe(listener: (changedJobs: readonly string[], changes?: ReadonlyMap<string, JobTargetsChange>) => void, signal: AbortSignal): void;
}
