import assert from "node:assert/strict";
import { test } from "node:test";
import { parseYaml } from "../yaml/yaml-node.js";
import type { NameValidationScheme } from "./labels.js";
import { decodeGroupsJson, decodeGroupsYaml, encodeGroupsJson, GroupDecodeError, type DecodedGroup } from "./target-group-codec.js";

const GROUP_JSON = 'struct { Targets []string "json:\\"targets\\""; Labels model.LabelSet "json:\\"labels\\"" }';
const GROUP_YAML = 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }';

interface OkCase { name: string; input: string; want: DecodedGroup[]; scheme?: NameValidationScheme }
interface ErrCase { name: string; input: string; error: string; scheme?: NameValidationScheme }

// Every error text below was produced by promtool 2.42 (`Error reading file ... err=`) on the same input.
const jsonErrors: ErrCase[] = [
  { name: "empty file", input: "", error: "unexpected end of JSON input" },
  { name: "unterminated list", input: "[", error: "unexpected end of JSON input" },
  { name: "top-level object", input: "{}", error: "json: cannot unmarshal object into Go value of type []*targetgroup.Group" },
  { name: "top-level string", input: '"x"', error: "json: cannot unmarshal string into Go value of type []*targetgroup.Group" },
  { name: "number element", input: "[1]", error: `json: cannot unmarshal number into Go value of type ${GROUP_JSON}` },
  { name: "null element", input: "[null]", error: "nil target group item found" },
  { name: "number target", input: '[{"targets":[1]}]', error: "json: cannot unmarshal number into Go struct field .targets of type string" },
  { name: "string targets", input: '[{"targets":"a"}]', error: "json: cannot unmarshal string into Go struct field .targets of type []string" },
  { name: "object target after null", input: '[{"targets":[null,{}]}]', error: "json: cannot unmarshal object into Go struct field .targets of type string" },
  { name: "first of two target errors", input: '[{"targets":[1, {}]}]', error: "json: cannot unmarshal number into Go struct field .targets of type string" },
  { name: "number label value", input: '[{"labels":{"a":1}}]', error: "json: cannot unmarshal number into Go struct field .labels of type model.LabelValue" },
  { name: "string labels", input: '[{"labels":"x"}]', error: "json: cannot unmarshal string into Go struct field .labels of type map[model.LabelName]model.LabelValue" },
  { name: "legacy name", input: '[{"labels":{"a.b":"x"}}]', error: '"a.b" is not a valid label name', scheme: "legacy" },
  { name: "empty name", input: '[{"labels":{"":"x"}}]', error: '"" is not a valid label name' },
  { name: "unknown field", input: '[{"extra":1}]', error: 'json: unknown field "extra"' },
  { name: "unknown field before a type error", input: '[{"extra":1,"targets":[1]}]', error: 'json: unknown field "extra"' },
  { name: "labels error beats an earlier saved error", input: '[{"extra":1,"labels":{"a":1}}]', error: "json: cannot unmarshal number into Go struct field .labels of type model.LabelValue" },
  { name: "label name error beats target error", input: '[{"targets":[1],"labels":{"a.b":"x"}}]', error: '"a.b" is not a valid label name', scheme: "legacy" },
  { name: "value type error before name check", input: '[{"labels":{"a.b":1}}]', error: "json: cannot unmarshal number into Go struct field .labels of type model.LabelValue", scheme: "legacy" },
  { name: "type error beats later null element", input: '[{"targets":[1]}, null]', error: "json: cannot unmarshal number into Go struct field .targets of type string" },
  { name: "type error beats earlier null element", input: '[null, {"targets":[1]}]', error: "json: cannot unmarshal number into Go struct field .targets of type string" },
  { name: "byte order mark", input: "\ufeff[]", error: "invalid character 'ï' looking for beginning of value" },
  { name: "trailing comma", input: "[1,]", error: "invalid character ']' looking for beginning of value" },
  { name: "missing colon", input: '{"a" 1}', error: "invalid character '1' after object key" },
  { name: "leading zero in list", input: "[01]", error: "invalid character '1' after array element" },
  { name: "leading zero at top", input: "01", error: "invalid character '1' after top-level value" },
  { name: "bad minus", input: "[-a]", error: "invalid character 'a' in numeric literal" },
  { name: "bad fraction", input: "[1.a]", error: "invalid character 'a' after decimal point in numeric literal" },
  { name: "bad exponent", input: "[1ea]", error: "invalid character 'a' in exponent of numeric literal" },
  { name: "short literal", input: "[tru]", error: "invalid character ']' in literal true (expecting 'e')" },
  { name: "wrong literal", input: "[trux]", error: "invalid character 'x' in literal true (expecting 'e')" },
  { name: "literal cut by end of input", input: "nul", error: "invalid character ' ' in literal null (expecting 'l')" },
  { name: "bad escape", input: '["\\x"]', error: "invalid character 'x' in string escape code" },
  { name: "bad unicode escape", input: '["\\u12g"]', error: "invalid character 'g' in \\u hexadecimal character escape" },
  { name: "raw newline in string", input: '["\n"]', error: "invalid character '\\n' in string literal" },
  { name: "garbage after value", input: "[] x", error: "invalid character 'x' after top-level value" },
  { name: "number as key", input: "[{1:2}]", error: "invalid character '1' looking for beginning of object key string" },
  { name: "trailing comma in object", input: '{"a":1,}', error: "invalid character '}' looking for beginning of object key string" },
  { name: "missing comma in list", input: "[1 2]", error: "invalid character '2' after array element" },
  { name: "missing comma in object", input: '{"a":1 2}', error: "invalid character '2' after object key:value pair" },
  { name: "non-ASCII character shows its first byte", input: "[é]", error: "invalid character 'Ã' looking for beginning of value" },
  { name: "syntax error wins over everything", input: '[null, {"extra": 1}] ]', error: "invalid character ']' after top-level value" },
  { name: "quote in wrong place", input: '[1"]', error: "invalid character '\"' after array element" },
];

