/**
 * Turns a RelabelConfig into a CompiledRule once, at config load: validated (spec core.md 3.7), regex
 * anchored and compiled (3.2), templates parsed (3.3), so applying a rule does no parsing at all.
 */
import { ConfigError } from "../errors.js";
import { ConfigLocation } from "../yaml/location.js";
import type { NameValidationScheme } from "../model/labels.js";
import type { Profile } from "../profile.js";
import { compileRelabelRegex, RegexSyntaxError, type RelabelRegex } from "./regex-engine.js";
import { hasTemplateVariable, parseTemplate, type Template } from "./template.js";
import type { CompiledRule, RelabelAction, RelabelConfig, RelabelOptions } from "./types.js";
import { DEFAULT_REGEX, findRelabelProblem, type RelabelField } from "./validate.js";

/** The compiled form the relabel functions run. Build it with compileRelabelConfig or parseRelabelConfigs. */
export class CompiledRelabelRule implements CompiledRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: RelabelRegex;
  readonly targetLabel: string;
  /** Parsed `target_label`, or undefined when it has no `$` (then it is used as is). */
  readonly targetTemplate: Template | undefined;
  readonly replacement: string;
  readonly replacementTemplate: Template;
  readonly modulus: bigint;
  readonly profile: Profile;
  readonly scheme: NameValidationScheme;
  /** v3 `replace` fast path (3.5): default regex, no `$` in target or replacement. */
  readonly hasReplaceFastPath: boolean;

  constructor(
    readonly config: RelabelConfig,
    options: RelabelOptions,
    regex: RelabelRegex,
  ) {
    this.action = config.action;
    this.sourceLabels = [...(config.sourceLabels ?? [])];
    this.separator = config.separator;
    this.regex = regex;
    this.targetLabel = config.targetLabel;
    this.targetTemplate = hasTemplateVariable(config.targetLabel) ? parseTemplate(config.targetLabel) : undefined;
    this.replacement = config.replacement;
    this.replacementTemplate = parseTemplate(config.replacement);
    this.modulus = config.modulus;
    this.profile = options.profile;
    this.scheme = options.profile === "v2.42" ? "legacy" : options.scheme;
    this.hasReplaceFastPath =
      options.profile === "v3" && config.regex === undefined && !hasTemplateVariable(config.targetLabel) && !hasTemplateVariable(config.replacement);
  }
}

/** Where each field of a rule sits, for error messages. */
export type FieldLocator = (field: RelabelField) => ConfigLocation;

const DIRECT_LOCATION = new ConfigLocation("<relabel_config>", 0, "");

/**
 * Validates and compiles one rule. Throws ConfigError (Prometheus's message as `problem`) for an invalid
 * regex first, as Prometheus fails on it while decoding, then for the first failed check of 3.7.
 * `at` locates the rule for the error; by default a synthetic `<relabel_config>` location.
 */
export function compileRelabelConfig(config: RelabelConfig, options: RelabelOptions, at: ConfigLocation = DIRECT_LOCATION): CompiledRule {
  const locate: FieldLocator = (field) => at.key(field);
  return compileWithRegex(config, options, compileRegexOrThrow(config.regex ?? DEFAULT_REGEX, options.profile, locate("regex")), locate);
}

/** Compiles a rule whose regex is already compiled (the YAML decoder compiles it in document order). */
export function compileWithRegex(config: RelabelConfig, options: RelabelOptions, regex: RelabelRegex, locate: FieldLocator): CompiledRelabelRule {
  const problem = findRelabelProblem(config, options);
  if (problem) throw new ConfigError(locate(problem.field), problem.problem, problem.hint);
  return new CompiledRelabelRule(config, options, regex);
}

/** Compiles an anchored relabel regex; a syntax error becomes a ConfigError at `at` with Go's message. */
export function compileRegexOrThrow(expr: string, profile: Profile, at: ConfigLocation): RelabelRegex {
  try {
    return compileRelabelRegex(expr, profile);
  } catch (error) {
    if (!(error instanceof RegexSyntaxError)) throw error;
    throw new ConfigError(at, error.message, "relabel regexes use RE2 syntax (no look-around, no backreferences) and are anchored at both ends", { cause: error });
  }
}

/** The compiled form of `rule`; throws if it was not built by this module. */
export function asCompiled(rule: CompiledRule): CompiledRelabelRule {
  if (rule instanceof CompiledRelabelRule) return rule;
  throw new TypeError("relabel rule was not built by compileRelabelConfig or parseRelabelConfigs");
}
