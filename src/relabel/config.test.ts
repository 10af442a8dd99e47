import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ConfigLocation } from "../yaml/location.js";
import type { Located } from "../config/reader.js";
import { parseYaml, yamlNodeFromValue, type YamlNode } from "../yaml/yaml-node.js";
import { ConfigError } from "../errors.js";
import type { NameValidationScheme } from "../model/labels.js";
import type { Profile } from "../profile.js";
import { compileRelabelConfig } from "./compile.js";
import { parseRelabelConfigs } from "./config.js";
import { relabelConfigToJson } from "./display.js";
import { relabel } from "./relabel.js";
import type { CompiledRule, RelabelOptions } from "./types.js";

const AT = new ConfigLocation("prometheus.yml", 0, "scrape_configs[0].relabel_configs");

/** Parses a YAML list of rules, e.g. "- {action: keep}". */
function parseText(yaml: string, options: RelabelOptions, kind: "target" | "metric" = "target"): CompiledRule[] {
  const root = parseYaml(yaml, "prometheus.yml");
  if (root.kind !== "seq") throw new Error("test YAML must be a list");
  return parseRelabelConfigs(root.items.map((value, i) => ({ value, at: AT.index(i, value.line) })), options, kind);
}

function parseValues(rules: readonly unknown[], options: RelabelOptions): CompiledRule[] {
  return parseRelabelConfigs(rules.map((r, i) => ({ value: yamlNodeFromValue(r), at: AT.index(i) })), options, "target");
}

/** The problem text (Prometheus's message) of parsing, or null when the rules are accepted. */
function problemOf(parse: () => unknown): string | null {
  try {
    parse();
    return null;
  } catch (error) {
    if (error instanceof ConfigError) return error.problem;
    throw error;
  }
}

const V3: RelabelOptions = { profile: "v3", scheme: "utf8" };
const V3_LEGACY: RelabelOptions = { profile: "v3", scheme: "legacy" };
const V242: RelabelOptions = { profile: "v2.42", scheme: "legacy" };

// ---- the validation vectors of spec 3.8, from the fixture ----
interface ValidationVector {
  readonly rule: YamlNode;
  readonly profile: Profile;
  readonly scheme: NameValidationScheme;
  readonly error: string | null;
}

function loadValidationVectors(): ValidationVector[] {
  const root = parseYaml(readFileSync(new URL("./fixtures/validation-vectors.yaml", import.meta.url), "utf8"), "validation-vectors.yaml");
  if (root.kind !== "seq") throw new Error("expected a list");
  return root.items.map((item) => {
    if (item.kind !== "map") throw new Error("expected a map");
    const get = (key: string): YamlNode | undefined => item.entries.find((e) => e.key === key)?.value;
    const rule = get("rule");
    const error = get("error");
    if (rule === undefined || error?.kind !== "scalar") throw new Error("rule and error are required");
    const profile = get("profile")?.kind === "scalar" && (get("profile") as { text: string }).text === "v2.42" ? "v2.42" : "v3";
    const scheme = get("scheme")?.kind === "scalar" && (get("scheme") as { text: string }).text === "legacy" ? "legacy" : "utf8";
    return { rule, profile, scheme: profile === "v2.42" ? "legacy" : scheme, error: error.isNull ? null : error.text };
  });
}

const validationVectors = loadValidationVectors();
test("relabel config: the fixture holds every validation vector of spec 3.8", () => assert.equal(validationVectors.length, 26));
for (const [i, v] of validationVectors.entries()) {
  test(`relabel config: validation vector ${i} (${v.profile}, ${v.scheme}) gives ${v.error ?? "no error"}`, () => {
    const items: Located<YamlNode>[] = [{ value: v.rule, at: AT.index(0, v.rule.line) }];
    assert.equal(problemOf(() => parseRelabelConfigs(items, { profile: v.profile, scheme: v.scheme }, "target")), v.error);
  });
}

