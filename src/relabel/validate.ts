/**
 * Relabel rule validation at config load (spec core.md 3.7): the checks, their order and Prometheus's
 * exact messages, for v3 (3.7+, per-job name validation scheme) and for 2.42 (legacy template pattern).
 */
import { RE2JS } from "re2js";
import { isValidLabelName, isValidUtf8LabelName, type NameValidationScheme } from "../model/labels.js";
import { goQuote } from "../model/go-quote.js";
import { hasTemplateVariable } from "./template.js";
import type { RelabelAction, RelabelConfig, RelabelOptions } from "./types.js";

/** The YAML keys of a relabel rule, in Prometheus's struct order (also the display order, spec 6.4). */
export const RELABEL_FIELDS = ["source_labels", "separator", "regex", "modulus", "target_label", "replacement", "action"] as const;
export type RelabelField = (typeof RELABEL_FIELDS)[number];

/** A failed check: Prometheus's message, the field to point at, and a hint for the user. */
export interface RelabelProblem {
  readonly problem: string;
  readonly field: RelabelField;
  readonly hint: string;
}

export const DEFAULT_SEPARATOR = ";";
export const DEFAULT_REPLACEMENT = "$1";
export const DEFAULT_REGEX = "(.*)";

// Go: `^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$`. Nested quantifiers: compiled with RE2 (linear time),
// never with a backtracking JS RegExp.
const LEGACY_TEMPLATE = RE2JS.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");

const TARGET_REQUIRED: ReadonlySet<RelabelAction> = new Set(["replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"]);
const LITERAL_TARGET: ReadonlySet<RelabelAction> = new Set(["lowercase", "uppercase", "keepequal", "dropequal"]);

/** Runs the 3.7 checks in order; returns the first failure, or undefined when the rule is valid. */
export function findRelabelProblem(config: RelabelConfig, options: RelabelOptions): RelabelProblem | undefined {
  const { action, targetLabel, replacement } = config;
  if (action === "hashmod" && config.modulus === 0n) {
    return { problem: "relabel configuration for hashmod requires non-zero modulus", field: "modulus", hint: "set modulus to the number of shards, e.g. modulus: 4" };
  }
  if (TARGET_REQUIRED.has(action) && targetLabel === "") {
    return { problem: `relabel configuration for ${action} action requires 'target_label' value`, field: "target_label", hint: "name the label to write in target_label" };
  }
  const nameProblem = options.profile === "v2.42" ? findLegacyNameProblem(config) : findNameProblem(config, options.scheme);
  if (nameProblem) return nameProblem;
  if (action === "keepequal" || action === "dropequal") {
    if (config.regex !== undefined || config.modulus !== 0n || config.separator !== DEFAULT_SEPARATOR || replacement !== DEFAULT_REPLACEMENT) {
      return { problem: `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`, field: "action", hint: "remove regex, modulus, separator and replacement from this rule" };
    }
  }
  if (action === "labeldrop" || action === "labelkeep") {
    if (config.sourceLabels !== undefined || targetLabel !== "" || config.modulus !== 0n || config.separator !== DEFAULT_SEPARATOR || replacement !== DEFAULT_REPLACEMENT) {
      return { problem: `${action} action requires only 'regex', and no other fields`, field: "action", hint: `${action} matches label names against regex; remove the other fields` };
    }
  }
  return undefined;
}

/** v3 (3.7+) steps 4-9. */
function findNameProblem(config: RelabelConfig, scheme: NameValidationScheme): RelabelProblem | undefined {
  const { action, targetLabel, replacement } = config;
  const schemeHint = nameHint(scheme);
  if (action === "replace" && !hasTemplateVariable(targetLabel) && !isValidLabelName(targetLabel, scheme)) {
    return invalidTarget(targetLabel, action, schemeHint);
  }
  if (action === "replace" && hasTemplateVariable(targetLabel) && !isValidTemplatedName(targetLabel, scheme)) {
    return invalidTarget(targetLabel, action, `${schemeHint}, with $1 or \${name} references`);
  }
  if (LITERAL_TARGET.has(action) && !isValidLabelName(targetLabel, scheme)) {
    return invalidTarget(targetLabel, action, `${schemeHint}; ${action} does not expand templates`);
  }
  if (LITERAL_TARGET.has(action) && replacement !== DEFAULT_REPLACEMENT) {
    return replacementNotAllowed(action);
  }
  if (action === "labelmap" && !isValidTemplatedName(replacement, scheme)) {
    return invalidLabelmapReplacement(replacement, `${schemeHint}, with $1 or \${name} references`);
  }
  if (action === "hashmod" && !isValidLabelName(targetLabel, scheme)) {
    return invalidTarget(targetLabel, action, schemeHint);
  }
  return undefined;
}

/** 2.42: every name check except hashmod's is the legacy template pattern. */
function findLegacyNameProblem(config: RelabelConfig): RelabelProblem | undefined {
  const { action, targetLabel, replacement } = config;
  const hint = `${nameHint("legacy")}, with $1 or \${name} references`;
  if ((action === "replace" || LITERAL_TARGET.has(action)) && !LEGACY_TEMPLATE.testExact(targetLabel)) {
    return invalidTarget(targetLabel, action, hint);
  }
  if (LITERAL_TARGET.has(action) && replacement !== DEFAULT_REPLACEMENT) return replacementNotAllowed(action);
  if (action === "labelmap" && !LEGACY_TEMPLATE.testExact(replacement)) return invalidLabelmapReplacement(replacement, hint);
  if (action === "hashmod" && !isValidLabelName(targetLabel, "legacy")) return invalidTarget(targetLabel, action, nameHint("legacy"));
  return undefined;
}

function isValidTemplatedName(value: string, scheme: NameValidationScheme): boolean {
  return scheme === "utf8" ? isValidUtf8LabelName(value) : LEGACY_TEMPLATE.testExact(value);
}

function nameHint(scheme: NameValidationScheme): string {
  return scheme === "legacy" ? "label names must match [a-zA-Z_][a-zA-Z0-9_]*" : "label names must be non-empty UTF-8";
}

function invalidTarget(targetLabel: string, action: RelabelAction, hint: string): RelabelProblem {
  return { problem: `${goQuote(targetLabel)} is invalid 'target_label' for ${action} action`, field: "target_label", hint };
}

function replacementNotAllowed(action: RelabelAction): RelabelProblem {
  return { problem: `'replacement' can not be set for ${action} action`, field: "replacement", hint: `${action} writes the source value to target_label; remove replacement` };
}

function invalidLabelmapReplacement(replacement: string, hint: string): RelabelProblem {
  return { problem: `${goQuote(replacement)} is invalid 'replacement' for labelmap action`, field: "replacement", hint };
}
