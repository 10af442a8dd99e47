import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigLocation } from "../yaml/location.js";
import { yamlNodeFromValue } from "../yaml/yaml-node.js";
import { compareUtf8, type LabelSet } from "../model/labels.js";
import type { Profile } from "../profile.js";
import { parseRelabelConfigs } from "./config.js";
import { loadRelabelVectors } from "./fixtures/load-vectors.js";
import { relabel, relabelSteps, relabelTrace } from "./relabel.js";
import type { CompiledRule, RelabelOptions } from "./types.js";

const vectors = loadRelabelVectors();

test("relabel: the fixture holds every vector of spec 3.8", () => {
  assert.equal(vectors.length, 48);
});

for (const vector of vectors) {
  for (const profile of vector.profiles) {
    test(`relabel: vector ${vector.name} (${profile})`, () => {
      const options: RelabelOptions = { profile, scheme: profile === "v2.42" ? "legacy" : vector.scheme };
      const rules = parseRelabelConfigs(vector.rules, options, "target");
      const result = relabel(vector.input, rules);
      assert.deepEqual(result, vector.expect.get(profile));
      if (result !== undefined) assertCanonical(result);
    });
  }
}

function assertCanonical(labels: LabelSet): void {
  const names = Object.keys(labels);
  assert.deepEqual(names, [...names].sort(compareUtf8), "names in UTF-8 byte order");
  for (const name of names) assert.notEqual(labels[name], "", `empty value for ${name}`);
}

/** Compiles rules written as JS objects (as they would appear in YAML). */
function rules(written: readonly unknown[], profile: Profile = "v3"): CompiledRule[] {
  const at = new ConfigLocation("test.yml", 1, "relabel_configs");
  const items = written.map((rule, i) => ({ value: yamlNodeFromValue(rule), at: at.index(i) }));
  return parseRelabelConfigs(items, { profile, scheme: profile === "v3" ? "utf8" : "legacy" }, "target");
}

interface Case {
  readonly name: string;
  readonly profile?: Profile;
  readonly input: LabelSet;
  readonly rules: readonly unknown[];
  readonly want: LabelSet | undefined;
}

const cases: Case[] = [
  { name: "labelmap does not re-examine labels it created", input: { a_x: "1" },
    rules: [{ action: "labelmap", regex: "a_(.*)", replacement: "a_a_$1" }], want: { a_x: "1", a_a_x: "1" } },
  { name: "labelmap reads values from before the rule", input: { a: "1", b: "2" },
    rules: [{ action: "labelmap", regex: "(a|b)", replacement: "b" }], want: { a: "1", b: "2" } },
  { name: "labelmap visits astral names after U+FFFD (byte order, not UTF-16 order)", input: { "x\u{1F600}": "astral", "x\uFFFD": "bmp" },
    rules: [{ action: "labelmap", regex: "x.", replacement: "y" }], want: { "x\u{1F600}": "astral", "x\uFFFD": "bmp", y: "astral" } },
  { name: "labeldrop with a never-matching regex keeps everything", input: { a: "1" },
    rules: [{ action: "labeldrop", regex: "zzz" }], want: { a: "1" } },
  { name: "a label named __proto__ survives relabeling", input: { a: "1" },
    rules: [{ target_label: "__proto__", replacement: "p" }], want: JSON.parse('{"__proto__":"p","a":"1"}') as LabelSet },
  { name: "empty input values are treated as absent", input: { a: "", b: "x" },
    rules: [{ source_labels: ["a"], regex: "", action: "keep" }], want: { b: "x" } },
  { name: "2.42 default regex does not match a value with a newline", profile: "v2.42", input: { a: "x\ny" },
    rules: [{ source_labels: ["a"], target_label: "b" }], want: { a: "x\ny" } },
  { name: "v3 default regex matches a value with a newline", input: { a: "x\ny" },
    rules: [{ source_labels: ["a"], target_label: "b" }], want: { a: "x\ny", b: "x\ny" } },
  { name: "2.42 keep with default regex drops a value with a newline", profile: "v2.42", input: { a: "x\ny" },
    rules: [{ source_labels: ["a"], action: "keep" }], want: undefined },
  { name: "v3 replace fast path sets a static value when the source is empty", input: { a: "1" },
    rules: [{ source_labels: ["missing"], target_label: "t", replacement: "v" }], want: { a: "1", t: "v" } },
  { name: "2.42 replace with invalid expanded name deletes the literal target_label", profile: "v2.42", input: { a: "1x", "${1}": "gone" },
    rules: [{ source_labels: ["a"], regex: "(.*)", target_label: "${1}", replacement: "v" }], want: { a: "1x" } },
  { name: "v3 replace with invalid expanded name does nothing", input: { a: "", "${1}": "kept" },
    rules: [{ source_labels: ["a"], regex: "(.*)", target_label: "${1}", replacement: "v" }], want: { "${1}": "kept" } },
  { name: "separator is used between every source value", input: { a: "1", b: "2", c: "3" },
    rules: [{ source_labels: ["a", "b", "c"], separator: "--", target_label: "j" }], want: { a: "1", b: "2", c: "3", j: "1--2--3" } },
  { name: "explicit empty separator joins values directly", input: { a: "1", b: "2" },
    rules: [{ source_labels: ["a", "b"], separator: "", target_label: "j" }], want: { a: "1", b: "2", j: "12" } },
  { name: "case-insensitive flag group", input: { a: "PROD" },
    rules: [{ source_labels: ["a"], regex: "(?i)prod", action: "keep" }], want: { a: "PROD" } },
  { name: "alternation is leftmost-first", input: { a: "abcd" },
    rules: [{ source_labels: ["a"], regex: "(a|ab)(c|bcd)?(.*)", target_label: "g", replacement: "$1/$2/$3" }], want: { a: "abcd", g: "a/bcd/" } },
];