// ---- every row of 3.7, for v3 (utf8 and legacy job schemes) and 2.42 ----
interface ValidationCase {
  readonly rule: Record<string, unknown>;
  readonly v3: string | null;
  readonly v3Legacy: string | null;
  readonly v242: string | null;
}
const same = (message: string | null) => ({ v3: message, v3Legacy: message, v242: message });
const validationCases: ValidationCase[] = [
  { rule: { action: null, target_label: "a" }, ...same("relabel action cannot be empty") },
  { rule: { action: "hashmod", target_label: "h" }, ...same("relabel configuration for hashmod requires non-zero modulus") },
  { rule: { action: "hashmod", modulus: 0 }, ...same("relabel configuration for hashmod requires non-zero modulus") },
  ...(["replace", "lowercase", "uppercase", "keepequal", "dropequal"] as const).map((action) => ({
    rule: { action, source_labels: ["a"] }, ...same(`relabel configuration for ${action} action requires 'target_label' value`) })),
  { rule: { action: "hashmod", modulus: 2 }, ...same("relabel configuration for hashmod action requires 'target_label' value") },
  { rule: { target_label: "foo.bar", replacement: "x" }, v3: null,
    v3Legacy: `"foo.bar" is invalid 'target_label' for replace action`, v242: `"foo.bar" is invalid 'target_label' for replace action` },
  { rule: { target_label: "foo-${1}", replacement: "x" }, v3: null,
    v3Legacy: `"foo-\${1}" is invalid 'target_label' for replace action`, v242: `"foo-\${1}" is invalid 'target_label' for replace action` },
  { rule: { target_label: "${1}_${name}x" }, ...same(null) },
  { rule: { action: "lowercase", source_labels: ["a"], target_label: "${1}" }, v3: null,
    v3Legacy: `"\${1}" is invalid 'target_label' for lowercase action`, v242: null },
  { rule: { action: "keepequal", source_labels: ["a"], target_label: "foo.bar" }, v3: null,
    v3Legacy: `"foo.bar" is invalid 'target_label' for keepequal action`, v242: `"foo.bar" is invalid 'target_label' for keepequal action` },
  { rule: { action: "uppercase", source_labels: ["a"], target_label: "b", replacement: "x" }, ...same("'replacement' can not be set for uppercase action") },
  { rule: { action: "dropequal", source_labels: ["a"], target_label: "b", replacement: "x" }, ...same("'replacement' can not be set for dropequal action") },
  { rule: { action: "labelmap", replacement: "" }, ...same(`"" is invalid 'replacement' for labelmap action`) },
  { rule: { action: "labelmap", replacement: "foo.${1}" }, v3: null,
    v3Legacy: `"foo.\${1}" is invalid 'replacement' for labelmap action`, v242: `"foo.\${1}" is invalid 'replacement' for labelmap action` },
  { rule: { action: "labelmap", regex: "__meta_(.+)", replacement: "$1" }, ...same(null) },
  { rule: { action: "hashmod", modulus: 2, target_label: "${1}" }, v3: null,
    v3Legacy: `"\${1}" is invalid 'target_label' for hashmod action`, v242: `"\${1}" is invalid 'target_label' for hashmod action` },
  ...([{ regex: "(.*)" }, { modulus: 1 }, { separator: "," }, { separator: "" }] as const).map((extra) => ({
    rule: { action: "keepequal", source_labels: ["a"], target_label: "b", ...extra },
    ...same("keepequal action requires only 'source_labels' and `target_label`, and no other fields") })),
  ...([{ source_labels: [] }, { target_label: "x" }, { modulus: 1 }, { separator: "," }, { replacement: "x" }] as const).map((extra) => ({
    rule: { action: "labeldrop", regex: "a", ...extra }, ...same("labeldrop action requires only 'regex', and no other fields") })),
  { rule: { action: "labelkeep", regex: "a" }, ...same(null) },
];

for (const c of validationCases) {
  test(`relabel config: ${JSON.stringify(c.rule)} validates per profile`, () => {
    assert.equal(problemOf(() => parseValues([c.rule], V3)), c.v3, "v3 utf8");
    assert.equal(problemOf(() => parseValues([c.rule], V3_LEGACY)), c.v3Legacy, "v3 legacy");
    assert.equal(problemOf(() => parseValues([c.rule], V242)), c.v242, "v2.42");
  });
}

