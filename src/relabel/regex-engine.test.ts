import assert from "node:assert/strict";
import { test } from "node:test";
import type { Profile } from "../profile.js";
import { RE2JS } from "re2js";
import { anchorRegex, compileRelabelRegex, findAngleNamedGroup, literalShortcut } from "./regex-engine.js";

// Go regexp semantics (spec core.md 3.2): [regex, input, matches in v3, matches in 2.42].
const matching: [string, string, boolean, boolean][] = [
  ["\\d+", "123", true, true], ["\\d", "٣", false, false], ["\\w+", "abc_09", true, true], ["\\w", "é", false, false],
  ["\\s", " ", true, true], ["\\s", "\t", true, true], ["\\s", "\v", false, false], ["\\s", "\u00a0", false, false],
  ["a\\b", "a", true, true], ["\\bé", "é", false, false], ["(?i)prod", "PROD", true, true], ["(?i)σ", "Σ", true, true],
  ["a.b", "a\nb", true, false], ["(?s)a.b", "a\nb", true, true], ["(?-s)a.b", "a\nb", false, false],
  ["(?m)a$", "a", true, true], ["(?U)a+", "aaa", true, true],
  ["[[:alpha:]]+", "abc", true, true], ["[[:digit:]]", "5", true, true], ["[[:^space:]]", "x", true, true],
  ["\\pL+", "héllo", true, true], ["\\p{Greek}+", "αβγ", true, true], ["\\PL", "1", true, true], ["\\pN", "٣", true, true],
  ["\\Qa.b\\E", "a.b", true, true], ["\\Qa.b\\E", "axb", false, false], ["\\Aab\\z", "ab", true, true],
  ["x{2,3}", "xxx", true, true], ["\\x{41}", "A", true, true], [".", "😀", true, true], ["[^a]", "😀", true, true],
  ["node", "node1", false, false], ["", "", true, true], ["", "x", false, false], ["a|b", "ab", false, false],
  ["(?P<n>a)", "a", true, true],
];
for (const [regex, input, v3, v242] of matching) {
  test(`regex: ${JSON.stringify(regex)} on ${JSON.stringify(input)} matches ${v3} (v3) / ${v242} (2.42)`, () => {
    assert.equal(compileRelabelRegex(regex, "v3").test(input), v3, "v3 test");
    assert.equal(compileRelabelRegex(regex, "v2.42").test(input), v242, "2.42 test");
    assert.equal(compileRelabelRegex(regex, "v3").match(input) !== undefined, v3, "v3 match");
  });
}

