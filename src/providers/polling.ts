/**
 * The shared refresh loop for polling mechanisms (Prometheus `discovery/refresh`), and the one `sleep`
 * every wait in promsd goes through so that it honours the caller's AbortSignal.
 */
import { setTimeout as delay } from "node:timers/promises";
import { emptyGroup, type TargetGroup } from "../model/target-group.js";

/** Resolves true after `ms`, false as soon as `signal` aborts; leaves no timer behind. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (error) {
    if (signal.aborted) return false;
    throw error;
  }
}

export interface PollOptions {
  readonly intervalMs: number;
  /** Called for every failed refresh (log + count); the loop then waits and tries again. */
  readonly reportError: (error: unknown) => void;
  /** Called with the duration of every refresh attempt, successful or not. */
  readonly observeDuration?: (seconds: number) => void;
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<boolean>;
  /**
   * When true, sources missing from a refresh are left alone instead of being sent as empty groups: for
   * mechanisms (DNS) whose refresh omits sources that failed rather than sources that vanished.
   */
  readonly keepVanishedSources?: boolean;
}

/**
 * Calls `refresh` now and then every `intervalMs`, yielding its groups plus an empty group for every source
 * that vanished since the last successful refresh. A failed refresh yields nothing, so consumers keep the
 * last good targets.
 */
export async function* poll(
  refresh: (signal: AbortSignal) => Promise<readonly TargetGroup[]>,
  signal: AbortSignal,
  { intervalMs, reportError, observeDuration, wait = sleep, keepVanishedSources = false }: PollOptions,
): AsyncGenerator<readonly TargetGroup[]> {
  let lastSources = new Set<string>();
  do {
    const started = performance.now();
    let groups: readonly TargetGroup[] | undefined;
    try {
      groups = await refresh(signal);
    } catch (error) {
      if (!signal.aborted) reportError(error);
    }
    observeDuration?.((performance.now() - started) / 1000);
    if (signal.aborted) return;
    if (groups !== undefined) {
      const sources = new Set(groups.map((g) => g.source));
      const vanished = keepVanishedSources ? [] : [...lastSources].filter((s) => !sources.has(s)).map(emptyGroup);
      lastSources = sources;
      yield [...groups, ...vanished];
    }
  } while (await wait(intervalMs, signal));
}
