import assert from "node:assert/strict";
import { test } from "node:test";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import { group } from "./fake-provider.js";
import { type Subscription, TargetStore } from "./target-store.js";

type Update = { job: string; provider: string; groups: readonly (TargetGroup | null)[] };
interface StoreCase {
  name: string;
  profile: Profile;
  updates: Update[];
  subscriptions: Subscription[];
  /** job → sorted sources with target counts, e.g. ["s1:1"]. */
  want: Record<string, string[]>;
}

const subsA: Subscription[] = [{ provider: "p/0", jobs: ["a"] }];
const cases: StoreCase[] = [
  {
    name: "v3 replaces a group by source",
    profile: "v3",
    updates: [{ job: "a", provider: "p/0", groups: [group("s1", ["h1:1"])] }, { job: "a", provider: "p/0", groups: [group("s1", ["h1:1", "h2:1"])] }],
    subscriptions: subsA,
    want: { a: ["s1:2"] },
  },
  {
    name: "v3 deletes a source on an empty group",
    profile: "v3",
    updates: [{ job: "a", provider: "p/0", groups: [group("s1", ["h1:1"]), group("s2", ["h2:1"])] }, { job: "a", provider: "p/0", groups: [group("s1", [])] }],
    subscriptions: subsA,
    want: { a: ["s2:1"] },
  },
  {
    name: "v2.42 keeps an empty group",
    profile: "v2.42",
    updates: [{ job: "a", provider: "p/0", groups: [group("s1", ["h1:1"])] }, { job: "a", provider: "p/0", groups: [group("s1", [])] }],
    subscriptions: subsA,
    want: { a: ["s1:0"] },
  },
  {
    name: "null groups are ignored",
    profile: "v3",
    updates: [{ job: "a", provider: "p/0", groups: [null, group("s1", ["h1:1"]), null] }],
    subscriptions: subsA,
    want: { a: ["s1:1"] },
  },
  {
    name: "an unmentioned source stays",
    profile: "v3",
    updates: [{ job: "a", provider: "p/0", groups: [group("s1", ["h1:1"])] }, { job: "a", provider: "p/0", groups: [group("s2", ["h2:1"])] }],
    subscriptions: subsA,
    want: { a: ["s1:1", "s2:1"] },
  },
  {
    name: "v3 lists a subscribed job that has nothing",
    profile: "v3",
    updates: [],
    subscriptions: [{ provider: "p/0", jobs: ["a", "b"] }],
    want: { a: [], b: [] },
  },
  {
    name: "v2.42 omits a job that has nothing stored",
    profile: "v2.42",
    updates: [{ job: "a", provider: "p/0", groups: [] }],
    subscriptions: [{ provider: "p/0", jobs: ["a", "b"] }],
    want: {},
  },
  {
    name: "a job concatenates the groups of all its providers",
    profile: "v3",
    updates: [{ job: "a", provider: "p/0", groups: [group("s1", ["h1:1"])] }, { job: "a", provider: "q/1", groups: [group("s1", ["h2:1", "h3:1"])] }],
    subscriptions: [{ provider: "p/0", jobs: ["a"] }, { provider: "q/1", jobs: ["a"] }],
    want: { a: ["s1:1", "s1:2"] },
  },
  {
    name: "v3 ignores state of a provider the job no longer subscribes to",
    profile: "v3",
    updates: [{ job: "a", provider: "old/0", groups: [group("s1", ["h1:1"])] }],
    subscriptions: [{ provider: "p/1", jobs: ["a"] }],
    want: { a: [] },
  },
];

function summarise(snapshot: ReadonlyMap<string, readonly TargetGroup[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [job, groups] of snapshot) out[job] = groups.map((g) => `${g.source}:${g.targets.length}`).sort();
  return out;
}

for (const c of cases) {
  test(`target-store: ${c.name}`, () => {
    const store = new TargetStore({ profile: c.profile });
    for (const u of c.updates) store.applyUpdate(u.job, u.provider, u.groups);
    assert.deepEqual(summarise(store.snapshot(c.subscriptions)), c.want);
  });
}

test("target-store: copyGroups gives a new subscriber the current groups, independently of the original", () => {
  const store = new TargetStore({ profile: "v3" });
  store.applyUpdate("a", "p/0", [group("s1", ["h1:1"]), group("s2", ["h2:1"])]);
  store.copyGroups("p/0", "a", "c");
  store.applyUpdate("a", "p/0", [group("s1", [])]);
  assert.deepEqual(summarise(store.snapshot([{ provider: "p/0", jobs: ["a", "c"] }])), { a: ["s2:1"], c: ["s1:1", "s2:1"] });
});

