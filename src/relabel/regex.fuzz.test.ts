import { test } from "node:test";
import { fc, parsesOrThrowsTyped, runFuzz } from "../testing/fuzz.js";
import { compileRelabelRegex, RegexSyntaxError } from "./regex-engine.js";

const pieces = fc.constantFrom("(", ")", "(?:", "(?P<n>", "[", "]", "[^", "a", ".", "*", "+", "?", "{2,}", "{1000}", "|", "\\", "\\d", "\\pL", "^", "$", "(?i)", "(?=", "\\1", "*?", "ä", "\\x{10FFFF}");
const expression = fc.oneof(fc.array(pieces, { maxLength: 12 }).map((p) => p.join("")), fc.string({ maxLength: 40 }));

test("fuzz relabel regex: compiling returns a regex or throws RegexSyntaxError; matching stays linear", (t) => {
  const input = fc.tuple(expression, fc.constantFrom("v3", "v2.42" as const), fc.string({ maxLength: 2000 }));
  runFuzz(t, "relabel regex", input, ([expr, profile, subject]) => {
    const regex = parsesOrThrowsTyped(([e, p]: [string, "v3" | "v2.42"]) => compileRelabelRegex(e, p), [expr, profile], [RegexSyntaxError]);
    // RE2 semantics: no input makes a match slow (the time bound of parsesOrThrowsTyped applies).
    if (regex) parsesOrThrowsTyped((s: string) => regex.test(s + "a".repeat(2000) + "!"), subject, []);
  });
});
