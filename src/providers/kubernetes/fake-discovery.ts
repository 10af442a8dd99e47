/**
 * Test support (left out of the build): a Kubernetes discoverer over a FakeCluster, fixture loading and
 * group comparison shared by the unit and end-to-end tests.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Registry } from "prom-client";
import { silentLogger } from "../../logging.js";
import type { TargetGroup } from "../../model/target-group.js";
import { sleep } from "../polling.js";
import type { Discoverer, DiscovererDeps } from "../provider.js";
import { plainHttpClientConfig } from "./api/client.js";
import { NO_ATTACH_METADATA, type KubernetesConfig, type KubernetesSelector } from "./config.js";
import type { KubernetesRole } from "./roles/index.js";
import type { AttachMetadata } from "./roles/labels.js";

export interface FixtureStep {
  readonly upsert?: readonly unknown[];
  /** [kind, namespace, name] */
  readonly delete?: readonly (readonly [string, string, string])[];
  readonly want: readonly TargetGroup[];
}

/** One spec example: objects in, groups out, then optional changes with the groups they must produce. */
export interface Fixture {
  readonly id: string;
  readonly name: string;
  readonly role: KubernetesRole;
  readonly attach: Partial<AttachMetadata>;
  readonly selectors?: readonly Partial<KubernetesSelector>[];
  readonly namespaces?: readonly string[];
  readonly objects: readonly unknown[];
  readonly want: readonly TargetGroup[];
  readonly steps?: readonly FixtureStep[];
}

export const FIXTURE_DIR = new URL("./fixtures/", import.meta.url).pathname;

export function loadFixtures(dir = FIXTURE_DIR): Fixture[] {
  return readdirSync(dir).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as Fixture);
}

export function testConfig(role: KubernetesRole, options: { attach?: Partial<AttachMetadata>; selectors?: readonly Partial<KubernetesSelector>[]; namespaces?: readonly string[]; apiServer?: string } = {}): KubernetesConfig {
  return {
    role,
    apiServer: options.apiServer,
    kubeconfigFile: undefined,
    httpClient: plainHttpClientConfig(),
    namespaces: { names: options.namespaces ?? [], ownNamespace: false },
    selectors: (options.selectors ?? []).map((s) => ({ role: s.role ?? role, label: s.label ?? "", field: s.field ?? "" })),
    attachMetadata: { ...NO_ATTACH_METADATA, ...options.attach },
  };
}

export function testDeps(registry = new Registry()): DiscovererDeps {
  return { logger: silentLogger, registry, jobNames: ["k8s"], fetch, sleep };
}

function bySource(groups: readonly TargetGroup[]): TargetGroup[] {
  return [...groups].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/** Groups compared as a set by source; targets in order; label key order ignored. */
export function assertGroups(actual: readonly TargetGroup[], want: readonly TargetGroup[], message?: string): void {
  assert.deepStrictEqual(bySource(actual).map(plain), bySource(want).map(plain), message);
}

function plain(group: TargetGroup): TargetGroup {
  return { source: group.source, labels: { ...group.labels }, targets: group.targets.map((t) => ({ ...t })) };
}

/** Resolves with the next batch, or undefined when none arrives within `ms` (used only to assert silence). */
export async function nextWithin<T>(iterator: AsyncIterator<T>, pending: { next?: Promise<IteratorResult<T>> | undefined }, ms: number): Promise<T | undefined> {
  pending.next ??= iterator.next();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), ms); });
  const result = await Promise.race([pending.next, timeout]);
  clearTimeout(timer);
  if (result === undefined) return undefined;
  pending.next = undefined;
  return result.done ? undefined : result.value;
}

/** Where a fixture's step changes go: in-memory informers or the fake API server. */
export interface FixtureWorld {
  upsert(raw: unknown): void;
  delete(kind: string, namespace: string, name: string): void;
}

/**
 * Plays one fixture against a running discoverer: the initial set, then each step's changes and the groups
 * they must produce. A step that must emit nothing is proven by the next step's batch being exactly its own
 * (or by silence for `silenceMs` at the end).
 */
export async function playFixture(discoverer: Discoverer, fixture: Fixture, world: FixtureWorld, timeouts: { silenceMs: number; batchMs: number }): Promise<void> {
  const stop = new AbortController();
  try {
    const iterator = discoverer.discover(stop.signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    assertGroups(first.value as readonly TargetGroup[], fixture.want, "initial set");
    const pending: { next?: Promise<IteratorResult<readonly TargetGroup[]>> | undefined } = {};
    const steps = fixture.steps ?? [];
    for (const [i, step] of steps.entries()) {
      for (const raw of step.upsert ?? []) world.upsert(raw);
      for (const [kind, namespace, name] of step.delete ?? []) world.delete(kind, namespace, name);
      if (step.want.length === 0 && i < steps.length - 1) continue;
      const batch = await nextWithin(iterator, pending, step.want.length === 0 ? timeouts.silenceMs : timeouts.batchMs);
      if (step.want.length === 0) assert.equal(batch, undefined, `step ${i}: expected no emission`);
      else assertGroups(batch ?? [], step.want, `step ${i}`);
    }
  } finally {
    stop.abort();
  }
}
