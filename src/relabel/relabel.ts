/**
 * Applying compiled relabel rules to one label set (spec core.md 3.4, 3.5). Pure functions; rules were
 * compiled at load, so a rule costs one or two regex runs and a few map operations.
 *
 * Reproduced Prometheus behaviours: processing stops at the first dropping rule; an empty value deletes a
 * label; `labelmap` visits the labels present before it ran, in ascending UTF-8 byte order, with their
 * values from before the rule; 2.42's `replace` deletes the literal (unexpanded) `target_label` when the
 * expanded name is invalid or the replacement is empty. Output is canonical: names sorted, no empty values.
 */
import { isValidLabelName, type LabelSet } from "../model/labels.js";
import { unreachable } from "../profile.js";
import { goToLower, goToUpper } from "./case-mapping.js";
import { asCompiled, type CompiledRelabelRule } from "./compile.js";
import { hashmod } from "./hashmod.js";
import { expandTemplate } from "./template.js";
import type { CompiledRule, RelabelStep } from "./types.js";
import { WorkingLabels } from "./working-labels.js";

/** Applies `rules` in order; `undefined` means a keep/drop-style rule removed the target. */
export function relabel(labels: LabelSet, rules: readonly CompiledRule[]): LabelSet | undefined {
  return relabelTrace(labels, rules).result;
}

/** Like relabel, and says which rule (0-based) dropped the target; `droppedByRule` is -1 when kept. */
export function relabelTrace(labels: LabelSet, rules: readonly CompiledRule[]): { result: LabelSet | undefined; droppedByRule: number } {
  const working = new WorkingLabels(labels);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule !== undefined && !applyRule(asCompiled(rule), working)) return { result: undefined, droppedByRule: i };
  }
  return { result: working.toLabelSet(), droppedByRule: -1 };
}

/**
 * One step per rule, as `/api/v1/targets/relabel_steps` shows them (spec 6.4): the labels after each rule;
 * from the dropping rule on, `keep: false` and `output: {}`.
 */
export function relabelSteps(labels: LabelSet, rules: readonly CompiledRule[]): RelabelStep[] {
  const working = new WorkingLabels(labels);
  let isKept = true;
  return rules.map((rule) => {
    if (isKept) isKept = applyRule(asCompiled(rule), working);
    return { rule: rule.config, output: isKept ? working.toLabelSet() : {}, keep: isKept };
  });
}

/** Applies one rule; returns false when the target is dropped. */
function applyRule(rule: CompiledRelabelRule, labels: WorkingLabels): boolean {
  switch (rule.action) {
    case "drop":
      return !matches(rule, sourceValue(rule, labels));
    case "keep":
      return matches(rule, sourceValue(rule, labels));
    case "dropequal":
      return labels.get(rule.targetLabel) !== sourceValue(rule, labels);
    case "keepequal":
      return labels.get(rule.targetLabel) === sourceValue(rule, labels);
    case "replace":
      replace(rule, labels, sourceValue(rule, labels));
      return true;
    case "lowercase":
      labels.set(rule.targetLabel, goToLower(sourceValue(rule, labels)));
      return true;
    case "uppercase":
      labels.set(rule.targetLabel, goToUpper(sourceValue(rule, labels)));
      return true;
    case "hashmod":
      labels.set(rule.targetLabel, hashmod(sourceValue(rule, labels), rule.modulus).toString());
      return true;
    case "labelmap":
      labelmap(rule, labels);
      return true;
    case "labeldrop":
      for (const name of labels.names()) if (matches(rule, name)) labels.delete(name);
      return true;
    case "labelkeep":
      for (const name of labels.names()) if (!matches(rule, name)) labels.delete(name);
      return true;
    default:
      return unreachable(rule.action);
  }
}

/** 3.4: source label values (missing = "") joined with the separator. */
function sourceValue(rule: CompiledRelabelRule, labels: WorkingLabels): string {
  const names = rule.sourceLabels;
  if (names.length === 1) return labels.get(names[0] ?? "");
  let value = "";
  for (let i = 0; i < names.length; i++) value += (i === 0 ? "" : rule.separator) + labels.get(names[i] ?? "");
  return value;
}

function matches(rule: CompiledRelabelRule, value: string): boolean {
  return rule.regex.test(value);
}

function submatches(rule: CompiledRelabelRule, value: string): readonly (string | undefined)[] | undefined {
  return rule.regex.match(value);
}

function replace(rule: CompiledRelabelRule, labels: WorkingLabels, value: string): void {
  if (rule.hasReplaceFastPath && value === "") {
    labels.set(rule.targetLabel, rule.replacement);
    return;
  }
  const groups = submatches(rule, value);
  if (groups === undefined) return;
  const named = rule.regex.namedGroups;
  const target = rule.targetTemplate === undefined ? rule.targetLabel : expandTemplate(rule.targetTemplate, groups, named);
  const isV3 = rule.profile === "v3";
  if (!isValidLabelName(target, rule.scheme)) {
    if (!isV3) labels.delete(rule.targetLabel); // 2.42 deletes the name as written, not the expanded one
    return;
  }
  const result = expandTemplate(rule.replacementTemplate, groups, named);
  if (result === "") labels.delete(isV3 ? target : rule.targetLabel);
  else labels.set(target, result);
}

function labelmap(rule: CompiledRelabelRule, labels: WorkingLabels): void {
  const named = rule.regex.namedGroups;
  // Visit the labels as they were before this rule, in byte order; the last writer of a name wins.
  const { names, values } = labels.sortedSnapshot();
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? "";
    if (!matches(rule, name)) continue; // most names do not match; the test needs no submatches
    const groups = submatches(rule, name);
    if (groups !== undefined) labels.set(expandTemplate(rule.replacementTemplate, groups, named), values[i] ?? "");
  }
}
