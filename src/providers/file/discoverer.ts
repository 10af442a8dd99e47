/**
 * File-based discovery (spec file.md; Prometheus `discovery/file`). Reads JSON/YAML target-group files
 * selected by Go-glob patterns, watches their directories with node:fs `watch`, and re-reads everything on
 * every `refresh_interval` as a safety net.
 *
 * Reproduced from Prometheus (file.md 2-6): full re-expansion of every pattern on each refresh; sources
 * `<path>:<i>`; a file that fails to read or parse is logged (`Error reading file`) and counted, and keeps
 * its previous groups; a file that vanished or shrank gets empty groups for the lost indexes; watches are
 * (re-)added after each refresh on the directory part of each pattern; the same metrics.
 *
 * Deliberate differences, none visible in the resulting groups:
 * - One refresh yields one update holding the groups of every file read plus the empty groups for vanished
 *   indexes, where Prometheus sends one message per file. Consumers apply groups by source, so the state
 *   is the same. The first update is always yielded, even when empty, as the Discoverer contract requires.
 * - Level-triggered and debounced (STYLE 2.5): events only mark the discoverer dirty; after a short quiet
 *   time one refresh covers the whole burst (Prometheus refreshes once per event).
 * - A watch that cannot be added or fails later never stops discovery: it is logged, resource exhaustion
 *   and runtime watcher errors count in `prometheus_sd_file_watcher_errors_total`, and the periodic refresh
 *   keeps running (Prometheus stops the discoverer when it cannot create its watcher, file.md 5 and 9).
 */
import { watch as fsWatch } from "node:fs";
import type { Logger } from "../../logging.js";
import { emptyGroup, type TargetGroup } from "../../model/target-group.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import type { FileSdConfig } from "./config.js";
import { DirectoryWatches, watchedDirectory } from "./directory-watches.js";
import { readGroupsFile } from "./file-reader.js";
import { GlobPatternError, goGlob } from "./glob.js";
import { fileSdMetrics, type FileSdMetrics } from "./metrics.js";

export interface FileDiscovererOptions {
  /** Quiet time after a file-system event before the refresh that covers the burst (default 50 ms). */
  readonly debounceMs?: number;
  /** Replaces node:fs `watch` (tests inject failures). */
  readonly watch?: typeof fsWatch;
}

export const FILE_DISCOVERER_DEFAULTS = Object.freeze({ debounceMs: 50 });

export function createFileDiscoverer(config: FileSdConfig, deps: DiscovererDeps, options: FileDiscovererOptions = {}): Discoverer {
  return { discover: (signal) => discoverFiles(config, deps, options, signal) };
}

async function* discoverFiles(
  config: FileSdConfig,
  deps: DiscovererDeps,
  options: FileDiscovererOptions,
  signal: AbortSignal,
): AsyncGenerator<readonly TargetGroup[]> {
  if (signal.aborted) return;
  const metrics = fileSdMetrics(deps.registry);
  const trigger = new Trigger();
  const watches = new DirectoryWatches({
    onChange: () => trigger.fire(),
    logger: deps.logger,
    watcherErrors: metrics.watcherErrors,
    watch: options.watch ?? fsWatch,
  });
  const refresher = new Refresher(config, deps.logger, metrics);
  let clock: Ticker | undefined;
  const debounceMs = options.debounceMs ?? FILE_DISCOVERER_DEFAULTS.debounceMs;
  try {
    for (let isFirst = true; ; isFirst = false) {
      trigger.clear(); // events from now on ask for another refresh after this one
      const update = await refresher.refresh();
      if (signal.aborted) return;
      if (isFirst || update.length > 0) yield update;
      await watches.ensure(config.files.map(watchedDirectory));
      clock ??= new Ticker(config.refreshIntervalMs); // like Prometheus, the ticker starts after the first refresh
      if (!(await nextTrigger(trigger, clock, debounceMs, deps.sleep, signal))) return;
    }
  } finally {
    watches.close();
    metrics.release();
  }
}

/** Waits for a file-system event (then the debounce time) or the next tick; false when `signal` aborted. */
async function nextTrigger(
  trigger: Trigger,
  clock: Ticker,
  debounceMs: number,
  sleep: DiscovererDeps["sleep"],
  signal: AbortSignal,
): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false;
    if (trigger.isDirty) return debounceMs > 0 ? sleep(debounceMs, signal) : true;
    const remainingMs = clock.remainingMs();
    if (remainingMs <= 0) {
      clock.advance();
      return true;
    }
    const waiter = new AbortController();
    const onAbort = (): void => waiter.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    trigger.waiter = waiter;
    try {
      await sleep(remainingMs, waiter.signal);
    } finally {
      trigger.waiter = undefined;
      signal.removeEventListener("abort", onAbort);
    }
  }
}

/** The dirty flag that file-system events set, and the wait it interrupts. */
class Trigger {
  isDirty = false;
  waiter: AbortController | undefined;

  fire(): void {
    this.isDirty = true;
    this.waiter?.abort();
  }

  clear(): void {
    this.isDirty = false;
  }
}

/** A fixed-rate ticker like Go's time.Ticker: ticks at start + k·interval, missed ticks are dropped. */
class Ticker {
  #nextAt: number;
  constructor(readonly intervalMs: number) {
    this.#nextAt = performance.now() + intervalMs;
  }

  remainingMs(): number {
    return this.#nextAt - performance.now();
  }

  advance(): void {
    const now = performance.now();
    while (this.#nextAt <= now) this.#nextAt += this.intervalMs;
  }
}

/** One discoverer's refresh state (file.md 4): group counts per file at the last successful read. */
class Refresher {
  #last = new Map<string, number>();

  constructor(
    readonly config: FileSdConfig,
    readonly logger: Logger,
    readonly metrics: FileSdMetrics,
  ) {}

  /** Reads every matching file; returns their groups plus empty groups for indexes that vanished. */
  async refresh(): Promise<TargetGroup[]> {
    const started = performance.now();
    const counts = new Map<string, number>();
    const update: TargetGroup[] = [];
    for (const path of await this.#listFiles()) {
      try {
        const content = await readGroupsFile(path, this.config.scheme);
        update.push(...content.groups);
        counts.set(path, content.groups.length);
        this.metrics.mtimes.set(path, content.mtimeSeconds);
      } catch (error) {
        this.metrics.readErrors.inc();
        this.logger.error({ path, err: errorText(error) }, "Error reading file");
        counts.set(path, this.#last.get(path) ?? 0); // keeps the file's groups from being deleted below
      }
    }
    for (const [path, before] of this.#last) {
      const now = counts.get(path);
      if (now !== undefined && now >= before) continue;
      this.logger.debug({ file: path }, "file_sd refresh found file that should be removed");
      this.metrics.mtimes.delete(path); // also for a file that only shrank: Prometheus's quirk (file.md 6)
      for (let i = now ?? 0; i < before; i++) update.push(emptyGroup(`${path}:${i}`));
    }
    this.#last = counts;
    this.metrics.scanDuration.observe((performance.now() - started) / 1000);
    return update;
  }

  async #listFiles(): Promise<string[]> {
    const paths: string[] = [];
    for (const pattern of this.config.files) {
      try {
        paths.push(...(await goGlob(pattern)));
      } catch (error) {
        if (!(error instanceof GlobPatternError)) throw error;
        this.logger.error({ glob: pattern, err: error.message }, "Error expanding glob");
      }
    }
    return paths;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
