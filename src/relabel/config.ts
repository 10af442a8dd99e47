/**
 * Decoding `relabel_configs` / `metric_relabel_configs` from YAML (spec core.md 3.1) into compiled rules.
 *
 * Mirrors go-yaml v2 strict decoding into Prometheus's `relabel.Config`: fields are read in document
 * order; errors raised by custom unmarshalers (unknown action, bad regex, bad `source_labels` name) abort
 * at once, while type errors and unknown fields are reported once the rule is read. A YAML null in a field
 * sets Go's zero value (`separator: ~` is "", `regex: ~` matches only ""), and a null rule is an error.
 * 2.42 validates each rule while decoding it; v3 decodes every rule first, then validates them in order.
 */
import type { ConfigLocation } from "../yaml/location.js";
import type { Located } from "../config/reader.js";
import { MapReader, typeError } from "../config/reader.js";
import type { YamlNode } from "../yaml/yaml-node.js";
import { ConfigError } from "../errors.js";
import { goQuote } from "../model/go-quote.js";
import { isValidLabelName } from "../model/labels.js";
import { goToLower } from "./case-mapping.js";
import { compileRegexOrThrow, compileWithRegex, type CompiledRelabelRule } from "./compile.js";
import type { RelabelRegex } from "./regex-engine.js";
import { RELABEL_ACTIONS, type CompiledRule, type RelabelAction, type RelabelConfig, type RelabelOptions } from "./types.js";
import { DEFAULT_REGEX, DEFAULT_REPLACEMENT, DEFAULT_SEPARATOR, RELABEL_FIELDS, type RelabelField } from "./validate.js";

/** A rule as decoded, before validation; `action` is "" when written as null. */
interface DecodedRule {
  readonly fields: Omit<RelabelConfig, "action">;
  readonly action: RelabelAction | "";
  readonly regex: RelabelRegex;
  readonly reader: MapReader;
}

const ACTION_LIST = RELABEL_ACTIONS.join(", ");
const KNOWN_FIELDS: ReadonlySet<string> = new Set(RELABEL_FIELDS);

/**
 * Parses and compiles the rules of one list. `kind` picks the message for a null entry. Throws ConfigError
 * located at the offending field, with Prometheus's message as `problem`.
 */
export function parseRelabelConfigs(items: readonly Located<YamlNode>[], options: RelabelOptions, kind: "target" | "metric"): CompiledRule[] {
  const decoded: (DecodedRule | undefined)[] = [];
  const compiled: (CompiledRelabelRule | undefined)[] = [];
  for (const item of items) {
    const rule = isNull(item.value) ? undefined : decodeRule(item, options);
    decoded.push(rule);
    compiled.push(rule && options.profile === "v2.42" ? validateRule(rule, options) : undefined);
  }
  return items.map((item, i) => {
    const rule = decoded[i];
    if (rule === undefined) {
      throw new ConfigError(item.at, `empty or null ${kind} relabeling rule in scrape config`, "remove the empty list entry or complete the rule");
    }
    return compiled[i] ?? validateRule(rule, options);
  });
}

function isNull(node: YamlNode): boolean {
  return node.kind === "scalar" && node.isNull;
}

function validateRule(rule: DecodedRule, options: RelabelOptions): CompiledRelabelRule {
  if (rule.action === "") {
    throw new ConfigError(rule.reader.atKey("action"), "relabel action cannot be empty", `write one of ${ACTION_LIST}, or leave action out for replace`);
  }
  return compileWithRegex({ ...rule.fields, action: rule.action }, options, rule.regex, (field) => locateField(rule.reader, field));
}

/** A written field's own line; for a missing one (hashmod without modulus), the line of the action. */
function locateField(reader: MapReader, field: RelabelField): ConfigLocation {
  if (reader.isWritten(field) || !reader.isWritten("action")) return reader.atKey(field);
  return reader.at.key(field, reader.atKey("action").line);
}

