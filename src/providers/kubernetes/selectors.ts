/**
 * Syntax checks of Kubernetes label and field selectors (spec kubernetes.md 1.2 step 9), as
 * k8s.io/apimachinery's `fields.ParseSelector` and `labels.Parse` do them. Only syntax is checked; whether
 * the API server supports a field is found out at run time.
 */

/** Splits on commas that are not escaped with a backslash (fields.splitTerms). */
function splitFieldTerms(selector: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let isEscaped = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (isEscaped) isEscaped = false;
    else if (ch === "\\") isEscaped = true;
    else if (ch === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** Whether an unescaped `!=`, `==` or `=` occurs in `term` (fields.splitTerm). */
function hasFieldOperator(term: string): boolean {
  let isEscaped = false;
  for (let i = 0; i < term.length; i++) {
    if (isEscaped) {
      isEscaped = false;
      continue;
    }
    const ch = term[i];
    if (ch === "\\") isEscaped = true;
    else if (ch === "=" || (ch === "!" && term[i + 1] === "=")) return true;
  }
  return false;
}

/** Returns Kubernetes's error text for an invalid field selector, or undefined when it parses. */
export function fieldSelectorProblem(selector: string): string | undefined {
  // Kubernetes sorts the terms before parsing them, so the first bad term in sort order is reported.
  const terms = splitFieldTerms(selector).sort();
  for (const term of terms) {
    if (term === "") continue;
    if (!hasFieldOperator(term)) return `invalid selector: '${selector}'; can't understand '${term}'`;
  }
  return undefined;
}

const QUALIFIED_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (prefix !== undefined && (prefix === "" || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return `Invalid value: "${key}": prefix part must be a valid DNS subdomain`;
  }
  if (name === "" || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

function labelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`;
  }
  return undefined;
}

type Token = { kind: "id" | "op" | "(" | ")" | "," | "!"; text: string };

function tokenize(selector: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < selector.length) {
    const ch = selector[i] ?? "";
    if (/\s/.test(ch)) { i++; continue; }
    const two = selector.slice(i, i + 2);
    if (two === "==" || two === "!=") { tokens.push({ kind: "op", text: two }); i += 2; continue; }
    if (ch === "=" || ch === ">" || ch === "<") { tokens.push({ kind: "op", text: ch }); i++; continue; }
    if (ch === "!") { tokens.push({ kind: "!", text: ch }); i++; continue; }
    if (ch === "(" || ch === ")" || ch === ",") { tokens.push({ kind: ch, text: ch }); i++; continue; }
    let j = i;
    while (j < selector.length && !/[\s=!<>(),]/.test(selector[j] ?? "")) j++;
    tokens.push({ kind: "id", text: selector.slice(i, j) });
    i = j;
  }
  return tokens;
}

/** Returns an error text for an invalid label selector, or undefined when it parses (labels.Parse grammar). */
export function labelSelectorProblem(selector: string): string | undefined {
  const tokens = tokenize(selector);
  if (typeof tokens === "string") return tokens;
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (problem: string): string => `unable to parse requirement: ${problem}`;
  while (i < tokens.length) {
    let isNegated = false;
    if (peek()?.kind === "!") { isNegated = true; i++; }
    const key = tokens[i++];
    if (key?.kind !== "id") return `found '${key?.text ?? ""}', expected: identifier`;
    const keyProblem = labelKeyProblem(key.text);
    if (keyProblem !== undefined) return fail(keyProblem);
    const next = peek();
    if (isNegated || next === undefined || next.kind === ",") {
      if (next?.kind === ",") { i++; if (i >= tokens.length) return "found '', expected: identifier after ','"; }
      continue;
    }
    if (next.kind === "op") {
      i++;
      const value = peek()?.kind === "id" ? (tokens[i++]?.text ?? "") : "";
      if ((next.text === ">" || next.text === "<") && !/^-?\d+$/.test(value)) return fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      const valueProblem = labelValueProblem(value);
      if (valueProblem !== undefined) return fail(valueProblem);
    } else if (next.kind === "id" && (next.text === "in" || next.text === "notin")) {
      i++;
      if (peek()?.kind !== "(") return `found '${peek()?.text ?? ""}', expected: '('`;
      i++;
      for (;;) {
        const t = tokens[i++];
        if (t === undefined) return "found '', expected: ')'";
        if (t.kind === ")") break;
        if (t.kind === ",") continue;
        if (t.kind !== "id") return `found '${t.text}', expected: ',' or ')'`;
        const valueProblem = labelValueProblem(t.text);
        if (valueProblem !== undefined) return fail(valueProblem);
      }
    } else {
      return `found '${next.text}', expected: in, notin, =, ==, !=, gt, lt`;
    }
    const after = peek();
    if (after === undefined) break;
    if (after.kind !== ",") return `found '${after.text}', expected: ',' or 'end of string'`;
    i++;
    if (i >= tokens.length) return "found '', expected: identifier after ','";
  }
  return undefined;
}
