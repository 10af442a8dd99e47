/**
 * Driving one discoverer in a test: deps with test defaults, an update stream the test pulls one update at a
 * time (a polling loop runs only while someone pulls), and the metric values the discoverer counts.
 */
import assert from "node:assert/strict";
import { Registry } from "prom-client";
import { silentLogger } from "../logging.js";
import type { LabelSet } from "../model/labels.js";
import type { TargetGroup } from "../model/target-group.js";
import { sleep } from "../providers/polling.js";
import type { Discoverer, DiscovererDeps } from "../providers/provider.js";
import type { CleanupScope } from "./temp-dir.js";
import { waitFor } from "./wait-for.js";

/** Silent logger, a fresh registry, job name "job", the real fetch and sleep, unless overridden. */
export function testDeps(overrides: Partial<DiscovererDeps> = {}): DiscovererDeps {
  return { logger: silentLogger, registry: new Registry(), jobNames: ["job"], fetch, sleep, ...overrides };
}

export interface PulledUpdates {
  /** The next update; fails the test when the stream ended instead. */
  next(): Promise<readonly TargetGroup[]>;
  /** Asks for the next update without waiting for it (the loop keeps running meanwhile). */
  pull(): Promise<IteratorResult<readonly TargetGroup[]>>;
  /** Aborts the discoverer and asserts that `pending` (or the next pull) reports the end of the stream. */
  stop(pending?: Promise<IteratorResult<readonly TargetGroup[]>>): Promise<void>;
}

/** Starts `discoverer`; it is aborted when the test ends, whatever happened. */
export function pullUpdates(t: CleanupScope, discoverer: Discoverer): PulledUpdates {
  const abort = new AbortController();
  t.after(() => abort.abort());
  const updates = discoverer.discover(abort.signal)[Symbol.asyncIterator]();
  return {
    next: async () => {
      const result = await updates.next();
      assert.ok(!result.done, "the discoverer ended instead of sending an update");
      return result.value;
    },
    pull: () => updates.next(),
    stop: async (pending) => {
      abort.abort();
      assert.equal((await (pending ?? updates.next())).done, true, "the discoverer ends when aborted");
    },
  };
}

/** The sum of `name`'s samples whose labels include `labels`; 0 when nothing was counted yet. */
export async function metricValue(registry: Registry, name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const samples = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  const matches = (sampleLabels: Readonly<Record<string, unknown>>): boolean => Object.entries(labels).every(([k, v]) => String(sampleLabels[k]) === v);
  return samples.filter((s) => matches(s.labels)).reduce((sum, s) => sum + s.value, 0);
}

export interface MetricExpectation {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
  /** For the timeout message. */
  readonly description?: string;
}

/** Waits (5 s at most) until the metric reaches `value`, e.g. until a failed refresh has been counted. */
export async function waitForMetric(registry: Registry, want: MetricExpectation): Promise<void> {
  const description = want.description ?? `${want.name}${JSON.stringify(want.labels ?? {})} = ${want.value}`;
  await waitFor(async () => (await metricValue(registry, want.name, want.labels)) === want.value, { timeoutMs: 5_000, description });
}

export interface CollectedGroups {
  /** The last group emitted per source (with empty `targets` once the source is gone). */
  readonly last: ReadonlyMap<string, TargetGroup>;
  /** The source of every group emitted, in order. */
  readonly sources: readonly string[];
  /** The targets of `source`'s last group; none when the source is gone or was never seen. */
  targets(source: string): readonly LabelSet[];
}

/**
 * Runs `discoverer` in the background and records what it emits, for watch-style tests that wait for a state
 * rather than pull update by update. When the test ends the discoverer is aborted and its loop awaited.
 */
export function collectGroups(t: CleanupScope, discoverer: Discoverer): CollectedGroups {
  const last = new Map<string, TargetGroup>();
  const sources: string[] = [];
  const abort = new AbortController();
  const done = (async () => {
    for await (const groups of discoverer.discover(abort.signal)) {
      for (const group of groups) {
        sources.push(group.source);
        last.set(group.source, group);
      }
    }
  })();
  t.after(async () => {
    abort.abort();
    await done;
  });
  return { last, sources, targets: (source) => last.get(source)?.targets ?? [] };
}
