/**
 * Go-semantics check of the candidate engines on the spec's cases (core.md 3.2): which engine gives Go's
 * answer, and Go's error text, without promsd's help.
 *
 *   RE2_MODULE=/path/to/node_modules/re2 node --import tsx bench/relabel/semantics.ts
 */
import { createRequire } from "node:module";
import { RE2JS } from "re2js";
import { anchorRegex } from "../../src/relabel/regex-engine.js";

interface NativeRe2 {
  exec(input: string): (string | undefined)[] | null;
}
type NativeRe2Constructor = new (pattern: string) => NativeRe2;
const path = process.env["RE2_MODULE"];
const RE2 = path ? (createRequire(import.meta.url)(path) as NativeRe2Constructor) : undefined; // CommonJS addon

/** [name, regex, input, Go's submatches (null = no match) or Go's error text]. */
const cases: [string, string, string, (string | null)[] | null | string][] = [
  ["\\d is ASCII", "\\d", "٣", null],
  ["\\w is ASCII", "\\w", "é", null],
  ["\\s has no \\v", "\\s", "\v", null],
  ["\\b is ASCII", "é\\b", "é", null],
  ["(?i) flag group", "(?i)prod", "PROD", ["PROD"]],
  ["(?s) from the v3 wrapper", "a.b", "a\nb", ["a\nb"]],
  ["(?P<name>)", "(?P<h>[^:]+):(\\d+)", "web:80", ["web:80", "web", "80"]],
  ["(?<name>) accepted (Go 1.22+, Prometheus 3)", "(?<h>x)", "x", ["x", "x"]],
  ["POSIX class", "[[:alpha:]]+", "abc", ["abc"]],
  ["\\pL", "\\pL+", "héllo", ["héllo"]],
  ["\\p{Greek}", "\\p{Greek}+", "αβ", ["αβ"]],
  ["leftmost-first", "(a|ab)(c|bcd)?(d*)", "abcd", ["abcd", "a", "bcd", ""]],
  ["non-participating group", "(a)|(b)", "b", ["b", null, "b"]],
  ["\\Q...\\E", "\\Qa.b\\E", "a.b", ["a.b"]],
  ["error: missing paren", "(", "", "error parsing regexp: missing closing ): `^(?s:()$`"],
  ["error: bad escape", "\\8", "", "error parsing regexp: invalid escape sequence: `\\8`"],
  ["error: look-ahead", "(?=a)", "", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"],
  ["error: repeat count", "a{1001}", "", "error parsing regexp: invalid repeat count: `{1001}`"],
];

type Engine = (regex: string, input: string) => (string | null)[] | null | string;

const re2js: Engine = (regex, input) => {
  try {
    const found = RE2JS.compile(anchorRegex(regex, "v3")).re2().findSubmatch(input) as (string | null)[] | null; // typed any[]
    return found;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

const native: Engine | undefined = RE2 && ((regex, input) => {
  try {
    const found = new RE2(anchorRegex(regex, "v3")).exec(input);
    return found === null ? null : Array.from(found, (g) => g ?? null);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
});

const engines: [string, Engine][] = [["re2js", re2js]];
if (native) engines.push(["re2 (native)", native]);
for (const [name, engine] of engines) {
  let agree = 0;
  for (const [label, regex, input, want] of cases) {
    const got = engine(regex, input);
    if (JSON.stringify(got) === JSON.stringify(want)) agree++;
    else console.log(`${name}: ${label}: got ${JSON.stringify(got)}, Go gives ${JSON.stringify(want)}`);
  }
  console.log(`${name}: ${agree}/${cases.length} cases as Go`);
}