for (const c of cases) {
  test(`relabel: ${c.name}`, () => {
    assert.deepEqual(relabel(c.input, rules(c.rules, c.profile)), c.want);
  });
}

test("relabel: returns the input object itself when no rule changed a canonical set", () => {
  const input = { a: "1", b: "2" };
  assert.equal(relabel(input, rules([{ source_labels: ["a"], regex: "1", action: "keep" }])), input);
});

test("relabel: does not modify its input", () => {
  const input = { a: "1", b: "2" };
  relabel(input, rules([{ action: "labeldrop", regex: "a" }, { target_label: "c", replacement: "3" }]));
  assert.deepEqual(input, { a: "1", b: "2" });
});

test("relabelTrace: names the 0-based rule that dropped, -1 when kept", () => {
  const compiled = rules([{ target_label: "x", replacement: "1" }, { source_labels: ["x"], regex: "1", action: "drop" }, { action: "keep" }]);
  assert.deepEqual(relabelTrace({ a: "1" }, compiled), { result: undefined, droppedByRule: 1 });
  assert.deepEqual(relabelTrace({ a: "1" }, compiled.slice(2)), { result: { a: "1" }, droppedByRule: -1 });
});

test("relabelSteps: one step per rule; from the dropping rule on, keep false and output {}", () => {
  const compiled = rules([{ target_label: "x", replacement: "1" }, { source_labels: ["x"], regex: "1", action: "drop" }, { action: "keep" }]);
  const steps = relabelSteps({ a: "1" }, compiled);
  assert.deepEqual(steps.map((s) => [s.output, s.keep]), [[{ a: "1", x: "1" }, true], [{}, false], [{}, false]]);
  assert.equal(steps[0]?.rule, compiled[0]?.config);
});

test("relabelSteps: every step shows the labels after that rule", () => {
  const compiled = rules([{ target_label: "x", replacement: "1" }, { action: "labeldrop", regex: "a" }]);
  assert.deepEqual(relabelSteps({ a: "1" }, compiled).map((s) => s.output), [{ a: "1", x: "1" }, { x: "1" }]);
});

test("relabel: rejects rules it did not compile", () => {
  const fake = { config: rules([{ action: "keep" }])[0]?.config } as unknown as CompiledRule; // a hand-made object
  assert.throws(() => relabel({ a: "1" }, [fake]), TypeError);
});
