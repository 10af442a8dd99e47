/**
 * The regular-expression engine behind relabeling, kept behind a tiny interface so it can be swapped.
 *
 * Prometheus uses Go's `regexp` (RE2 syntax, linear time, leftmost-first, ASCII `\d\w\s\b`). We use
 * `re2js`, a pure-JS port of RE2J, itself a port of Go's `regexp/syntax`: same parser, same error texts
 * (`error parsing regexp: missing closing ): ...`), same match semantics. The measurements behind this
 * choice are in bench/relabel/RESULTS.md.
 *
 * Anchoring (spec core.md 3.2): v3 wraps as `^(?s:` + re + `)$`, 2.42 as `^(?:` + re + `)$`. The wrapper
 * adds no capture group, so group numbers are the user's. Go 1.19 (Prometheus 2.42) rejects the
 * `(?<name>...)` group spelling, which re2js (like Go 1.22+) accepts; we reject it ourselves for v2.42.
 */
import { RE2JS, RE2JSException } from "re2js";
import type { Profile } from "../profile.js";

/** A compiled, anchored relabel regex. */
export interface RelabelRegex {
  /** The expression as the user wrote it (without the anchoring wrapper). */
  readonly source: string;
  /** Number of capture groups (group 0, the whole match, not counted). */
  readonly groupCount: number;
  /** Named groups → group number. */
  readonly namedGroups: ReadonlyMap<string, number>;
  /** Whether the whole of `input` matches. */
  test(input: string): boolean;
  /**
   * Submatches of a whole-input match: index 0 is the match, index i group i; `undefined` for a group
   * that did not participate. Returns undefined when there is no match.
   */
  match(input: string): readonly (string | undefined)[] | undefined;
}

/** A regex that does not compile; `message` is Go's text, e.g. ``error parsing regexp: missing closing ): `^(?s:()$` ``. */
export class RegexSyntaxError extends Error {
  override readonly name = "RegexSyntaxError";
}

/** Wraps `expr` the way the profile's Prometheus does before compiling it. */
export function anchorRegex(expr: string, profile: Profile): string {
  return profile === "v3" ? `^(?s:${expr})$` : `^(?:${expr})$`;
}

/**
 * Compiles a relabel regex for `profile`; throws RegexSyntaxError with Go's message. `shortcuts: false`
 * leaves out the exact literal/prefix/`.*` shortcuts (for tests and the benchmark).
 */
