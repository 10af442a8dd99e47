/**
 * What `promtool check service-discovery` prints (spec core.md 6.5), and promsd's `--explain` variant
 * (spec 7.1), which keeps the same entries but says why a target was dropped or failed.
 *
 * promtool records every update per Source and evaluates every recorded version of every group, so a group
 * that changed during the run contributes both versions; identical results within one Source are printed
 * once (Go `reflect.DeepEqual`, which also compares error texts), results of different Sources never merge.
 */
import type { ScrapeConfig } from "../config/types.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import type { RelabelConfig } from "../relabel/types.js";
import { buildTarget, failureMessage, labelsIdentity } from "./build.js";
import { goJsonIndent, GoJsonObject, labelObject, type GoJsonValue } from "./go-json.js";
import type { BuiltTarget } from "./types.js";

/** Every version of every group received, per Source, in arrival order. */
export type RecordedGroups = ReadonlyMap<string, readonly TargetGroup[]>;

/** Builds every target of every recorded group version; entries of one Source are deduplicated. */
export function promtoolEntries(recorded: RecordedGroups, job: ScrapeConfig, profile: Profile): BuiltTarget[] {
  const out: BuiltTarget[] = [];
  for (const [source, versions] of recorded) {
    const seen = new Set<string>();
    for (const group of versions) {
      group.targets.forEach((target, index) => {
        const built = buildTarget(target, group.labels, job, profile, { source, index });
        const key = entryIdentity(built, profile);
        if (seen.has(key)) return;
        seen.add(key);
        out.push(built);
      });
    }
  }
  return out;
}

function entryIdentity(built: BuiltTarget, profile: Profile): string {
  switch (built.kind) {
    case "active":
      return `a${labelsIdentity(built.target.discoveredLabels)}\u0000${labelsIdentity(built.target.labels)}`;
    case "dropped":
      return `d${labelsIdentity(built.target.discoveredLabels)}`;
    case "failed": {
      // 2.42 (and 3.0-3.1) return no discovered labels for a failed target; only the error text differs.
      const discovered = profile === "v2.42" ? "" : labelsIdentity(built.target.discoveredLabels);
      return `f${discovered}\u0000${built.target.reason}`;
    }
  }
}

const EMPTY = new GoJsonObject([]);

/** One promtool result object: `discoveredLabels`, `labels`, and `error: {}` for failed targets. */
function promtoolObject(built: BuiltTarget, profile: Profile): GoJsonObject {
  switch (built.kind) {
    case "active":
      return new GoJsonObject([["discoveredLabels", labelObject(built.target.discoveredLabels)], ["labels", labelObject(built.target.labels)]]);
    case "dropped":
      return new GoJsonObject([["discoveredLabels", labelObject(built.target.discoveredLabels)], ["labels", EMPTY]]);
    case "failed": {
      const discovered = profile === "v2.42" ? EMPTY : labelObject(built.target.discoveredLabels);
      // A Go error value marshals to `{}`: promtool loses the message (issue 13538).
      return new GoJsonObject([["discoveredLabels", discovered], ["labels", EMPTY], ["error", EMPTY]]);
    }
  }
}

/** The exact bytes promtool writes to stdout: a 2-space indented JSON array, no trailing newline. */
export function formatPromtool(entries: readonly BuiltTarget[], profile: Profile): string {
  return goJsonIndent(entries.map((e) => promtoolObject(e, profile)), profile);
}

/** Renders a relabel rule the way it is written in prometheus.yml (only the keys that matter). */
function ruleObject(rule: RelabelConfig, index: number): GoJsonObject {
  const entries: [string, GoJsonValue][] = [["index", index], ["action", rule.action]];
  if (rule.sourceLabels !== undefined) entries.push(["source_labels", [...rule.sourceLabels]]);
  if (rule.regex !== undefined) entries.push(["regex", rule.regex]);
  if (rule.action === "hashmod") entries.push(["modulus", rule.modulus.toString()]);
  if (rule.targetLabel !== "") entries.push(["target_label", rule.targetLabel]);
  return new GoJsonObject(entries);
}

/**
 * promsd's `--explain` output: the same entries as promtool, each with `source`, `index`, `status`, the
 * discovered labels (always), the final labels and scrape URL of active targets, the error text of failed
 * targets and the relabel rule (`relabel_configs[index]`) that dropped a dropped target.
 */
export function formatExplain(entries: readonly BuiltTarget[], job: ScrapeConfig, profile: Profile): string {
  const objects = entries.map((built): GoJsonObject => {
    const head: [string, GoJsonValue][] = [
      ["status", built.kind],
      ["source", built.target.source],
      ["index", built.target.index],
      ["discoveredLabels", labelObject(built.target.discoveredLabels)],
    ];
    switch (built.kind) {
      case "active":
        return new GoJsonObject([...head, ["labels", labelObject(built.target.labels)], ["scrapeUrl", built.target.scrapeUrl]]);
      case "dropped": {
        const rule = job.relabelConfigs[built.target.droppedByRule];
        const droppedBy: GoJsonValue = rule === undefined ? null : ruleObject(rule.config, built.target.droppedByRule);
        return new GoJsonObject([...head, ["droppedBy", droppedBy]]);
      }
      case "failed":
        return new GoJsonObject([...head, ["error", failureMessage(built.target)]]);
    }
  });
  return goJsonIndent(objects, profile);
}
