/**
 * A `sleep` for discoverer deps that the test releases tick by tick, so a polling loop refreshes exactly when
 * the test says and never because a timer happened to fire.
 */
import type { DiscovererDeps } from "../providers/provider.js";

export interface ManualTicks {
  /** Pass as `deps.sleep`: resolves true on the next `tick()`, false as soon as the signal aborts. */
  readonly sleep: DiscovererDeps["sleep"];
  /** Ends the oldest pending sleep; with none pending, the next sleep ends at once. */
  tick(): void;
}

export function manualTicks(): ManualTicks {
  const waiting: ((ok: boolean) => void)[] = [];
  let granted = 0;
  return {
    sleep: (_ms, signal) => new Promise((resolve) => {
      if (signal.aborted) {
        resolve(false);
        return;
      }
      if (granted > 0) {
        granted--;
        resolve(true);
        return;
      }
      waiting.push(resolve);
      signal.addEventListener("abort", () => resolve(false), { once: true });
    }),
    tick: () => {
      const next = waiting.shift();
      if (next) next(true);
      else granted++;
    },
  };
}
