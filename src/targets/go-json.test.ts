import assert from "node:assert/strict";
import { test } from "node:test";
import { goJsonIndent, GoJsonObject, goJsonString, labelObject, labelObjectIndent } from "./go-json.js";

test("goJsonString: HTML characters and line separators escaped like Go", () => {
  assert.equal(goJsonString("a<b>&c\u2028\u2029", "v3"), '"a\\u003cb\\u003e\\u0026c\\u2028\\u2029"');
});

test("goJsonString: control characters by profile (Go 1.22 added \\b and \\f)", () => {
  assert.equal(goJsonString('"\\\n\r\t\b\f\u0001\u007f', "v3"), '"\\"\\\\\\n\\r\\t\\b\\f\\u0001\u007f"');
  assert.equal(goJsonString("\b\f", "v2.42"), '"\\u0008\\u000c"');
});

test("goJsonString: lone surrogates become U+FFFD escapes, pairs stay", () => {
  assert.equal(goJsonString("a\ud800b\u{1f600}", "v3"), '"a\\ufffdb\u{1f600}"');
});

test("goJsonIndent: MarshalIndent layout, empty containers compact", () => {
  const value = [new GoJsonObject([["b", new GoJsonObject([])], ["a", []], ["n", 1]])];
  assert.equal(goJsonIndent(value, "v3"), '[\n  {\n    "b": {},\n    "a": [],\n    "n": 1\n  }\n]');
  assert.equal(goJsonIndent([], "v3"), "[]");
});

test("labelObject: byte order even for integer-like and astral names; empty values left out", () => {
  const obj = labelObject({ b: "1", "10": "x", "2": "y", "\u{1f600}": "s", "\uffff": "t", a: "" });
  assert.deepEqual(obj.entries.map(([k]) => k), ["10", "2", "b", "\uffff", "\u{1f600}"]);
});

test("labelObjectIndent: same bytes as goJsonIndent(labelObject(...)) in both profiles", () => {
  const labels = { b: "<x>\b", a: "1", "0": "z", e: "" };
  for (const profile of ["v3", "v2.42"] as const) {
    assert.equal(labelObjectIndent(labels, profile, "    "), goJsonIndent(labelObject(labels), profile, "    "));
    assert.equal(labelObjectIndent({}, profile, "    "), "{}");
  }
});