// ---- 3.1 decoding ----
const decodingErrors: { name: string; yaml: string; problem: string; path: string; line?: number; profiles?: readonly RelabelOptions[] }[] = [
  { name: "unknown action is quoted as written", yaml: "- {action: Foo, target_label: a}", problem: 'unknown relabel action "Foo"', path: "[0].action" },
  { name: "empty action string is an unknown action", yaml: "- action: ''", problem: 'unknown relabel action ""', path: "[0].action" },
  { name: "null action is empty", yaml: "- action:\n  target_label: x", problem: "relabel action cannot be empty", path: "[0].action" },
  { name: "unknown field", yaml: "- target_label: a\n  sourcelabels: [b]", problem: "yaml: unmarshal errors:\n  line 2: field sourcelabels not found in type relabel.plain", path: "[0].sourcelabels", line: 2 },
  { name: "null rule (target)", yaml: "- {target_label: a}\n-\n", problem: "empty or null target relabeling rule in scrape config", path: "[1]" },
  { name: "modulus that is not a number", yaml: "- {action: hashmod, target_label: h, modulus: abc}", problem: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `abc` into uint64", path: "[0].modulus" },
  { name: "source_labels that is not a list", yaml: "- {source_labels: a, target_label: b}", problem: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `a` into model.LabelNames", path: "[0].source_labels" },
  { name: "invalid source label under utf8 is only the empty name", yaml: "- {source_labels: [ok, ''], target_label: b}", problem: '"" is not a valid label name', path: "[0].source_labels[1]", profiles: [V3] },
  { name: "2.42 source labels are legacy names", yaml: "- {source_labels: [foo.bar], target_label: b}", problem: '"foo.bar" is not a valid label name', path: "[0].source_labels[0]", profiles: [V242] },
  { name: "a custom error wins over an earlier unknown field", yaml: "- {foo: 1, action: Foo}", problem: 'unknown relabel action "Foo"', path: "[0].action" },
  { name: "fields are decoded in document order", yaml: "- {regex: '(', action: Foo}", problem: "error parsing regexp: missing closing ): `^(?s:()$`", path: "[0].regex", profiles: [V3] },
  { name: "regex error shows the 2.42 wrapper", yaml: "- {regex: '(', target_label: a}", problem: "error parsing regexp: missing closing ): `^(?:()$`", path: "[0].regex", profiles: [V242] },
  { name: "duplicate key", yaml: "- {target_label: a, target_label: b}", problem: "yaml: unmarshal errors:\n  line 1: field target_label already set in type relabel.plain", path: "[0].target_label" },
];

for (const c of decodingErrors) {
  for (const options of c.profiles ?? [V3, V242]) {
    test(`relabel config: ${c.name} (${options.profile})`, () => {
      assert.throws(() => parseText(c.yaml, options), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problem, c.problem);
        assert.equal(error.at.path, `scrape_configs[0].relabel_configs${c.path}`);
        if (c.line !== undefined) assert.equal(error.at.line, c.line);
        return true;
      });
    });
  }
}

test("relabel config: a null metric relabeling rule names the metric list", () => {
  assert.equal(problemOf(() => parseText("- ~", V3, "metric")), "empty or null metric relabeling rule in scrape config");
});

test("relabel config: unknown action error hints at the valid actions", () => {
  assert.throws(() => parseText("- {action: replce}", V3), /expected one of replace, keep, drop, keepequal, dropequal, hashmod, labelmap, labeldrop, labelkeep, lowercase, uppercase/);
});

test("relabel config: errors carry the file and line of the offending field", () => {
  assert.throws(() => parseText("- source_labels: [a]\n  action: hashmod\n  target_label: h\n", V3), (error: unknown) =>
    error instanceof ConfigError && error.message.startsWith("prometheus.yml:2: scrape_configs[0].relabel_configs[0].modulus: relabel configuration for hashmod requires non-zero modulus;"));
});

