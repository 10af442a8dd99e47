/**
 * `createLimiter`: run async jobs with bounded parallelism, e.g. at most two external processes at a time so
 * a test file stays within a small machine's cores.
 */

/** A function that queues `job` and settles with its result once it ran; at most `limit` run at once. */
export type Limiter = <T>(job: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing job hands its slot straight to the next waiter, so a caller arriving in between cannot
  // overtake it and push the count above `limit`.
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await job();
    } finally {
      release();
    }
  };
}