const jsonOk: OkCase[] = [
  { name: "empty list", input: "[]", want: [] },
  { name: "null", input: " null ", want: [] },
  {
    name: "F1 JSON",
    input: '[\n  {"targets": ["localhost:9090", "example.org:443"], "labels": {"foo": "bar"}},\n  {"targets": ["my.domain"]}\n]',
    want: [{ targets: ["localhost:9090", "example.org:443"], labels: { foo: "bar" } }, { targets: ["my.domain"], labels: {} }],
  },
  {
    name: "keys match case-insensitively; null values are absent",
    input: '[{"Targets": ["up:1"], "LABELS": {"env": "x", "empty": null}}, {"targets": ["b:2"]}]',
    want: [{ targets: ["up:1"], labels: { env: "x" } }, { targets: ["b:2"], labels: {} }],
  },
  { name: "long s folds to s", input: '[{"targetſ":["a"]}]', want: [{ targets: ["a"], labels: {} }] },
  { name: "missing and null targets", input: '[{}, {"targets": null, "labels": null}]', want: [{ targets: [], labels: {} }, { targets: [], labels: {} }] },
  { name: "null target is the empty address", input: '[{"targets": [null, "a"]}]', want: [{ targets: ["", "a"], labels: {} }] },
  { name: "duplicate key: last wins", input: '[{"targets": ["a"], "Targets": ["b"], "labels": {"x": "1", "x": "2"}}]', want: [{ targets: ["b"], labels: { x: "2" } }] },
  { name: "later null labels reset", input: '[{"labels": {"x": "1"}, "labels": null}]', want: [{ targets: [], labels: {} }] },
  { name: "utf8 names accepted in v3", input: '[{"labels": {"service.name": "checkout"}}]', want: [{ targets: [], labels: { "service.name": "checkout" } }] },
  { name: "escapes decoded", input: '[{"targets": ["a\\u00e9\\ud83d\\ude00\\n\\/"], "labels": {"k": "\\ud800"}}]', want: [{ targets: ["aé😀\n/"], labels: { k: "\ufffd" } }] },
  { name: "label keys come out sorted", input: '[{"labels": {"b": "2", "a": "1", "__meta_x": "3"}}]', want: [{ targets: [], labels: { __meta_x: "3", a: "1", b: "2" } }] },
  { name: "numbers and literals elsewhere are syntax-checked only", input: '[] \t\r\n', want: [] },
];

