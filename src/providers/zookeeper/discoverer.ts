/**
 * ZooKeeper discovery (spec zookeeper.md): one session per config block, one tree cache per path, every
 * znode its own group (source = znode path) holding the member parsed from its data, or nothing. Caches
 * that fail (root missing, connection or session lost) keep their last groups and resync every 10 s, and at
 * once when the session is back. Malformed member data gives no target and is logged and counted once per
 * node and data (promsd_sd_zookeeper_invalid_members_total, ./members.ts); it never fails the cache.
 */
import type { TargetGroup } from "../../model/target-group.js";
import { counter, gauge } from "../../metrics/registry.js";
import { Mailbox } from "../mailbox.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { ZooKeeperClient } from "./client.js";
import type { ZooKeeperConfig } from "./config.js";
import { memberGroups } from "./members.js";
import { TreeCache } from "./tree-cache.js";

export interface ZooKeeperTimings {
  /** Delay before a failed cache walks its tree again (Prometheus: 10 s). */
  readonly resyncDelayMs: number;
}
export const DEFAULT_ZOOKEEPER_TIMINGS: ZooKeeperTimings = { resyncDelayMs: 10_000 };

/** Test hooks: integration tests reach the discoverer's client (e.g. to expire its session). */
export interface ZooKeeperTestHooks {
  readonly onClient?: (client: ZooKeeperClient) => void;
}

export function createZooKeeperDiscoverer(config: ZooKeeperConfig, deps: DiscovererDeps, timings = DEFAULT_ZOOKEEPER_TIMINGS, hooks: ZooKeeperTestHooks = {}): Discoverer {
  return { discover: (signal) => discoverZooKeeper(config, deps, timings, hooks, signal) };
}

async function* discoverZooKeeper(config: ZooKeeperConfig, deps: DiscovererDeps, timings: ZooKeeperTimings, hooks: ZooKeeperTestHooks, signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
  const failures = counter(deps.registry, { name: "prometheus_treecache_zookeeper_failures_total", help: "The total number of ZooKeeper failures." });
  const watchers = gauge(deps.registry, { name: "prometheus_treecache_watcher_goroutines", help: "The current number of watcher goroutines." });
  const toGroup = memberGroups(config.format, deps.logger, deps.registry);
  const mailbox = new Mailbox();
  const pending = new Map<string, TargetGroup>();
  let caches: TreeCache[] = [];
  let hasReconnected = false;

  const client = new ZooKeeperClient({
    servers: config.servers,
    sessionTimeoutMs: config.timeoutMs,
    logger: deps.logger,
    onEvent: (event) => {
      if (event.kind === "watch") for (const cache of caches) if (cache.covers(event.path)) cache.markDirty(event.path);
      if (event.kind === "disconnected" || event.kind === "expired") {
        for (const cache of caches) cache.invalidate(new Error(`ZooKeeper session ${event.kind}`));
      }
      if (event.kind === "expired") deps.logger.warn({}, "ZooKeeper session expired; opening a new one and resyncing");
      if (event.kind === "connected") hasReconnected = true;
      mailbox.wake();
    },
  });
  caches = config.paths.map((path) => new TreeCache(path, client, {
    onNode: (nodePath, data) => {
      pending.set(nodePath, toGroup(nodePath, data));
    },
    onFailure: (error) => {
      failures.inc();
      deps.logger.error({ path, err: error.message }, "ZooKeeper tree cache failed; resyncing later");
    },
  }));
  hooks.onClient?.(client);

  const session = client.run(signal);
  let isFirst = true;
  let reportedWatchers = 0;
  let resyncDueAt = 0; // failed caches walk their tree again from this time on
  try {
    await client.waitConnected(config.timeoutMs, signal);
    while (!signal.aborted) {
      if (client.isConnected) {
        if (Date.now() >= resyncDueAt) for (const cache of caches) if (cache.isFailed) await cache.resync();
        for (const cache of caches) await cache.processQueue();
      }
      const hasFailed = caches.some((c) => c.isFailed);
      if (hasFailed && Date.now() >= resyncDueAt) resyncDueAt = Date.now() + timings.resyncDelayMs;
      const watched = caches.reduce((n, c) => n + c.watchedNodes, 0);
      watchers.inc(watched - reportedWatchers);
      reportedWatchers = watched;
      if (pending.size > 0 || isFirst) {
        isFirst = false; // the initial set goes out even when empty (ZooKeeper down, paths missing)
        const groups = [...pending.values()];
        pending.clear();
        yield groups;
      }
      if (caches.some((c) => c.hasQueuedWork())) continue;
      await mailbox.wait(signal, hasFailed ? Math.max(0, resyncDueAt - Date.now()) : Number.POSITIVE_INFINITY);
      if (hasReconnected) {
        hasReconnected = false;
        resyncDueAt = 0; // a session that is back resyncs at once instead of waiting out the delay
      }
    }
  } finally {
    watchers.dec(reportedWatchers);
    await client.closeSession();
    await session;
  }
}
