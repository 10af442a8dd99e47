/**
 * Loads a mechanism's discoverer module when discovery starts rather than when the CLI starts. promsd knows
 * 36 mechanisms and `promsd check config` needs only their config parsers, so each provider.ts imports its
 * config statically and its discoverer through this (src/providers/lazy-dependencies.test.ts keeps it so).
 * A discoverer that fails to be created is logged as Prometheus logs it ("Cannot create service discovery")
 * and sends nothing, so its jobs keep waiting for an initial set instead of showing an empty one.
 */
import type { Discoverer, DiscovererDeps } from "./provider.js";

export function lazyDiscoverer<C>(
  load: () => Promise<(config: C, deps: DiscovererDeps) => Discoverer>,
  config: C,
  deps: DiscovererDeps,
): Discoverer {
  return {
    async *discover(signal) {
      const create = await load();
      let discoverer: Discoverer;
      try {
        discoverer = create(config, deps);
      } catch (error) {
        deps.logger.error({ err: error instanceof Error ? error.message : String(error) }, "Cannot create service discovery");
        return;
      }
      yield* discoverer.discover(signal);
    },
  };
}
