/**
 * `GET /api/v1/targets/relabel_steps?scrapePool=<job>&labels=<JSON object>` (core.md 6.4, Prometheus 3.8+):
 * the job's relabel rules applied one at a time to the given labels. Once a rule drops the target, that step
 * and every later step has `keep: false` and `output: {}`.
 */
import type { LabelSet } from "../../model/labels.js";
import { relabelSteps } from "../../relabel/index.js";
import type { CompiledRule, RelabelConfig } from "../../relabel/types.js";
import { goJsonString, labelsJson, stringsJson } from "../http/go-json.js";
import { apiError, apiSuccess, type HttpRequest, type HttpResponse } from "../http/router.js";

/** The relabel rules of a job, or undefined when no such scrape pool exists. */
export type RelabelRulesOf = (jobName: string) => readonly CompiledRule[] | undefined;

/** A rule as Prometheus's relabel_steps endpoint shows it (keys in its order, empty ones omitted). */
export function relabelRuleJson(rule: RelabelConfig): string {
  const parts: string[] = [];
  if (rule.sourceLabels && rule.sourceLabels.length > 0) parts.push(`"source_labels":${stringsJson(rule.sourceLabels, false)}`);
  parts.push(`"separator":${goJsonString(rule.separator, false)}`);
  parts.push(`"regex":${goJsonString(rule.regex ?? "(.*)", false)}`);
  if (rule.modulus !== 0n) parts.push(`"modulus":${rule.modulus.toString()}`);
  if (rule.targetLabel !== "") parts.push(`"target_label":${goJsonString(rule.targetLabel, false)}`);
  parts.push(`"replacement":${goJsonString(rule.replacement, false)}`);
  parts.push(`"action":${goJsonString(rule.action, false)}`);
  return `{${parts.join(",")}}`;
}

/** Parses the `labels` parameter: a JSON object of string values; returns the problem as a string. */
export function parseLabelsParam(text: string): LabelSet | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `expected a JSON object of label names to values`;
  const labels: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") return `value of label ${JSON.stringify(name)} is not a string`;
    if (v !== "") labels[name] = v;
  }
  return labels;
}

export function relabelStepsHandler(rulesOf: RelabelRulesOf): (request: HttpRequest) => HttpResponse {
  return (request) => {
    const pool = request.url.searchParams.get("scrapePool") ?? "";
    if (pool === "") return apiError("bad_data", "no scrapePool parameter provided");
    const labelsText = request.url.searchParams.get("labels") ?? "";
    if (labelsText === "") return apiError("bad_data", "no labels parameter provided");
    const labels = parseLabelsParam(labelsText);
    if (typeof labels === "string") return apiError("bad_data", `error parsing labels: ${labels}`);
    const rules = rulesOf(pool);
    if (!rules) return apiError("bad_data", `error retrieving scrape config: scrape pool ${JSON.stringify(pool)} not found`);
    const steps = relabelSteps(labels, rules).map(
      (step) => `{"rule":${relabelRuleJson(step.rule)},"output":${labelsJson(step.output, false)},"keep":${step.keep}}`,
    );
    return apiSuccess(`{"steps":[${steps.join(",")}]}`);
  };
}