for (const c of jsonErrors) {
  test(`codec: JSON ${c.name} fails like Go`, () => {
    assert.throws(() => decodeGroupsJson(c.input, c.scheme ?? "utf8"), (e: unknown) => e instanceof GroupDecodeError && e.message === c.error && e.code === "PROMSD_GROUP_DECODE");
  });
}
for (const c of jsonOk) {
  test(`codec: JSON ${c.name}`, () => {
    assert.deepEqual(decodeGroupsJson(c.input, c.scheme ?? "utf8"), c.want);
  });
}
test("codec: JSON works on bytes like Go: one U+FFFD per invalid byte, raw bytes in syntax errors", () => {
  const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));
  assert.deepEqual(decodeGroupsJson(bytes('[{"targets":["x', [0xf0, 0x9f, 0x98], 'y", "', [0xed, 0xa0, 0x80], '"]}]'), "utf8"), [{ targets: ["x\ufffd\ufffd\ufffdy", "\ufffd\ufffd\ufffd"], labels: {} }]);
  assert.throws(() => decodeGroupsJson(bytes("[", [0xff], "]"), "utf8"), { message: "invalid character 'ÿ' looking for beginning of value" });
  assert.deepEqual(decodeGroupsJson(new Uint8Array(Buffer.from('[{"targets":["é"]}]')), "utf8"), [{ targets: ["é"], labels: {} }]);
});

test("codec: JSON errors in a value that a later duplicate key overrides still count (verified on 2.42)", () => {
  assert.throws(() => decodeGroupsJson('[{"targets":[1],"targets":["a"]}]', "utf8"), { message: "json: cannot unmarshal number into Go struct field .targets of type string" });
  assert.throws(() => decodeGroupsJson('[{"labels":{"a":1,"a":"x"}}]', "utf8"), { message: "json: cannot unmarshal number into Go struct field .labels of type model.LabelValue" });
});

test("codec: groups sharing label names in another order each get their own sorted labels", () => {
  const text = '[{"labels":{"b":"1","a":"2"}},{"labels":{"a":"3","b":"4"}},{"labels":{"b":"5","a":"6","b":"7"}},{"labels":{"b":"8","a":"9"}}]';
  assert.deepEqual(decodeGroupsJson(text, "utf8").map((g) => Object.entries(g.labels)), [
    [["a", "2"], ["b", "1"]], [["a", "3"], ["b", "4"]], [["a", "6"], ["b", "7"]], [["a", "9"], ["b", "8"]],
  ]);
});

test("codec: JSON key order of labels objects is label order", () => {
  const [group] = decodeGroupsJson('[{"labels": {"b": "2", "a": "1"}}]', "utf8");
  assert.deepEqual(Object.keys(group?.labels ?? {}), ["a", "b"]);
});

test("codec: an escaped colon cannot hide a duplicate key from the fast path's colon count", () => {
  // The text's colons (3) equal the members JSON.parse keeps (2) plus the decoded colon: only the escape check
  // sends this to the exact reader, which reports the overridden value's type error as Go does.
  assert.throws(() => decodeGroupsJson('[{"labels":{"a":1,"a":"\\u003a"}}]', "utf8"), { message: "json: cannot unmarshal number into Go struct field .labels of type model.LabelValue" });
  assert.deepEqual(decodeGroupsJson('[{"targets":["h\\u003a1"],"labels":{"a":"x:y"}}]', "utf8"), [{ targets: ["h:1"], labels: { a: "x:y" } }]);
});

/** Deterministic groups with the characters that matter to JSON decoding: colons, escapes, astral, digits. */
function randomGroups(seed: number, count: number): { targets: string[]; labels: Record<string, string> }[] {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const pieces = ["a", "b", ":", "10.0.0.1:80", "\"", "\\", "\n", "é", "😀", "\u2028", "<&>", "1", "_", ""];
  const text = (parts: number): string => Array.from({ length: parts }, () => pieces[next(pieces.length)] ?? "").join("");
  const names = ["__meta_x", "a", "b_c", "1", "10", "z:y", "😀", "\uffff", "__address__"];
  return Array.from({ length: count }, () => {
    const labels: Record<string, string> = {};
    for (let i = next(5); i > 0; i--) labels[names[next(names.length)] ?? "a"] = text(next(4));
    return { targets: Array.from({ length: next(3) }, () => text(1 + next(3))), labels };
  });
}

