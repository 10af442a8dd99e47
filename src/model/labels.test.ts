import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalLabels, compareUtf8, sortLabelNames, withLabel } from "./labels.js";

const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
const NAMES = ["", "a", "ab", "b", "__meta_x", "__address__", "Z", "\u00e9", "\uffff", "\ue000", "😀", "a😀", "a\uffff", "\u{10ffff}"];

test("labels: compareUtf8 is UTF-8 byte order, with and without surrogates", () => {
  for (const a of NAMES) {
    for (const b of NAMES) assert.equal(Math.sign(compareUtf8(a, b)), Math.sign(byteOrder(a, b)), `${a} vs ${b}`);
  }
});

test("labels: sortLabelNames sorts in UTF-8 byte order, native order when it is the same", () => {
  assert.deepEqual(sortLabelNames(["b", "a", "__x"]), ["__x", "a", "b"]);
  assert.deepEqual(sortLabelNames(["\uffff", "😀", "a"]), ["a", "\uffff", "😀"]); // "😀" < "\uffff" in UTF-16
  assert.deepEqual(sortLabelNames([...NAMES].reverse()), [...NAMES].sort(byteOrder));
});

test("labels: withLabel inserts, replaces or removes one label and keeps canonical order", () => {
  const set = canonicalLabels({ b: "2", __meta_z: "z", a: "1" });
  assert.deepEqual(Object.entries(withLabel(set, "__meta_filepath", "f.json")), [["__meta_filepath", "f.json"], ["__meta_z", "z"], ["a", "1"], ["b", "2"]]);
  assert.deepEqual(Object.entries(withLabel(set, "a", "new")), [["__meta_z", "z"], ["a", "new"], ["b", "2"]]);
  assert.deepEqual(Object.entries(withLabel(set, "c", "3")), [["__meta_z", "z"], ["a", "1"], ["b", "2"], ["c", "3"]]);
  assert.deepEqual(Object.entries(withLabel(set, "a", "")), [["__meta_z", "z"], ["b", "2"]]);
  assert.deepEqual(Object.entries(withLabel({}, "x", "1")), [["x", "1"]]);
  assert.deepEqual(Object.entries(withLabel({ "😀": "s" }, "\uffff", "f")), [["\uffff", "f"], ["😀", "s"]]);
  assert.deepEqual(set, { __meta_z: "z", a: "1", b: "2" }, "the input is not modified");
});

test("labels: a label named __proto__ stays an ordinary label", () => {
  const set = withLabel(canonicalLabels(JSON.parse('{"__proto__": "p", "a": "1"}') as Record<string, string>), "b", "2");
  assert.deepEqual(Object.entries(set), [["__proto__", "p"], ["a", "1"], ["b", "2"]]);
  assert.equal(Object.getPrototypeOf(set), Object.prototype);
});
