import assert from "node:assert/strict";
import { test } from "node:test";
import { group } from "./fake-provider.js";
import { GroupList } from "./group-list.js";

const sources = (list: { toArray(): { source: string }[] }): string[] => list.toArray().map((g) => g.source);

/** A model of the required order: a Map's insertion order (replace in place, delete + re-add goes last). */
type Op = ["set", string, number] | ["delete", string];
const orderCases: { name: string; ops: Op[] }[] = [
  { name: "appends new sources in arrival order", ops: [["set", "a", 1], ["set", "b", 1], ["set", "c", 2]] },
  { name: "replaces a group in place", ops: [["set", "a", 1], ["set", "b", 1], ["set", "a", 3]] },
  { name: "a deleted and re-added source goes last", ops: [["set", "a", 1], ["set", "b", 1], ["delete", "a"], ["set", "a", 1]] },
  { name: "deleting an unknown source changes nothing", ops: [["set", "a", 1], ["delete", "zz"]] },
];

for (const c of orderCases) {
  test(`group-list: ${c.name}`, () => {
    const list = new GroupList();
    const model = new Map<string, number>();
    for (const op of c.ops) {
      if (op[0] === "set") {
        list.set(group(op[1], Array.from({ length: op[2] }, (_, i) => `h${i}:1`)));
        model.set(op[1], op[2]);
      } else {
        assert.equal(list.delete(op[1]), model.delete(op[1]));
      }
    }
    assert.deepEqual(sources(list), [...model.keys()]);
    assert.equal(list.groupCount, model.size);
    assert.equal(list.targetCount, [...model.values()].reduce((a, b) => a + b, 0));
  });
}

test("group-list: a captured view never changes, across chunks, deletions and compaction", () => {
  const list = new GroupList();
  const model = new Map<string, number>();
  const views: { view: ReturnType<GroupList["capture"]>; expected: string[]; targets: number }[] = [];
  // Deterministic pseudo-random churn over 2,000 sources: sets, replacements and deletions, capturing often.
  let seed = 7;
  const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let step = 0; step < 20_000; step++) {
    const source = `s${next(2000)}`;
    if (next(3) === 0) {
      list.delete(source);
      model.delete(source);
    } else {
      const n = 1 + next(3);
      list.set(group(source, Array.from({ length: n }, (_, i) => `h${i}:1`)));
      model.set(source, n);
    }
    if (step % 997 === 0) views.push({ view: list.capture(), expected: [...model.keys()], targets: [...model.values()].reduce((a, b) => a + b, 0) });
  }
  assert.deepEqual(sources(list), [...model.keys()]);
  for (const { view, expected, targets } of views) {
    const out: { source: string }[] = [];
    view.appendTo(out as never);
    assert.deepEqual(out.map((g) => g.source), expected);
    assert.equal(view.groupCount, expected.length);
    assert.equal(view.targetCount, targets);
  }
});

test("group-list: capturing twice without a change gives the same view", () => {
  const list = new GroupList();
  list.set(group("a", ["h:1"]));
  const first = list.capture();
  assert.equal(list.capture(), first);
  list.set(group("b", ["h:1"]));
  assert.notEqual(list.capture(), first);
});

test("group-list: mass deletion compacts and keeps order", () => {
  const list = new GroupList();
  for (let i = 0; i < 5000; i++) list.set(group(`s${i}`, ["h:1"]));
  for (let i = 0; i < 5000; i++) if (i % 10 !== 0) list.delete(`s${i}`);
  assert.deepEqual(sources(list), Array.from({ length: 500 }, (_, i) => `s${i * 10}`));
  assert.equal(list.get("s10")?.source, "s10");
  assert.equal(list.get("s11"), undefined);
  list.set(group("new", ["h:1"]));
  assert.equal(sources(list).at(-1), "new");
});
