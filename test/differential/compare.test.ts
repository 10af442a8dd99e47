import assert from "node:assert/strict";
import { test } from "node:test";
import type { SdEntry } from "../../src/testing/promtool.js";
import { compareEntries, describeMismatch, isMatch, labelsKey, trueDiscoveredConfig } from "./compare.js";
import { goJsonString, renderPromtoolJson } from "./go-json.js";

const kept = (d: Record<string, string>, l: Record<string, string>): SdEntry => ({ discoveredLabels: d, labels: l });
const failed: SdEntry = { discoveredLabels: {}, labels: {}, error: {} };
const truthOf = (...sets: Record<string, string>[]): Map<string, number> => {
  const map = new Map<string, number>();
  for (const s of sets) map.set(labelsKey(s), (map.get(labelsKey(s)) ?? 0) + 1);
  return map;
};

const cases: { name: string; promtool: SdEntry[]; promsd: SdEntry[]; truth?: Map<string, number>; match: boolean }[] = [
  { name: "equal multisets in another order match", promtool: [kept({ a: "1" }, { x: "1" }), failed], promsd: [failed, kept({ a: "1" }, { x: "1" })], match: true },
  { name: "a missing duplicate failed entry is a mismatch", promtool: [failed, failed], promsd: [failed], match: false },
  { name: "different labels never match", promtool: [kept({ a: "1" }, { x: "1" })], promsd: [kept({ a: "1" }, { x: "2" })], match: false },
  { name: "corrupted discoveredLabels are not excused without a truth run", promtool: [kept({ a: "1", t: "x" }, { x: "1" })], promsd: [kept({ a: "1" }, { x: "1" })], match: false },
  {
    name: "corrupted discoveredLabels are excused when promsd shows a true set",
    promtool: [kept({ a: "1", t: "x" }, { x: "1" })],
    promsd: [kept({ a: "1" }, { x: "1" })],
    truth: truthOf({ a: "1" }),
    match: true,
  },
  {
    name: "promsd's discoveredLabels must be a true set",
    promtool: [kept({ a: "1", t: "x" }, { x: "1" })],
    promsd: [kept({ a: "2" }, { x: "1" })],
    truth: truthOf({ a: "1" }),
    match: false,
  },
  {
    name: "a true set may not be used more often than the job has it",
    promtool: [kept({ a: "1" }, { x: "1" }), kept({ a: "1" }, { x: "1", y: "2" })],
    promsd: [kept({ a: "1" }, { x: "1" }), kept({ a: "1" }, { x: "1", y: "2" })],
    truth: truthOf({ a: "1" }, { b: "1" }),
    match: false,
  },
  {
    name: "a corrupted set that equals another target's true set is excused",
    promtool: [kept({ a: "1" }, { x: "1" }), kept({ a: "1" }, { x: "1" })],
    promsd: [kept({ a: "1" }, { x: "1" }), kept({ a: "1", m: "y" }, { x: "1" })],
    truth: truthOf({ a: "1" }, { a: "1", m: "y" }),
    match: true,
  },
];
for (const c of cases) {
  test(`compareEntries: ${c.name}`, () => {
    const comparison = compareEntries(c.promtool, c.promsd, c.truth);
    assert.equal(isMatch(comparison), c.match, describeMismatch(comparison));
  });
}

test("describeMismatch: names the differing labels of the closest entry", () => {
  const text = describeMismatch(compareEntries([kept({ a: "1" }, { i: "h:80" })], [kept({ a: "1" }, { i: "h" })]));
  assert.match(text, /promtool printed kept entry \{"i":"h:80"\}/);
  assert.match(text, /labels\.i: promtool "h:80", promsd "h"/);
});

test("trueDiscoveredConfig: replaces only the named job's block rules and keeps every other byte", () => {
  const config = [
    "scrape_configs:",
    "- job_name: a",
    "  relabel_configs:",
    "  - {action: keep, regex: x}  # note",
    "  static_configs: [{targets: [0x10]}]",
    "- job_name: b",
    "  relabel_configs: [{action: labeldrop, regex: y}]",
    "",
  ].join("\n");
  assert.equal(
    trueDiscoveredConfig(config, "a"),
    config.replace("relabel_configs:\n  - {action: keep, regex: x}  # note\n", "relabel_configs: [{action: drop}]\n"),
  );
  assert.equal(trueDiscoveredConfig(config, "b"), config.replace("[{action: labeldrop, regex: y}]", "[{action: drop}]"));
  assert.equal(trueDiscoveredConfig("scrape_configs:\n- job_name: c\n", "c"), undefined);
});

const goStrings: [string, string][] = [
  ["plain", '"plain"'],
  ['q"\\', '"q\\"\\\\"'],
  ["<a&b>", '"\\u003ca\\u0026b\\u003e"'],
  ["\n\r\t\b\f\u0000\u007f", '"\\n\\r\\t\\u0008\\u000c\\u0000\u007f"'],
  ["\u2028\u2029é😀", '"\\u2028\\u2029é😀"'],
];
for (const [input, want] of goStrings) {
  test(`goJsonString: ${JSON.stringify(input)}`, () => assert.equal(goJsonString(input), want));
}

test("renderPromtoolJson: 2-space indentation, error marker, [] when empty, no trailing newline", () => {
  assert.equal(renderPromtoolJson([]), "[]");
  assert.equal(
    renderPromtoolJson([kept({ a: "1" }, {}), failed]),
    '[\n  {\n    "discoveredLabels": {\n      "a": "1"\n    },\n    "labels": {}\n  },\n  {\n    "discoveredLabels": {},\n    "labels": {},\n    "error": {}\n  }\n]',
  );
});