function decodeRule(item: Located<YamlNode>, options: RelabelOptions): DecodedRule {
  const reader = MapReader.open(item.value, item.at, "relabel.plain");
  let sourceLabels: string[] | undefined;
  let separator = DEFAULT_SEPARATOR;
  let regexSource: string | undefined;
  let regex: RelabelRegex | undefined;
  let modulus = 0n;
  let targetLabel = "";
  let replacement = DEFAULT_REPLACEMENT;
  let action: RelabelAction | "" = "replace";
  let typeProblem: ConfigError | "unknown field" | undefined;
  for (const key of reader.keys()) {
    if (!KNOWN_FIELDS.has(key)) {
      typeProblem ??= "unknown field";
      continue;
    }
    try {
      switch (key as RelabelField) {
        case "source_labels":
          sourceLabels = readSourceLabels(reader, options);
          break;
        case "separator":
          separator = readString(reader, key) ?? "";
          break;
        case "regex":
          regexSource = readString(reader, key) ?? "";
          regex = compileRegexOrThrow(regexSource, options.profile, reader.atKey(key));
          break;
        case "modulus":
          modulus = asTypeProblem(() => reader.uint(key)) ?? 0n;
          break;
        case "target_label":
          targetLabel = readString(reader, key) ?? "";
          break;
        case "replacement":
          replacement = readString(reader, key) ?? "";
          break;
        case "action":
          action = readAction(reader);
          break;
      }
    } catch (error) {
      if (!(error instanceof TypeProblem)) throw error;
      typeProblem ??= error.error;
    }
  }
  if (typeProblem === "unknown field") reader.finish();
  else if (typeProblem !== undefined) throw typeProblem;
  regex ??= compileRegexOrThrow(DEFAULT_REGEX, options.profile, reader.atKey("regex"));
  return { fields: { sourceLabels, separator, regex: regexSource, modulus, targetLabel, replacement }, action, regex, reader };
}

/** A go-yaml type error: collected, reported after the rule's custom errors had their chance. */
class TypeProblem extends Error {
  constructor(readonly error: ConfigError) {
    super(error.message);
  }
}

function asTypeProblem<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new TypeProblem(error);
    throw error;
  }
}

/** Names are checked as Go's LabelName unmarshaler does: utf8 in v3, legacy in 2.42; a null item is "" unchecked. */
function readSourceLabels(reader: MapReader, options: RelabelOptions): string[] | undefined {
  const items = asTypeProblem(() => {
    const node = reader.node("source_labels");
    if (node !== undefined && node.kind !== "seq" && !isNull(node)) throw typeError(node, reader.atKey("source_labels"), "model.LabelNames");
    return reader.list("source_labels");
  });
  if (items === undefined) return undefined;
  const scheme = options.profile === "v2.42" ? "legacy" : "utf8";
  return items.map(({ value, at }) => {
    if (value.kind !== "scalar") throw new TypeProblem(typeError(value, at, "model.LabelName"));
    if (value.isNull) return "";
    if (!isValidLabelName(value.text, scheme)) {
      throw new ConfigError(at, `${goQuote(value.text)} is not a valid label name`, scheme === "legacy" ? "label names must match [a-zA-Z_][a-zA-Z0-9_]*" : "label names must be non-empty UTF-8");
    }
    return value.text;
  });
}

function readString(reader: MapReader, key: string): string | undefined {
  return asTypeProblem(() => reader.string(key));
}

function readAction(reader: MapReader): RelabelAction | "" {
  const written = readString(reader, "action");
  if (written === undefined) return "";
  const action = goToLower(written);
  if (isRelabelAction(action)) return action;
  throw new ConfigError(reader.atKey("action"), `unknown relabel action ${goQuote(written)}`, `expected one of ${ACTION_LIST}`);
}

function isRelabelAction(text: string): text is RelabelAction {
  return (RELABEL_ACTIONS as readonly string[]).includes(text);
}
