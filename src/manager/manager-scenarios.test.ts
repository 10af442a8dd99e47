/**
 * The discovery scenarios of core.md 2.7, in both profiles where they apply, with a fake provider whose
 * updates the test pushes. Snapshots are delivered at once (updateIntervalMs 0); throttle timing is tested in
 * throttle.test.ts and manager.test.ts.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Profile } from "../profile.js";
import { group } from "./fake-provider.js";
import { settle, startHarness } from "./manager-harness.js";

const X = { files: ["/t/x.json"] };
const XY = { files: ["/t/x.json", "/t/y.json"] };

for (const profile of ["v3", "v2.42"] as const satisfies readonly Profile[]) {
  test(`manager scenario shared-provider (${profile}): two jobs with equal configs share one discoverer`, async (t) => {
    const h = startHarness({ profile });
    t.after(() => h.manager.close());
    h.apply({ a: [X], b: [X] });
    await settle();
    assert.equal(h.file.created.length, 1);
    assert.deepEqual(h.manager.providerStatuses().map((p) => p.jobs), [["a", "b"]]);
    h.file.created[0]?.push([group("/t/x.json:0", ["h1:9100"], { __meta_filepath: "/t/x.json" })]);
    await settle();
    assert.deepEqual(h.last(), { a: ["/t/x.json:0: h1:9100"], b: ["/t/x.json:0: h1:9100"] });
    assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "a" }), 1);
    assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "b" }), 1);
  });

  test(`manager scenario stale-source-without-empty-group (${profile}): an unmentioned source stays`, async (t) => {
    const h = startHarness({ profile });
    t.after(() => h.manager.close());
    h.apply({ a: [X] });
    await settle();
    h.file.created[0]?.push([group("s1", ["h1:1"])]);
    h.file.created[0]?.push([group("s2", ["h2:1"])]);
    await settle();
    assert.deepEqual(h.last(), { a: ["s1: h1:1", "s2: h2:1"] });
  });
}

test("manager scenario empty-group-deletes (v3): an empty group removes its source", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  await settle();
  h.file.created[0]?.push([group("s1", ["h1:1"]), group("s2", ["h2:1"])]);
  await settle();
  assert.deepEqual(h.last(), { a: ["s1: h1:1", "s2: h2:1"] });
  h.file.created[0]?.push([group("s1", [])]);
  await settle();
  assert.deepEqual(h.last(), { a: ["s2: h2:1"] });
});

test("manager scenario empty-group-kept-2.42: the empty group is forwarded and the job stays present", async (t) => {
  const h = startHarness({ profile: "v2.42" });
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  await settle();
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  h.file.created[0]?.push([group("s1", [])]);
  await settle();
  assert.deepEqual(h.last(), { a: ["s1: "] });
});

const withoutSd: { profile: Profile; want: Record<string, string[]> }[] = [
  { profile: "v3", want: { none: [] } },
  { profile: "v2.42", want: { none: [": "] } }, // one empty group whose source is ""
];
for (const c of withoutSd) {
  test(`manager scenario job-without-sd (${c.profile}): the job is present through the implicit static config`, async (t) => {
    const h = startHarness({ profile: c.profile });
    t.after(() => h.manager.close());
    h.manager.applyConfig([{ jobName: "none", sdConfigs: [] }]);
    await settle();
    assert.deepEqual(h.last(), c.want);
    assert.deepEqual(h.manager.providerStatuses().map((p) => [p.name, p.mechanism, p.jobs]), [["static/0", "static", ["none"]]]);
    assert.equal(h.file.created.length, 0);
  });
}

test("manager scenario reload-unrelated-change (v3): no restart, and a snapshot is sent without provider updates", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  await settle();
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  await settle();
  const sent = h.snapshots.length;
  h.apply({ a: [{ files: ["/t/x.json"] }] }); // an equal, newly parsed config
  await settle();
  assert.equal(h.file.created.length, 1, "no discoverer created");
  assert.equal(h.file.created[0]?.isStopped, false, "the running discoverer is not restarted");
  assert.equal(h.snapshots.length, sent + 1, "the reload requested a send");
  assert.deepEqual(h.last(), { a: ["s1: h1:1"] });
});

test("manager scenario reload-unrelated-change (v2.42): every provider restarts, and the reload sends nothing", async (t) => {
  const h = startHarness({ profile: "v2.42" });
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  await settle();
  h.file.created[0]?.push([group("s1", ["h1:1"])]);
  await settle();
  const sent = h.snapshots.length;
  h.apply({ a: [X] });
  await settle();
  assert.equal(h.file.created.length, 2, "a new discoverer re-lists the backend");
  assert.equal(h.file.created[0]?.isStopped, true);
  assert.equal(h.snapshots.length, sent, "no send until the new provider reports");
  assert.equal(h.manager.currentSnapshot().size, 0, "the stored state was cleared");
  h.file.created[1]?.push([group("s1", ["h1:1"])]);
  await settle();
  assert.deepEqual(h.last(), { a: ["s1: h1:1"] });
});

test("manager scenario reload-add-subscriber (v3): a new job is served from the copied state without a restart", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  await settle();
  h.file.created[0]?.push([group("/t/x.json:0", ["h1:1"])]);
  await settle();
  h.apply({ a: [X], c: [X] });
  await settle();
  assert.equal(h.file.created.length, 1);
  assert.deepEqual(h.last(), { a: ["/t/x.json:0: h1:1"], c: ["/t/x.json:0: h1:1"] });
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "c" }), 1);
});

test("manager scenario reload-change-sd-config (v3): the old provider stops, the job is empty until the new one reports", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ a: [X] });
  await settle();
  h.file.created[0]?.push([group("/t/x.json:0", ["h1:1"])]);
  await settle();
  h.apply({ a: [XY] });
  await settle();
  assert.equal(h.file.created.length, 2);
  assert.equal(h.file.created[0]?.isStopped, true, "the old provider is stopped");
  assert.deepEqual(h.last(), { a: [] });
  h.file.created[1]?.push([group("/t/x.json:0", ["h1:1"])]);
  await settle();
  assert.deepEqual(h.last(), { a: ["/t/x.json:0: h1:1"] });
});

test("manager scenario reload-to-missing-file (v2.42): the job is absent, so the consumer keeps its old targets", async (t) => {
  const h = startHarness({ profile: "v2.42" });
  t.after(() => h.manager.close());
  h.apply({ f: [{ files: ["rl/t.json"] }] });
  await settle();
  h.file.created[0]?.push([group("rl/t.json:0", ["r:1"])]);
  await settle();
  assert.deepEqual(h.last(), { f: ["rl/t.json:0: r:1"] });
  const sent = h.snapshots.length;
  h.apply({ f: [{ files: ["rl/missing.json"] }] });
  await settle();
  assert.equal(h.snapshots.length, sent, "nothing is sent: the consumer keeps r:1");
  assert.equal(h.manager.currentSnapshot().size, 0, "the next snapshot would be {}");
});

test("manager scenario reload-to-missing-file (v3): the job is sent with no groups, so r:1 disappears", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ f: [{ files: ["rl/t.json"] }] });
  await settle();
  h.file.created[0]?.push([group("rl/t.json:0", ["r:1"])]);
  await settle();
  h.apply({ f: [{ files: ["rl/missing.json"] }] });
  await settle();
  assert.deepEqual(h.last(), { f: [] });
});

test("manager: removing a job (v3) stops its provider, drops it from snapshots and deletes its series", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ a: [X], b: [XY] });
  await settle();
  h.file.created[0]?.push([group("x", ["h1:1"])]);
  h.file.created[1]?.push([group("y", ["h2:1"])]);
  await settle();
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "b" }), 1);
  h.apply({ a: [X] });
  await settle();
  assert.equal(h.file.created[1]?.isStopped, true);
  assert.equal(h.file.created[0]?.isStopped, false);
  assert.deepEqual(h.last(), { a: ["x: h1:1"] });
  assert.equal(await h.metric("prometheus_sd_discovered_targets", { config: "b" }), undefined);
  assert.equal(await h.metric("prometheus_sd_last_update_timestamp_seconds", { config: "b" }), undefined);
});

test("manager: a job leaving a shared provider (v3) loses its state while the provider keeps running", async (t) => {
  const h = startHarness({ profile: "v3" });
  t.after(() => h.manager.close());
  h.apply({ a: [X], b: [X] });
  await settle();
  h.file.created[0]?.push([group("x", ["h1:1"])]);
  await settle();
  h.apply({ a: [X], b: [XY] });
  await settle();
  assert.equal(h.file.created[0]?.isStopped, false);
  assert.deepEqual(h.last(), { a: ["x: h1:1"], b: [] });
  h.apply({ a: [X], b: [X] }); // back again: served from a's copy, not from b's old state
  await settle();
  assert.equal(h.file.created.length, 2);
  assert.deepEqual(h.last(), { a: ["x: h1:1"], b: ["x: h1:1"] });
});