export function compileRelabelRegex(expr: string, profile: Profile, { shortcuts = true }: { shortcuts?: boolean } = {}): RelabelRegex {
  // Compiled regexes are immutable, so equal expressions share one (the default `(.*)` of most rules,
  // and every regex again on a config reload). Bounded: cleared when it grows past CACHE_LIMIT.
  const key = `${profile}\0${shortcuts ? 1 : 0}\0${expr}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const regex = compileUncached(expr, profile, shortcuts);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, regex);
  return regex;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, RelabelRegex>();

function compileUncached(expr: string, profile: Profile, shortcuts: boolean): RelabelRegex {
  const wrapped = anchorRegex(expr, profile);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(wrapped);
  } catch (error) {
    throw toSyntaxError(error, expr, profile);
  }
  if (profile === "v2.42") {
    const at = findAngleNamedGroup(expr);
    // Go 1.19 stops at the first `(?<`; an earlier syntax error in the expression would win, and the
    // full compile above already succeeded, so the `(?<` is the first error.
    if (at >= 0) throw new RegexSyntaxError("error parsing regexp: invalid or unsupported Perl syntax: `(?<`");
  }
  const regex = new Re2jsRegex(expr, compiled);
  return shortcuts ? withShortcuts(regex, profile) : regex;
}

function toSyntaxError(error: unknown, expr: string, profile: Profile): RegexSyntaxError {
  if (!(error instanceof RE2JSException)) throw error;
  if (profile === "v2.42") {
    // re2js accepts `(?<name>`; Go 1.19 fails there unless an earlier part of the expression fails first.
    const at = findAngleNamedGroup(expr);
    if (at >= 0) {
      const earlier = prefixError(expr.slice(0, at));
      return new RegexSyntaxError(earlier ?? "error parsing regexp: invalid or unsupported Perl syntax: `(?<`", { cause: error });
    }
  }
  return new RegexSyntaxError(error.message, { cause: error });
}

/** The error the part before a `(?<` raises on its own, ignoring the end-of-input paren check. */
function prefixError(prefix: string): string | undefined {
  try {
    RE2JS.compile(`^(?:${prefix}`);
  } catch (error) {
    if (error instanceof RE2JSException && !error.message.startsWith("error parsing regexp: missing closing )")) return error.message;
  }
  return undefined;
}

/**
 * Index of the first `(?<` that opens a group (not inside a character class, not escaped, not in a
 * `\Q...\E` literal), or -1.
 */
export function findAngleNamedGroup(expr: string): number {
  let i = 0;
  let inClass = false;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === "\\") {
      if (expr[i + 1] === "Q") {
        const end = expr.indexOf("\\E", i + 2);
        if (end < 0) return -1;
        i = end + 2;
        continue;
      }
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === "[" && expr[i + 1] === ":") {
        const end = expr.indexOf(":]", i + 2);
        if (end >= 0) {
          i = end + 2;
          continue;
        }
      }
      if (ch === "]") inClass = false;
      i++;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      i++;
      if (expr[i] === "^") i++;
      if (expr[i] === "]") i++; // a `]` first in a class is literal
      continue;
    }
    if (ch === "(" && expr[i + 1] === "?" && expr[i + 2] === "<") return i;
    i++;
  }
  return -1;
}

/**
 * Cheap, engine-independent shortcuts for the commonest relabel regexes, exact by construction:
 * - an alternation of plain literals (`true`, `env`, `a|b|c`) matches exactly those strings;
 * - otherwise a leading run of plain literal characters is a prefix every match starts with.
 * "Plain" characters are never special in RE2 syntax; a quantifier after the run releases its last char.
 */
const PLAIN = /^[A-Za-z0-9_\-:\/=,;@%]*/;
const PLAIN_ALTERNATIVES = /^[A-Za-z0-9_\-:\/=,;@%|]*$/;

/**
 * `P.*`, `P.+`, `P(.*)`, `P(.+)` for a plain literal prefix P (often empty; `__meta_kubernetes_pod_label_(.+)`
 * is the classic labelmap): decided without the engine; group 1 is the rest after P. 2.42's `.` stops at "\n".
 */
const PREFIX_THEN_DOTS = /^([A-Za-z0-9_\-:\/=,;@%]*)(\()?\.([*+])(\))?$/;

interface RestShortcut {
  readonly prefix: string;
  /** Whether the rest after the prefix matches `.*` / `.+`. */
  readonly isRestMatching: (rest: string) => boolean;
}

function restShortcut(expr: string, profile: Profile): RestShortcut | undefined {
  const m = PREFIX_THEN_DOTS.exec(expr);
  if (m === null || (m[2] === undefined) !== (m[4] === undefined)) return undefined;
  const needsChar = m[3] === "+";
  const prefix = m[1] ?? "";
  if (profile === "v3") return { prefix, isRestMatching: needsChar ? (rest) => rest !== "" : () => true };
  return { prefix, isRestMatching: needsChar ? (rest) => rest !== "" && !rest.includes("\n") : (rest) => !rest.includes("\n") };
}

export function literalShortcut(expr: string): { literals: ReadonlySet<string> } | { prefix: string } {
  if (PLAIN_ALTERNATIVES.test(expr)) return { literals: new Set(expr.split("|")) };
  if (expr.includes("|")) return { prefix: "" }; // an alternative could start anywhere
  const prefix = PLAIN.exec(expr)?.[0] ?? "";
  const next = expr[prefix.length];
  // `ab?`, `ab*`, `ab{0}`: the quantifier applies to the last character, which is then not required.
  return { prefix: next !== undefined && "?*+{".includes(next) ? prefix.slice(0, -1) : prefix };
}

/**
 * Wraps an engine's regex with the shortcuts above. Exact: a shortcut only answers where its answer is
 * certain, everything else goes to the engine.
 */
export function withShortcuts(inner: RelabelRegex, profile: Profile): RelabelRegex {
  const rest = restShortcut(inner.source, profile);
  if (rest !== undefined) {
    const { prefix, isRestMatching } = rest;
    const test = (input: string): boolean => input.startsWith(prefix) && isRestMatching(input.slice(prefix.length));
    const hasGroup = inner.groupCount === 1;
    return {
      source: inner.source, groupCount: inner.groupCount, namedGroups: inner.namedGroups, test,
      match: (input) => (test(input) ? (hasGroup ? [input, input.slice(prefix.length)] : [input]) : undefined),
    };
  }
  const shortcut = literalShortcut(inner.source);
  if ("literals" in shortcut) {
    const { literals } = shortcut;
    return {
      source: inner.source, groupCount: inner.groupCount, namedGroups: inner.namedGroups,
      test: (input) => literals.has(input),
      match: (input) => (literals.has(input) ? [input] : undefined),
    };
  }
  const { prefix } = shortcut;
  if (prefix === "") return inner;
  return {
    source: inner.source, groupCount: inner.groupCount, namedGroups: inner.namedGroups,
    test: (input) => input.startsWith(prefix) && inner.test(input),
    match: (input) => (input.startsWith(prefix) ? inner.match(input) : undefined),
  };
}

/** The re2js engine behind the RelabelRegex interface. */
class Re2jsRegex implements RelabelRegex {
  readonly groupCount: number;
  readonly namedGroups: ReadonlyMap<string, number>;
  readonly #re: RE2JS;

  constructor(
    readonly source: string,
    re: RE2JS,
  ) {
    this.#re = re;
    this.groupCount = re.groupCount();
    this.namedGroups = new Map(Object.entries(re.namedGroups()));
  }

  test(input: string): boolean {
    // testExact asks for no submatches, which lets re2js use its DFA.
    return this.#re.testExact(input);
  }

  match(input: string): readonly (string | undefined)[] | undefined {
    // Go's FindStringSubmatch: one engine run with every capture. (A Matcher's matches() + group() runs
    // the engine twice.) The pattern carries its own ^...$ anchors, so the leftmost match is the whole input.
    const found = this.#re.re2().findSubmatch(input) as (string | null)[] | null; // re2js types this as any[]
    if (found === null) return undefined;
    const out: (string | undefined)[] = new Array<string | undefined>(found.length);
    for (let i = 0; i < found.length; i++) out[i] = found[i] ?? undefined;
    return out;
  }
}