// Syntax errors carry Go's message with the wrapped expression: [regex, profile, message | null].
const syntax: [string, Profile, string | null][] = [
  ["(", "v3", "error parsing regexp: missing closing ): `^(?s:()$`"],
  ["(", "v2.42", "error parsing regexp: missing closing ): `^(?:()$`"],
  ["ab)", "v3", "error parsing regexp: unexpected ): `^(?s:ab))$`"],
  ["a**", "v3", "error parsing regexp: invalid nested repetition operator: `**`"],
  ["[z-a]", "v3", "error parsing regexp: invalid character class range: `z-a`"],
  ["\\8", "v3", "error parsing regexp: invalid escape sequence: `\\8`"],
  ["x{1001}", "v3", "error parsing regexp: invalid repeat count: `{1001}`"],
  ["(?=a)", "v3", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
  ["(?P<n>a)(?P<n>b)", "v3", "error parsing regexp: duplicate capture group name: `n`"],
  ["\\p{Foo}", "v3", "error parsing regexp: invalid character class range: `\\p{Foo}`"],
  ["(?<name>a)", "v3", null],
  ["(?<name>a)", "v2.42", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"],
  ["x(?<name>a", "v2.42", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"],
  ["\\8(?<name>a)", "v2.42", "error parsing regexp: invalid escape sequence: `\\8`"],
  ["[(?<]", "v2.42", null],
  ["\\Q(?<\\E", "v2.42", null],
  ["\\(?<", "v2.42", null],
];
for (const [regex, profile, message] of syntax) {
  test(`regex: ${JSON.stringify(regex)} under ${profile} ${message === null ? "compiles" : "fails as Go does"}`, () => {
    if (message === null) assert.doesNotThrow(() => compileRelabelRegex(regex, profile));
    else assert.throws(() => compileRelabelRegex(regex, profile), { name: "RegexSyntaxError", message });
  });
}

test("regex: anchoring wraps without adding a capture group", () => {
  assert.equal(anchorRegex("a(b)", "v3"), "^(?s:a(b))$");
  assert.equal(anchorRegex("a(b)", "v2.42"), "^(?:a(b))$");
  const re = compileRelabelRegex("a(b)", "v3");
  assert.equal(re.groupCount, 1);
  assert.deepEqual(re.match("ab"), ["ab", "b"]);
});

test("regex: leftmost-first submatches, non-participating groups undefined", () => {
  assert.deepEqual(compileRelabelRegex("(a|ab)(c|bcd)?(d*)", "v3").match("abcd"), ["abcd", "a", "bcd", ""]);
  assert.deepEqual(compileRelabelRegex("(a)|(b)", "v3").match("b"), ["b", undefined, "b"]);
});

test("regex: named groups map to their numbers", () => {
  assert.deepEqual([...compileRelabelRegex("(?P<host>[^:]+):(?P<port>\\d+)", "v3").namedGroups], [["host", 1], ["port", 2]]);
});

test("regex: a pattern that makes backtracking engines explode finishes (RE2 is linear)", () => {
  assert.equal(compileRelabelRegex("(a+)+$", "v3").test(`${"a".repeat(5000)}!`), false);
});

test("regex: findAngleNamedGroup skips classes, escapes and \\Q...\\E", () => {
  assert.equal(findAngleNamedGroup("a(?<n>b)"), 1);
  assert.equal(findAngleNamedGroup("[]](?<n>b)"), 3);
  assert.equal(findAngleNamedGroup("[[:alpha:](?<]"), -1);
  assert.equal(findAngleNamedGroup("(?P<n>b)"), -1);
});

test("regex: literal shortcuts are exact", () => {
  assert.deepEqual(literalShortcut("true"), { literals: new Set(["true"]) });
  assert.deepEqual(literalShortcut("a|b-c|"), { literals: new Set(["a", "b-c", ""]) });
  assert.deepEqual(literalShortcut("__meta_kubernetes_pod_label_(.+)"), { prefix: "__meta_kubernetes_pod_label_" });
  assert.deepEqual(literalShortcut("abc?d"), { prefix: "ab" });
  assert.deepEqual(literalShortcut("ab{0}"), { prefix: "a" });
  assert.deepEqual(literalShortcut("ab.c|x"), { prefix: "" });
  assert.deepEqual(literalShortcut("(?i)abc"), { prefix: "" });
});

test("regex: shortcut results agree with the engine on every probe", () => {
  const probes = ["", "a", "a_b", "a_b\nc", "a:x", "a\n", "ab", "abc", "abd", "abcd", "true", "True", "b-c", "x", "__meta_kubernetes_pod_label_app", "__meta_kubernetes_pod_labelpresent_app", "ac", "a\nb"];
  for (const profile of ["v3", "v2.42"] as const) {
    for (const expr of ["true", "a|b-c|", "abc?d", "ab{0}", "a.*", "__meta_kubernetes_pod_label_(.+)", "ab|x", "a:b/c=d", ".*", ".+", "(.*)", "(.+)", "(.*)?", "a(.+)", "a_b(.*)", "a.+", "a:(.+)x"]) {
      const plain = RE2JS.compile(anchorRegex(expr, profile)); // the engine alone, no shortcuts
      const re = compileRelabelRegex(expr, profile);
      for (const probe of probes) {
        const where = `${expr} on ${JSON.stringify(probe)} (${profile})`;
        assert.equal(re.test(probe), plain.testExact(probe), where);
        const m = plain.matcher(probe);
        const want = m.matches() ? Array.from({ length: m.groupCount() + 1 }, (_, i) => m.group(i) ?? undefined) : undefined;
        assert.deepEqual(re.match(probe), want, where);
      }
    }
  }
});
