/**
 * A TargetsView for output tests (STYLE 2.6): set a job's targets, and subscribers hear about it, exactly as
 * they would from the real TargetSync. `activeTarget()` builds a plausible ActiveTarget from final labels.
 */
import { ADDRESS_LABEL, METRICS_PATH_LABEL, SCHEME_LABEL, type LabelSet } from "../model/labels.js";
import type { ActiveTarget, DroppedTarget, JobDelivery, JobTargets, TargetsView } from "../targets/types.js";

export class FakeTargetsView implements TargetsView {
  readonly #jobs = new Map<string, JobTargets | undefined>();
  readonly #listeners = new Set<(changed: readonly string[]) => void>();
  /** Jobs still waiting for providers (see setWaiting); other jobs are complete once set. */
  readonly #waiting = new Map<string, readonly string[]>();

  constructor(jobNames: readonly string[] = []) {
    for (const name of jobNames) this.#jobs.set(name, undefined);
  }

  jobNames(): readonly string[] {
    return [...this.#jobs.keys()];
  }

  job(jobName: string): JobTargets | undefined {
    return this.#jobs.get(jobName);
  }

  /** Like TargetSync: complete once the job's targets are set, unless setWaiting() says providers still wait. */
  delivery(jobName: string): JobDelivery {
    const waitingFor = this.#waiting.get(jobName);
    if (waitingFor !== undefined) return { isComplete: false, waitingFor };
    return { isComplete: this.#jobs.get(jobName) !== undefined, waitingFor: [] };
  }

  /** Marks a job as waiting for `providers` (an empty list: delivered); notifies subscribers. */
  setWaiting(jobName: string, providers: readonly string[] | undefined): void {
    if (providers === undefined) this.#waiting.delete(jobName);
    else this.#waiting.set(jobName, providers);
    for (const listener of this.#listeners) listener([jobName]);
  }

  subscribe(listener: (changedJobs: readonly string[]) => void, signal: AbortSignal): void {
    if (signal.aborted) return;
    this.#listeners.add(listener);
    signal.addEventListener("abort", () => this.#listeners.delete(listener), { once: true });
  }

  /** Replaces a job's targets (adding the job if new) and notifies subscribers. */
  setJob(jobName: string, parts: { active?: readonly ActiveTarget[]; dropped?: readonly DroppedTarget[]; droppedCount?: number }): JobTargets {
    const dropped = parts.dropped ?? [];
    const job: JobTargets = {
      jobName,
      active: parts.active ?? [],
      dropped,
      droppedCount: parts.droppedCount ?? dropped.length,
      failed: [],
      updatedAtMs: Date.now(),
    };
    this.#jobs.set(jobName, job);
    for (const listener of this.#listeners) listener([jobName]);
    return job;
  }

  removeJob(jobName: string): void {
    this.#jobs.delete(jobName);
    for (const listener of this.#listeners) listener([jobName]);
  }
}

/** An active target from its final internal labels; discovered labels default to the same set. */
export function activeTarget(labels: LabelSet, discoveredLabels: LabelSet = labels): ActiveTarget {
  const scheme = labels[SCHEME_LABEL] ?? "http";
  const url = `${scheme}://${labels[ADDRESS_LABEL] ?? ""}${labels[METRICS_PATH_LABEL] ?? "/metrics"}`;
  return { labels, discoveredLabels, scrapeUrl: url, source: "fake:0", index: 0 };
}

export function droppedTarget(discoveredLabels: LabelSet): DroppedTarget {
  return { discoveredLabels, source: "fake:0", index: 0, droppedByRule: 0 };
}
