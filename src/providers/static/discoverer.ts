/**
 * The static discoverer (spec static.md 2): it has no upstream API. It yields all configured groups once,
 * as its initial set, then stays silent until the signal aborts, as Prometheus's StaticProvider does.
 */
import type { TargetGroup } from "../../model/target-group.js";
import type { Discoverer } from "../provider.js";
import type { StaticConfig } from "./config.js";

export function createStaticDiscoverer(config: StaticConfig): Discoverer {
  return {
    async *discover(signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
      if (signal.aborted) return;
      yield config.groups;
      await untilAborted(signal);
    },
  };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
