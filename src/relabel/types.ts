/**
 * Relabeling contract (spec core.md 3). Rules are parsed and compiled once at config load
 * (`parseRelabelConfigs` in ./config.ts), then applied by the pure functions in ./relabel.ts.
 */
import type { LabelSet, NameValidationScheme } from "../model/labels.js";
import type { Profile } from "../profile.js";

export const RELABEL_ACTIONS = [
  "replace", "keep", "drop", "keepequal", "dropequal", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase", "uppercase",
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One rule as written (defaults filled in), kept for display (status/config, relabel_steps `rule`). */
export interface RelabelConfig {
  /** undefined when the key was not written (matters for labeldrop/labelkeep validation and display). */
  readonly sourceLabels: readonly string[] | undefined;
  readonly separator: string;
  /** undefined = the default `(.*)`, which differs from an explicit `(.*)` only for validation/display. */
  readonly regex: string | undefined;
  readonly modulus: bigint;
  readonly targetLabel: string;
  readonly replacement: string;
  readonly action: RelabelAction;
}

/** Options that change how rules are validated and compiled. */
export interface RelabelOptions {
  readonly profile: Profile;
  /** The job's effective metric_name_validation_scheme (2.42 is always legacy). */
  readonly scheme: NameValidationScheme;
}

/** A compiled rule: the config plus whatever the engine needs (compiled regex, parsed templates). */
export interface CompiledRule {
  readonly config: RelabelConfig;
}

/** One entry of a relabel trace (`/api/v1/targets/relabel_steps`, the UI's debugger, `promsd sd --trace`). */
export interface RelabelStep {
  readonly rule: RelabelConfig;
  /** Labels after this rule; `{}` when this or an earlier rule dropped the target. */
  readonly output: LabelSet;
  readonly keep: boolean;
}
