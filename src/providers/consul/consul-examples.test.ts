/**
 * The worked examples of consul.md §5 (C1-C6) and the expectations of Prometheus's discovery/consul/consul_test.go,
 * kept as data in ./fixtures and run through one loop against FakeConsul. A fixture gives the config (without
 * `server`), the fake's state, and steps; each step lists the requests the fake must see (in stages: every request of
 * a stage comes after the requests matched by the stage before), paths it must never see, and the last group emitted
 * for each source.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test, type TestContext } from "node:test";
import { waitFor } from "../../testing/index.js";
import { startConsulDiscovery, type ConsulDiscovery } from "./consul-test-harness.js";
import type { HealthEntryJson, RecordedRequest } from "./fake-consul-server.js";

interface ExpectedRequest {
  readonly path: string;
  readonly query: string;
  /** Checked only when given. */
  readonly token?: string;
}

interface ExpectedGroup {
  readonly labels: Record<string, string>;
  readonly targets: readonly Record<string, string>[];
}

interface Step {
  readonly removeServices?: readonly string[];
  readonly requests: readonly (readonly ExpectedRequest[])[];
  readonly neverRequested?: readonly string[];
  readonly groups: Readonly<Record<string, ExpectedGroup>>;
  /** Every group source emitted since the start, in order. */
  readonly sources?: readonly string[];
  readonly sourcesEndWith?: readonly string[];
}

interface Example {
  readonly id: string;
  readonly origin: string;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly fake: { readonly token?: string; readonly index?: number; readonly services: Record<string, HealthEntryJson[]> };
  readonly steps: readonly Step[];
}

const FIXTURES = new URL("./fixtures/", import.meta.url);
const DEADLINE_MS = 20_000;

function loadExamples(): Example[] {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).sort();
  return files.map((file) => {
    const value: unknown = JSON.parse(readFileSync(new URL(file, FIXTURES), "utf8"));
    assert.ok(typeof value === "object" && value !== null, `${file}: not an object`);
    for (const key of ["id", "origin", "name", "config", "fake", "steps"]) assert.ok(key in value, `${file}: missing "${key}"`);
    return value as Example; // checked above for its keys; the fixtures are ours and typed by this interface
  });
}

/** common.md 1.4: an empty label value means "absent", so the spec's `""` labels are compared as missing. */
function withoutEmpty(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ""));
}

/** Matches the stages against the log; returns what is still missing (empty when all matched). */
function unmatched(log: readonly RecordedRequest[], stages: Step["requests"]): ExpectedRequest[] {
  const used = new Set<number>();
  let after = -1;
  for (const stage of stages) {
    let latest = after;
    for (const want of stage) {
      const found = log.findIndex((r, i) => i > after && !used.has(i) && r.path === want.path && r.query === want.query && (want.token === undefined || r.token === want.token));
      if (found < 0) return [want];
      used.add(found);
      latest = Math.max(latest, found);
    }
    after = latest;
  }
  return [];
}

/** Starts the fake in the example's state and a discoverer on the example's config. */
function startExample(t: TestContext, example: Example): Promise<ConsulDiscovery> {
  return startConsulDiscovery(t, {
    yaml: (consul) => JSON.stringify({ server: consul.address, ...example.config }),
    setup: (consul) => {
      for (const [name, entries] of Object.entries(example.fake.services)) consul.setService(name, entries);
      if (example.fake.index !== undefined) consul.bump(example.fake.index);
    },
    fake: example.fake.token === undefined ? {} : { token: example.fake.token },
    requestTimeoutMs: 5000,
  });
}

for (const example of loadExamples()) {
  test(`consul example ${example.id}: ${example.name} (${example.origin})`, async (t) => {
    const { consul, last, sources } = await startExample(t, example);
    for (const [n, step] of example.steps.entries()) {
      for (const name of step.removeServices ?? []) consul.removeService(name);
      const want = Object.fromEntries(Object.entries(step.groups).map(([source, g]) => [source, { labels: withoutEmpty(g.labels), targets: g.targets.map(withoutEmpty) }]));
      const got = () => Object.fromEntries([...last].map(([source, g]) => [source, { labels: { ...g.labels }, targets: g.targets.map((x) => ({ ...x })) }]));
      await waitFor(() => {
        const missing = unmatched(consul.requests, step.requests);
        if (missing.length === 0) return true;
        throw new Error(`missing ${JSON.stringify(missing)}; log ${JSON.stringify(consul.requests.map((r) => `${r.path}?${r.query}`))}`);
      }, { timeoutMs: DEADLINE_MS, description: `step ${n}'s requests` });
      await waitFor(() => {
        assert.deepEqual(got(), want, `step ${n}: last group per source`); // a timeout reports the last diff
        return true;
      }, { timeoutMs: DEADLINE_MS, description: `step ${n}'s groups` });
      for (const path of step.neverRequested ?? []) {
        assert.equal(consul.requests.some((r) => r.path === path), false, `step ${n}: ${path} must never be requested`);
      }
      if (step.sources !== undefined) assert.deepEqual(sources, step.sources, `step ${n}: emitted sources`);
      if (step.sourcesEndWith !== undefined) assert.deepEqual(sources.slice(-step.sourcesEndWith.length), step.sourcesEndWith, `step ${n}: last emitted sources`);
    }
  });
}

test("consul examples: every worked example of consul.md §5 has a fixture", () => {
  const ids = loadExamples().flatMap((e) => e.id.split("/"));
  for (const id of ["C1", "C2", "C3", "C4", "C5", "C6"]) assert.ok(ids.includes(id), `${id} has no fixture`);
});
