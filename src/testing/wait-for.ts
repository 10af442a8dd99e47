/**
 * `waitFor`: poll a condition until it holds or a deadline passes (STYLE 2.11: never sleep and hope, wait for
 * the event, with a deadline). Shared by every test file in the project.
 */
import { setTimeout as delay } from "node:timers/promises";

export interface WaitForOptions {
  /** Give up after this long; the rejection names `description` and the last error the predicate threw. */
  readonly timeoutMs: number;
  /** Pause between two checks (default 10 ms). */
  readonly intervalMs?: number;
  /** What is being waited for, for the error message (default "condition"). */
  readonly description?: string;
  /** Aborting rejects at once with `signal.reason`. */
  readonly signal?: AbortSignal;
}

/**
 * Calls `predicate` until it returns a value other than `false`, `undefined` or `null` and resolves with that
 * value. A predicate that throws counts as "not yet" (its last error becomes the rejection's `cause`), so
 * `waitFor(() => readFileSync(p, "utf8"), …)` waits for a file to appear. Rejects with a clear message when
 * `timeoutMs` passes; always checks at least once, even with `timeoutMs: 0`.
 */
export async function waitFor<T>(
  predicate: () => T | false | undefined | null | Promise<T | false | undefined | null>,
  options: WaitForOptions,
): Promise<T> {
  const { timeoutMs, intervalMs = 10, description = "condition", signal } = options;
  const deadline = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await predicate();
      if (value !== false && value !== undefined && value !== null) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const remainingMs = deadline - performance.now();
    if (remainingMs <= 0) {
      const why = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      throw new Error(`waitFor: ${description} not met within ${timeoutMs} ms${why}`, { cause: lastError });
    }
    await delay(Math.min(intervalMs, remainingMs), undefined, signal ? { signal } : {}).catch((error: unknown) => {
      throw signal?.aborted ? signal.reason : error;
    });
  }
}
