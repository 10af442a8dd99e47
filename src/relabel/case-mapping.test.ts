import assert from "node:assert/strict";
import { test } from "node:test";
import { goToLower, goToUpper } from "./case-mapping.js";

// Go's strings.ToLower/ToUpper: simple per-code-point mapping (spec core.md 3.5).
const upper: [string, string][] = [
  ["bAr123Foo", "BAR123FOO"], ["straße", "STRAßE"], ["ﬁ", "ﬁ"], ["ŉ", "ŉ"], ["ᾳ", "ᾼ"], ["ᾀ", "ᾈ"], ["ᾈ", "ᾈ"],
  ["ǅ", "Ǆ"], ["ſ", "S"], ["ı", "I"], ["éà", "ÉÀ"], ["𐐨", "𐐀"], ["ΐ", "ΐ"], ["", ""], ["日本", "日本"],
];
const lower: [string, string][] = [
  ["bAr123Foo", "bar123foo"], ["İSTANBUL", "istanbul"], ["ΟΔΟΣ", "οδοσ"], ["Σ", "σ"], ["ǅ", "ǆ"], ["ẞ", "ß"],
  ["K", "k"], ["𐐀", "𐐨"], ["ÉÀ", "éà"], ["", ""],
];

for (const [input, want] of upper) test(`case: upper ${input} is ${want}`, () => assert.equal(goToUpper(input), want));
for (const [input, want] of lower) test(`case: lower ${input} is ${want}`, () => assert.equal(goToLower(input), want));