test("codec: the JSON.parse fast path decodes exactly as the Go-exact reader", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const text = JSON.stringify(randomGroups(seed, 20));
    // A case-folded key is only understood by the exact reader, so the second decode cannot take the fast path.
    const exact = decodeGroupsJson(text.replaceAll('"targets":', '"Targets":'), "utf8");
    const fast = decodeGroupsJson(text, "utf8");
    assert.deepEqual(fast.map((g) => [g.targets, Object.entries(g.labels)]), exact.map((g) => [g.targets, Object.entries(g.labels)]), `seed ${seed}`);
  }
});

const yamlErrors: ErrCase[] = [
  {
    name: "type errors accumulate in document order",
    input: "- targets: [a]\n  labels: foo\n- targets: x\n- target: [b]\n- targets: [[1]]\n  labels: {a: [1]}\n- labels: [1]\n- 5\n- {labels: {a: 1, a: 2}}\n- {targets: [], targets: []}\n",
    error: [
      "yaml: unmarshal errors:",
      "  line 2: cannot unmarshal !!str `foo` into model.LabelSet",
      "  line 3: cannot unmarshal !!str `x` into []string",
      `  line 4: field target not found in type ${GROUP_YAML}`,
      "  line 5: cannot unmarshal !!seq into string",
      "  line 6: cannot unmarshal !!seq into model.LabelValue",
      "  line 7: cannot unmarshal !!seq into model.LabelSet",
      `  line 8: cannot unmarshal !!int \`5\` into ${GROUP_YAML}`,
      '  line 9: key "a" already set in map',
      `  line 10: field targets already set in type ${GROUP_YAML}`,
    ].join("\n"),
  },
  { name: "invalid name fails at once, dropping type errors", input: "- {targets: x}\n- {labels: {a.b: x}}", error: '"a.b" is not a valid label name', scheme: "legacy" },
  { name: "invalid name after a bad value", input: "- labels: {a: [1], a.b: x}", error: '"a.b" is not a valid label name', scheme: "legacy" },
  { name: "duplicate label reported on the value line", input: "- labels:\n    a: 1\n    a:\n      2", error: 'yaml: unmarshal errors:\n  line 4: key "a" already set in map' },
  { name: "long values are cut", input: "- targets: [verylongtargetname]\n  labels: verylongvalue", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `verylon...` into model.LabelSet" },
  { name: "values are cut by bytes", input: "- labels: \"ééééééé\"", error: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `ééé\ufffd...` into model.LabelSet" },
  { name: "top-level scalar", input: "foo", error: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `foo` into []*targetgroup.Group" },
  { name: "top-level mapping", input: "\na: 1", error: "yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into []*targetgroup.Group" },
  { name: "null elements", input: "- ~\n-\n", error: "nil target group item found" },
  { name: "partial write", input: "- targets", error: `yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str \`targets\` into ${GROUP_YAML}` },
  { name: "keys are case-sensitive", input: "- Targets: [a]", error: `yaml: unmarshal errors:\n  line 1: field Targets not found in type ${GROUP_YAML}` },
  { name: "quoted empty name", input: '- targets: [9100]\n  labels: {port: 0x10, "": x}', error: '"" is not a valid label name' },
  { name: "F7 in 2.42", input: "- {targets: ['a:1'], labels: {service.name: checkout}}", error: '"service.name" is not a valid label name', scheme: "legacy" },
  { name: "F5 null element", input: "- targets: ['localhost:9090', 'example.org:443']\n  labels:\n    foo: bar\n\n- null\n", error: "nil target group item found" },
  { name: "map target", input: "- targets:\n  - a\n  - {x: 1}\n  labels:\n    z:\n      - 1", error: "yaml: unmarshal errors:\n  line 3: cannot unmarshal !!map into string\n  line 6: cannot unmarshal !!seq into model.LabelValue" },
];

const yamlOk: OkCase[] = [
  { name: "empty file", input: "", want: [] },
  { name: "comments only", input: "# nothing\n", want: [] },
  { name: "tilde", input: "~", want: [] },
  { name: "empty list", input: "[]", want: [] },
  {
    name: "F1 YAML",
    input: "- targets: ['localhost:9090', 'example.org:443']\n  labels:\n    foo: bar\n\n- targets: ['my.domain']\n",
    want: [{ targets: ["localhost:9090", "example.org:443"], labels: { foo: "bar" } }, { targets: ["my.domain"], labels: {} }],
  },
  { name: "raw scalars", input: "- targets: [d:1, 9100, true]\n  labels: {port: 0x10, flag: yes, n: ~}", want: [{ targets: ["d:1", "9100", "true"], labels: { flag: "yes", port: "0x10" } }] },
  { name: "null key is a label named empty", input: "- {targets: [a], labels: {~: x, b: c}}", want: [{ targets: ["a"], labels: { "": "x", b: "c" } }] },
  { name: "anchors and aliases", input: "- targets: [a]\n  labels: &x {a: b}\n- targets: [b]\n  labels: *x", want: [{ targets: ["a"], labels: { a: "b" } }, { targets: ["b"], labels: { a: "b" } }] },
  { name: "F7 in v3", input: "- {targets: ['a:1'], labels: {service.name: checkout}}", want: [{ targets: ["a:1"], labels: { "service.name": "checkout" } }] },
  { name: "empty group", input: "- {}\n- targets: []", want: [{ targets: [], labels: {} }, { targets: [], labels: {} }] },
  { name: "null target is empty", input: "- targets: [~, a]", want: [{ targets: ["", "a"], labels: {} }] },
];

for (const c of yamlErrors) {
  test(`codec: YAML ${c.name} fails like go-yaml`, () => {
    assert.throws(() => decodeGroupsYaml(parseYaml(c.input, "t.yml"), c.scheme ?? "utf8"), (e: unknown) => e instanceof GroupDecodeError && e.message === c.error);
  });
}
for (const c of yamlOk) {
  test(`codec: YAML ${c.name}`, () => {
    assert.deepEqual(decodeGroupsYaml(parseYaml(c.input, "t.yml"), c.scheme ?? "utf8"), c.want);
  });
}

const encodings: { name: string; groups: DecodedGroup[]; want: string; htmlEscape?: boolean }[] = [
  { name: "no groups", groups: [], want: "[]" },
  { name: "labels omitted when empty", groups: [{ targets: ["a:1"], labels: {} }, { targets: [], labels: {} }], want: '[{"targets":["a:1"]},{"targets":[]}]' },
  { name: "labels in byte order", groups: [{ targets: ["a"], labels: { b: "2", a: "1", "\u{10000}": "x", "\uffff": "y" } }], want: '[{"targets":["a"],"labels":{"a":"1","b":"2","\uffff":"y","\u{10000}":"x"}}]' },
  { name: "Go escapes", groups: [{ targets: ['q"\\\n\r\t\b\f\u0001\u2028\u2029<>&é'], labels: {} }], want: '[{"targets":["q\\"\\\\\\n\\r\\t\\u0008\\u000c\\u0001\\u2028\\u2029<>&é"]}]' },
  { name: "HTML escaping on request", groups: [{ targets: ["a?x=1&y=<2>"], labels: {} }], htmlEscape: true, want: '[{"targets":["a?x=1\\u0026y=\\u003c2\\u003e"]}]' },
];
for (const c of encodings) {
  test(`codec: encode ${c.name}`, () => {
    const text = encodeGroupsJson(c.groups, { htmlEscape: c.htmlEscape ?? false });
    assert.equal(text, c.want);
    assert.deepEqual(decodeGroupsJson(text, "utf8"), c.groups.map((g) => ({ targets: g.targets, labels: Object.fromEntries(Object.entries(g.labels).sort()) })));
  });
}
