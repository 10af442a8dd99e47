/**
 * promtool's `check service-discovery` always waits its whole `--timeout` and only then builds and prints
 * targets, so its wall time is whatever timeout one picks. The fair setting is the smallest timeout for which
 * it still prints every target: found here by doubling until a probe passes, then bisecting. On a loaded
 * machine the answer moves, so callers add a margin before using it.
 */

/**
 * How much the measured promtool runs add to the smallest timeout found. On a shared, loaded machine the
 * time promtool needs to read its files moves a lot between runs, and a run that falls short is wasted.
 */
export const TIMEOUT_MARGIN = 1.5;

export interface Probe {
  readonly timeoutMs: number;
  readonly passed: boolean;
}

export interface TimeoutSearchOptions {
  readonly startMs: number;
  readonly maxMs: number;
  /** Bisecting stops when the gap is at most this share of the passing value (or `minGapMs`). */
  readonly relativePrecision: number;
  readonly minGapMs: number;
}

export interface TimeoutSearchResult {
  /** The smallest timeout that passed; undefined when even `maxMs` failed. */
  readonly smallestPassingMs: number | undefined;
  readonly probes: readonly Probe[];
}

/** `probe(ms)` runs the command with that timeout and says whether the output was complete. */
export async function findSmallestTimeout(
  probe: (timeoutMs: number) => Promise<boolean>,
  options: TimeoutSearchOptions,
): Promise<TimeoutSearchResult> {
  const probes: Probe[] = [];
  const tryTimeout = async (timeoutMs: number): Promise<boolean> => {
    const passed = await probe(timeoutMs);
    probes.push({ timeoutMs, passed });
    return passed;
  };
  let failing = 0;
  let passing = options.startMs;
  while (!(await tryTimeout(passing))) {
    if (passing >= options.maxMs) return { smallestPassingMs: undefined, probes };
    failing = passing;
    passing = Math.min(passing * 2, options.maxMs);
  }
  while (passing - failing > Math.max(options.minGapMs, passing * options.relativePrecision)) {
    const middle = Math.round((failing + passing) / 2);
    if (await tryTimeout(middle)) passing = middle;
    else failing = middle;
  }
  return { smallestPassingMs: passing, probes };
}

/** A Go duration for promtool's `--timeout`: `1500ms`, `12s`. */
export function goDurationFromMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${Math.round(ms)}ms`;
}
