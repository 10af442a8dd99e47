import assert from "node:assert/strict";
import { test } from "node:test";
import { sameTargetGroup, type TargetGroup } from "./target-group.js";

const base: TargetGroup = { source: "s", labels: { a: "1" }, targets: [{ __address__: "x:1" }, { __address__: "y:1", b: "" }] };
const cases: { name: string; other: TargetGroup; same: boolean }[] = [
  { name: "equal copies", other: { source: "s", labels: { a: "1" }, targets: [{ __address__: "x:1" }, { __address__: "y:1", b: "" }] }, same: true },
  { name: "label order does not matter", other: { source: "s", labels: { a: "1" }, targets: [{ __address__: "x:1" }, { b: "", __address__: "y:1" }] }, same: true },
  { name: "another source", other: { ...base, source: "t" }, same: false },
  { name: "another group label value", other: { ...base, labels: { a: "2" } }, same: false },
  { name: "an extra group label", other: { ...base, labels: { a: "1", c: "" } }, same: false },
  { name: "a missing label with an empty value elsewhere", other: { ...base, targets: [{ __address__: "x:1" }, { __address__: "y:1", c: "" }] }, same: false },
  { name: "targets in another order", other: { ...base, targets: [base.targets[1]!, base.targets[0]!] }, same: false },
  { name: "one target fewer", other: { ...base, targets: [base.targets[0]!] }, same: false },
];
for (const c of cases) {
  test(`sameTargetGroup: ${c.name}`, () => {
    assert.equal(sameTargetGroup(base, c.other), c.same);
    assert.equal(sameTargetGroup(c.other, base), c.same);
  });
}
