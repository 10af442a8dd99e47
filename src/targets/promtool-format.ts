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
import { buildTarget, failureMessage } from "./build.js";
import { labelsHash, sameLabels } from "./target-identity.js";
import { goJsonIndent, GoJsonObject, labelObject, labelObjectIndent, type GoJsonValue } from "./go-json.js";
import type { BuiltTarget } from "./types.js";

/** Every version of every group received, per Source, in arrival order. */
export type RecordedGroups = ReadonlyMap<string, readonly TargetGroup[]>;

/** Builds every target of every recorded group version; entries of one Source are deduplicated. */
export function promtoolEntries(recorded: RecordedGroups, job: ScrapeConfig, profile: Profile): BuiltTarget[] {
  const out: BuiltTarget[] = [];
  for (const [source, versions] of recorded) {
    const seen = new EntrySet(profile);
    for (const group of versions) {
      group.targets.forEach((target, index) => {
        const built = buildTarget(target, group.labels, job, profile, { source, index });
        if (seen.add(built)) out.push(built);
      });
    }
  }
  return out;
}

/**
 * promtool's `reflect.DeepEqual` over (discoveredLabels, labels, error) within one Source, by hash and then
 * comparison. 2.42 (and 3.0-3.1) return no discovered labels for a failed target, only its error text.
 */
class EntrySet {
  readonly #byHash = new Map<number, BuiltTarget[]>();
  #first: BuiltTarget | undefined;
  constructor(readonly profile: Profile) {}

  /** Adds `built` unless an equal entry is present; true when added. */
  add(built: BuiltTarget): boolean {
    // Most Sources hold one target: compare against the first directly, hash only from the second on.
    if (this.#first === undefined) {
      this.#first = built;
      return true;
    }
    if (this.#byHash.size === 0) this.#byHash.set(this.#hash(this.#first), [this.#first]);
    const hash = this.#hash(built);
    const bucket = this.#byHash.get(hash);
    if (bucket === undefined) {
      this.#byHash.set(hash, [built]);
      return true;
    }
    if (bucket.some((other) => this.#same(other, built))) return false;
    bucket.push(built);
    return true;
  }

  #hash(built: BuiltTarget): number {
    switch (built.kind) {
      case "active":
        return labelsHash(built.target.labels, labelsHash(built.target.discoveredLabels));
      case "dropped":
        return labelsHash(built.target.discoveredLabels, 1);
      case "failed":
        return this.profile === "v2.42" ? labelsHash({ reason: built.target.reason }, 2) : labelsHash(built.target.discoveredLabels, labelsHash({ reason: built.target.reason }, 2));
    }
  }

  #same(a: BuiltTarget, b: BuiltTarget): boolean {
    if (a.kind === "active" && b.kind === "active") return sameLabels(a.target.labels, b.target.labels) && sameLabels(a.target.discoveredLabels, b.target.discoveredLabels);
    if (a.kind === "dropped" && b.kind === "dropped") return sameLabels(a.target.discoveredLabels, b.target.discoveredLabels);
    if (a.kind === "failed" && b.kind === "failed") {
      return a.target.reason === b.target.reason && (this.profile === "v2.42" || sameLabels(a.target.discoveredLabels, b.target.discoveredLabels));
    }
    return false;
  }
}

const ENTRY_INDENT = "    ";

/** One promtool result object: `discoveredLabels`, `labels`, and `error: {}` for failed targets. */
function promtoolEntryText(built: BuiltTarget, profile: Profile): string {
  const discovered = built.kind === "failed" && profile === "v2.42" ? "{}" : labelObjectIndent(built.target.discoveredLabels, profile, ENTRY_INDENT);
  const labels = built.kind === "active" ? labelObjectIndent(built.target.labels, profile, ENTRY_INDENT) : "{}";
  // A Go error value marshals to `{}`: promtool loses the message (issue 13538).
  const error = built.kind === "failed" ? ',\n    "error": {}' : "";
  return `  {\n    "discoveredLabels": ${discovered},\n    "labels": ${labels}${error}\n  }`;
}

/**
 * promtool's stdout in pieces (one per entry), so a large result is written without building one huge
 * string: a 2-space indented JSON array, `[]` when empty, no trailing newline.
 */
export function* promtoolChunks(entries: readonly BuiltTarget[], profile: Profile): Generator<string> {
  if (entries.length === 0) {
    yield "[]";
    return;
  }
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry !== undefined) yield `${i === 0 ? "[\n" : ",\n"}${promtoolEntryText(entry, profile)}`;
  }
  yield "\n]";
}

/** The exact bytes promtool writes to stdout, as one string. */
export function formatPromtool(entries: readonly BuiltTarget[], profile: Profile): string {
  return [...promtoolChunks(entries, profile)].join("");
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
