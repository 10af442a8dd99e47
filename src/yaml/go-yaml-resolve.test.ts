import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError } from "../errors.js";
import { decodeGoBase64, resolveScalar } from "./go-yaml-resolve.js";
import { goYamlTag, parseYaml, scalarKind, type YamlNode } from "./yaml-node.js";

// [text, explicit tag, quoted] → [resolved kind, tag, failure?] — go-yaml v2's resolve() and scalar().
const RESOLVE: [string, string, boolean, string, string, string?][] = [
  ["0x10", "", false, "int", "!!int"],
  ["0x10", "", true, "str", "!!str"],
  ["yes", "", false, "bool", "!!bool"],
  ["inf", "", false, "str", "!!str"],
  [".inf", "", false, "float", "!!float"],
  ["1e3", "", false, "float", "!!float"],
  ["2001-12-14", "", false, "timestamp", "!!timestamp"],
  ["~", "", false, "null", "!!null"],
  ["-0b101", "", false, "int", "!!int"],
  ["0b102", "", false, "str", "!!str"],
  ["abc", "!!int", false, "str", "!!str", "yaml: cannot decode !!str `abc` as a !!int"],
  ["5", "!!float", false, "float", "!!float"],
  ["5.5", "!!int", false, "str", "!!float", "yaml: cannot decode !!float `5.5` as a !!int"],
  ["1", "!!bool", false, "str", "!!int", "yaml: cannot decode !!int `1` as a !!bool"],
  ["foo", "!!null", false, "str", "!!str", "yaml: cannot decode !!str `foo` as a !!null"],
  ["", "!!null", false, "null", "!!null"],
  ["2001-12-14", "!!str", false, "str", "!!str"],
  ["x", "!foo", false, "other", "!foo"],
  ["x", "!!seq", false, "other", "!!seq"],
  ["d", "!!binary", false, "binary", "!!binary"],
];

for (const [text, tag, isQuoted, kind, resolvedTag, failure] of RESOLVE) {
  test(`go-yaml resolve: ${JSON.stringify(text)} tagged ${JSON.stringify(tag)}${isQuoted ? " quoted" : ""} is ${kind}`, () => {
    const got = resolveScalar(text, tag, isQuoted);
    assert.deepEqual([got.kind, got.tag, got.failure], [kind, resolvedTag, failure]);
  });
}

test("go-yaml base64: padded standard alphabet, newlines ignored, invalid bytes kept as escapes", () => {
  assert.equal(decodeGoBase64("aGVs\nbG8="), "hello");
  assert.equal(decodeGoBase64("aGVsbG8"), undefined);
  assert.equal(decodeGoBase64("/w==$1"), undefined);
  assert.equal(decodeGoBase64("/w=="), "\udcff");
  assert.equal(decodeGoBase64("4pyT"), "✓");
});

function field(yaml: string, key: string): YamlNode {
  const root = parseYaml(yaml, "t.yml");
  assert.equal(root.kind, "map");
  const entry = root.kind === "map" ? root.entries.find((e) => e.key === key) : undefined;
  assert.ok(entry, key);
  return entry.value;
}

test("yaml node: a !!binary scalar carries its decoded text and its source; a bad one throws on read", () => {
  const ok = field("a: !!binary aGk=\n", "a");
  assert.deepEqual(ok.kind === "scalar" && [ok.text, ok.source, ok.tag, goYamlTag(ok)], ["hi", "aGk=", "!!binary", "!!binary"]);
  const bad = field("a: !!binary '%%'\n", "a");
  assert.ok(bad.kind === "scalar" && bad.failure === "yaml: !!binary value contains invalid base64 data");
  assert.throws(() => bad.kind === "scalar" && bad.text, (error: unknown) => error instanceof ConfigError && error.message.startsWith("t.yml:1: "));
});

test("yaml node: typed resolution follows the tag, not the text", () => {
  const yes = field("a: !!str yes\n", "a");
  assert.equal(yes.kind === "scalar" && scalarKind(yes).kind, "str");
  const five = field("a: !!float 5\n", "a");
  assert.deepEqual(five.kind === "scalar" && [scalarKind(five).kind, scalarKind(five).value], ["float", 5]);
});

test("yaml node: aliases are shared, expanded lazily, and a bomb is stopped where go-yaml stops it", () => {
  const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 8; i++) levels.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => (i === 1 ? "*a" : `*l${i - 1}`)).join(", ")}]`);
  const root = parseYaml(`${levels.join("\n")}\n`, "bomb.yml"); // 10^8 nodes if expanded eagerly
  const walk = (node: YamlNode): number => (node.kind === "seq" ? node.items.reduce((n, item) => n + walk(item), 1) : 1);
  const last = root.kind === "map" ? root.entries.at(-1)?.value : undefined;
  assert.ok(last);
  assert.throws(() => walk(last), /yaml: document contains excessive aliasing/);
});

test("yaml node: an alias inside its own anchor fails only when a reader walks into it", () => {
  const root = parseYaml("a: &x {b: *x}\n", "t.yml");
  const inner = root.kind === "map" && root.entries[0]?.value.kind === "map" ? root.entries[0].value.entries[0]?.value : undefined;
  assert.equal(inner?.kind, "map");
  const deeper = inner?.kind === "map" ? inner.entries[0]?.value : undefined;
  assert.throws(() => deeper?.kind === "map" && deeper.entries, /yaml: anchor 'x' value contains itself/);
});