test("target-store: delete and clear forget stored groups", () => {
  const store = new TargetStore({ profile: "v2.42" });
  store.applyUpdate("a", "p/0", [group("s1", ["h1:1"])]);
  store.applyUpdate("b", "p/0", [group("s1", ["h1:1"])]);
  store.delete("a", "p/0");
  assert.deepEqual(store.jobs(), ["b"]);
  assert.deepEqual(store.groups("a", "p/0"), []);
  store.clear();
  assert.deepEqual(store.jobs(), []);
});

/** `changes` of a snapshot as plain data: job → "reset" or provider → source → target count (null = deleted). */
function changesOf(snapshot: ReturnType<TargetStore["takeSnapshot"]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [job, change] of snapshot.changes) {
    out[job] = change.isReset ? "reset" : Object.fromEntries([...change.groups].map(([p, s]) => [p, Object.fromEntries([...s].map(([src, g]) => [src, g?.targets.length ?? null]))]));
  }
  return out;
}

test("target-store: takeSnapshot numbers snapshots and lists only what changed since the previous one", () => {
  const store = new TargetStore({ profile: "v3" });
  const subs = [{ provider: "p/0", jobs: ["a", "b"] }];
  store.applyUpdate("a", "p/0", [group("s1", ["h1:1"]), group("s2", ["h2:1"])]);
  const first = store.takeSnapshot(subs);
  assert.equal(first.sequence, 1);
  assert.equal(first.previousSequence, undefined);
  assert.deepEqual(changesOf(first), { a: "reset", b: "reset" }, "everything is new in the first snapshot");

  store.applyUpdate("a", "p/0", [group("s1", ["h1:1", "h3:1"]), group("s2", []), group("never-stored", [])]);
  const second = store.takeSnapshot(subs);
  assert.equal(second.previousSequence, 1);
  assert.deepEqual(changesOf(second), { a: { "p/0": { s1: 2, s2: null } } }, "a deletion of an unknown source is no change");
  assert.equal(second.job("b"), first.job("b"), "an unchanged job keeps its entry (and its cached array)");
  assert.deepEqual(summarise(first), { a: ["s1:1", "s2:1"], b: [] }, "an earlier snapshot never changes");
  assert.deepEqual(summarise(second), { a: ["s1:2"], b: [] });
  assert.equal(second.job("a")?.targetCount, 2);

  assert.deepEqual(changesOf(store.takeSnapshot(subs)), {}, "no change, no entry");
  const peek = store.snapshot(subs);
  assert.equal(peek.sequence, 0);
  store.applyUpdate("a", "p/0", [group("s9", ["h9:1"])]);
  assert.deepEqual(changesOf(store.takeSnapshot(subs)), { a: { "p/0": { s9: 1 } } }, "a peek does not consume changes");
});

test("target-store: a job whose providers change, or that goes away, is reported as reset", () => {
  const store = new TargetStore({ profile: "v3" });
  store.applyUpdate("a", "p/0", [group("s1", ["h1:1"])]);
  store.takeSnapshot([{ provider: "p/0", jobs: ["a", "b"] }]);
  store.applyUpdate("a", "q/1", [group("s1", ["h1:1"])]);
  assert.deepEqual(changesOf(store.takeSnapshot([{ provider: "p/0", jobs: ["a"] }, { provider: "q/1", jobs: ["a"] }])), { a: "reset", b: "reset" });
  store.delete("a", "q/1");
  assert.deepEqual(changesOf(store.takeSnapshot([{ provider: "p/0", jobs: ["a"] }])), { a: "reset" });
});

test("target-store: an unchanged group sent again keeps the stored object and is no change", () => {
  const store = new TargetStore({ profile: "v3" });
  const subs = [{ provider: "p/0", jobs: ["a"] }];
  const first = group("s1", ["h1:1"], { env: "prod" });
  store.applyUpdate("a", "p/0", [first, group("s2", ["h2:1"])]);
  store.takeSnapshot(subs);
  store.applyUpdate("a", "p/0", [group("s1", ["h1:1"], { env: "prod" }), group("s2", ["h2:1", "h3:1"])]);
  const next = store.takeSnapshot(subs);
  assert.deepEqual(changesOf(next), { a: { "p/0": { s2: 2 } } });
  assert.equal(next.get("a")?.[0], first, "the equal group was not replaced");
  store.applyUpdate("a", "p/0", [group("s1", ["h1:1"], { env: "dev" })]);
  assert.deepEqual(changesOf(store.takeSnapshot(subs)), { a: { "p/0": { s1: 1 } } }, "a changed group label is a change");
});
