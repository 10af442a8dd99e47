/**
 * `static_configs` (spec static.md, core.md 1.2 and 5.5): each list element is one target group with the
 * keys `targets` and `labels` only. All elements of one job form a single StaticConfig whose groups are
 * numbered "0", "1", … across the whole list (`mergeStaticConfigs`).
 */
import type { ConfigLocation } from "../../yaml/location.js";
import { MapReader, typeError, type ParseContext } from "../../config/reader.js";
import type { YamlNode } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import { goQuote } from "../../model/go-quote.js";
import { ADDRESS_LABEL, canonicalLabels, isValidLabelName, type LabelSet, type NameValidationScheme } from "../../model/labels.js";
import type { TargetGroup } from "../../model/target-group.js";

export interface StaticConfig {
  readonly groups: readonly TargetGroup[];
}

/** The Go type go-yaml names in unknown-field errors for a group (core.md 1.2). */
export const GROUP_TYPE_NAME = 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }';

/** Label names in groups: 2.42 legacy, v3 the process-wide utf8 default (core.md 1.3). */
export function groupLabelScheme(ctx: ParseContext): NameValidationScheme {
  return ctx.profile === "v2.42" ? "legacy" : "utf8";
}

/**
 * Parses one `static_configs` element into a StaticConfig holding one group with source "0". A null element
 * is the caller's error (`empty or null section in static_configs`), since it needs the list key.
 */
export function parseStaticConfig(node: YamlNode, at: ConfigLocation, ctx: ParseContext): StaticConfig {
  const reader = MapReader.open(node, at, GROUP_TYPE_NAME);
  const targetNodes = reader.list("targets", "[]string") ?? [];
  const targets = targetNodes.map(({ value, at: targetAt }) => {
    if (value.kind !== "scalar") throw typeError(value, targetAt, "string");
    return { [ADDRESS_LABEL]: value.text };
  });
  const labels = readGroupLabels(reader, groupLabelScheme(ctx));
  reader.finish();
  return { groups: [{ source: "0", labels, targets }] };
}

function readGroupLabels(reader: MapReader, scheme: NameValidationScheme): LabelSet {
  const node = reader.node("labels");
  if (node === undefined || (node.kind === "scalar" && node.isNull)) return {};
  const at = reader.atKey("labels");
  if (node.kind !== "map") throw typeError(node, at, "model.LabelSet");
  const conflict = node.mergeConflicts?.[0];
  if (conflict !== undefined) {
    throw new ConfigError(at.key(conflict.key, conflict.line), `yaml: unmarshal errors:\n  line ${conflict.line}: key ${goQuote(conflict.key)} already set in map`, "a label set by a merge (<<) cannot be set again");
  }
  const out: Record<string, string> = {};
  const seen = new Set<string>();
  for (const entry of node.entries) {
    const entryAt = at.key(entry.key, entry.keyLine);
    if (seen.has(entry.key)) {
      throw new ConfigError(entryAt, `yaml: unmarshal errors:\n  line ${entry.keyLine}: key ${goQuote(entry.key)} already set in map`, "remove the duplicate label");
    }
    seen.add(entry.key);
    if (entry.value.kind !== "scalar") throw typeError(entry.value, entryAt, "model.LabelValue");
    if (!isValidLabelName(entry.key, scheme)) {
      const hint = scheme === "legacy" ? "label names must match [a-zA-Z_][a-zA-Z0-9_]* under profile v2.42" : "label names must be non-empty UTF-8";
      throw new ConfigError(entryAt, `${goQuote(entry.key)} is not a valid label name`, hint);
    }
    out[entry.key] = entry.value.text;
  }
  return canonicalLabels(out);
}

/** Merges the per-element configs of one job into one, numbering sources "0", "1", … in order. */
export function mergeStaticConfigs(configs: readonly StaticConfig[]): StaticConfig {
  const groups = configs.flatMap((c) => c.groups);
  return { groups: groups.map((group, i) => ({ ...group, source: String(i) })) };
}

/**
 * Prometheus's check for URLs in static targets (core.md 5.5), applied only when the job has no
 * relabel_configs: a target containing `/` is `"<t>" is not a valid hostname`.
 */
export function checkStaticHostnames(config: StaticConfig, at: ConfigLocation): void {
  for (const group of config.groups) {
    for (const target of group.targets) {
      const address = target[ADDRESS_LABEL] ?? "";
      if (address.includes("/")) {
        throw new ConfigError(at, `${goQuote(address)} is not a valid hostname`, "put only host:port in targets, or add relabel_configs that rewrite __address__");
      }
    }
  }
}

