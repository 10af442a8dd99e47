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
import type { DiscovererDeps } from "../provider.js";
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