test("relabel config: action is case-insensitive and stored lower-case", () => {
  assert.equal(parseText("- {action: KeEp}", V3)[0]?.config.action, "keep");
});

test("relabel config: defaults are filled in and an unwritten regex stays undefined", () => {
  assert.deepEqual(parseText("- {target_label: t}", V3)[0]?.config, {
    sourceLabels: undefined, separator: ";", regex: undefined, modulus: 0n, targetLabel: "t", replacement: "$1", action: "replace",
  });
});

test("relabel config: null fields take Go's zero values", () => {
  assert.deepEqual(parseText("- {target_label: t, separator: ~, regex: ~, replacement: ~, source_labels: ~, modulus: ~}", V3)[0]?.config, {
    sourceLabels: undefined, separator: "", regex: "", modulus: 0n, targetLabel: "t", replacement: "", action: "replace",
  });
});

test("relabel config: a null source label is the empty name, unchecked (Go skips the unmarshaler)", () => {
  assert.deepEqual(parseText("- {source_labels: [a, ~], target_label: t}", V242)[0]?.config.sourceLabels, ["a", ""]);
});

test("relabel config: explicit empty or null regex matches only the empty value", () => {
  for (const regex of ["''", "~", ""]) {
    const rules = parseText(`- {source_labels: [a], regex: ${regex}, action: keep}`, V3);
    assert.equal(relabel({ a: "x" }, rules), undefined, `regex: ${regex} on "x"`);
    assert.deepEqual(relabel({ b: "x" }, rules), { b: "x" }, `regex: ${regex} on missing`);
  }
});

test("relabel config: modulus accepts every uint64", () => {
  assert.equal(parseText("- {action: hashmod, source_labels: [a], target_label: h, modulus: 18446744073709551615}", V3)[0]?.config.modulus, 18446744073709551615n);
});

test("relabel config: v3 decodes every rule before validating, 2.42 validates while decoding", () => {
  const yaml = "- {regex: a}\n- {action: Foo}";
  assert.equal(problemOf(() => parseText(yaml, V3)), 'unknown relabel action "Foo"');
  assert.equal(problemOf(() => parseText(yaml, V242)), "relabel configuration for replace action requires 'target_label' value");
});

test("relabel config: a null rule is reported after decoding; before later validation in v3 only", () => {
  assert.equal(problemOf(() => parseText("-\n- {action: Foo}", V3)), 'unknown relabel action "Foo"');
  assert.equal(problemOf(() => parseText("-\n- {regex: a}", V3)), "empty or null target relabeling rule in scrape config");
  assert.equal(problemOf(() => parseText("-\n- {regex: a}", V242)), "relabel configuration for replace action requires 'target_label' value");
});

test("compileRelabelConfig: compiles a RelabelConfig and validates it", () => {
  const config = { sourceLabels: ["a"], separator: ";", regex: "x(.*)", modulus: 0n, targetLabel: "b", replacement: "$1", action: "replace" } as const;
  assert.deepEqual(relabel({ a: "xy" }, [compileRelabelConfig(config, V3)]), { a: "xy", b: "y" });
  assert.throws(() => compileRelabelConfig({ ...config, targetLabel: "" }, V3), ConfigError);
  assert.throws(() => compileRelabelConfig({ ...config, regex: "(" }, V3), { problem: "error parsing regexp: missing closing ): `^(?s:()$`" });
});

test("relabelConfigToJson: display key order, omissions and the default regex", () => {
  const [hashmodRule, labeldropRule] = parseText("- {action: hashmod, source_labels: [a, b], target_label: h, modulus: 8}\n- {action: labeldrop, regex: tmp_.*}", V3);
  assert.ok(hashmodRule && labeldropRule);
  assert.equal(JSON.stringify(relabelConfigToJson(hashmodRule.config)),
    '{"source_labels":["a","b"],"separator":";","regex":"(.*)","modulus":8,"target_label":"h","replacement":"$1","action":"hashmod"}');
  assert.equal(JSON.stringify(relabelConfigToJson(labeldropRule.config)), '{"separator":";","regex":"tmp_.*","replacement":"$1","action":"labeldrop"}');
});
