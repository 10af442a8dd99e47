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

/** Compiles a relabel regex for `profile`; throws RegexSyntaxError with Go's message. */
export function compileRelabelRegex(expr: string, profile: Profile): RelabelRegex {
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
  return new Re2jsRegex(expr, compiled);
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
    const m = this.#re.matcher(input);
    if (!m.matches()) return undefined;
    const out: (string | undefined)[] = new Array<string | undefined>(this.groupCount + 1);
    for (let i = 0; i <= this.groupCount; i++) out[i] = m.group(i) ?? undefined;
    return out;
  }
}
