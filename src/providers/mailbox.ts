/**
 * The push-to-pull bridge between watch callbacks and a discoverer's async iterable (STYLE 2.5):
 * callbacks `wake()` it; the discoverer loop `wait()`s for a wake-up, a deadline or abort. Wake-ups that
 * arrive while nobody waits are remembered (one is enough: the loop then reads all pending state).
 */
export class Mailbox {
  #isWoken = false;
  #waiter: (() => void) | undefined;

  wake(): void {
    this.#isWoken = true;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Resolves true when woken, false on timeout or abort. Clears the wake-up it consumes. */
  wait(signal: AbortSignal, timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.#isWoken || signal.aborted) {
      const woken = this.#isWoken && !signal.aborted;
      this.#isWoken = false;
      return Promise.resolve(woken);
    }
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        if (timer) clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        this.#waiter = undefined;
        this.#isWoken = false;
        resolve(woken);
      };
      const onAbort = () => finish(false);
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => finish(false), timeoutMs) : undefined;
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiter = () => finish(true);
    });
  }
}
