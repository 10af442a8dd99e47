/**
 * Label and field selector matching as the API server applies them, for the fake API server
 * (labels: `=`, `==`, `!=`, `in`, `notin`, `key`, `!key`; fields: `=`, `==`, `!=` on a few known paths).
 */

type Requirement =
  | { readonly op: "eq" | "ne"; readonly key: string; readonly value: string }
  | { readonly op: "in" | "notin"; readonly key: string; readonly values: ReadonlySet<string> }
  | { readonly op: "exists" | "absent"; readonly key: string };

export type Matcher = (get: (key: string) => string | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

function parseRequirement(text: string): Requirement {
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(text);
  if (set) {
    const values = new Set(set[3]!.split(",").map((v) => v.trim()));
    return { op: set[2] === "in" ? "in" : "notin", key: set[1]!, values };
  }
  const ne = /^([^=!\s]+)\s*!=\s*(.*)$/.exec(text);
  if (ne) return { op: "ne", key: ne[1]!, value: ne[2]!.trim() };
  const eq = /^([^=!\s]+)\s*==?\s*(.*)$/.exec(text);
  if (eq) return { op: "eq", key: eq[1]!, value: eq[2]!.trim() };
  if (text.startsWith("!")) return { op: "absent", key: text.slice(1).trim() };
  if (/^[^=!\s()]+$/.test(text)) return { op: "exists", key: text };
  throw new Error(`unable to parse requirement: ${JSON.stringify(text)}`);
}

function matches(requirement: Requirement, value: string | undefined): boolean {
  switch (requirement.op) {
    case "eq":
      return value === requirement.value;
    case "ne":
      return value !== requirement.value;
    case "in":
      return value !== undefined && requirement.values.has(value);
    case "notin":
      return value === undefined || !requirement.values.has(value);
    case "exists":
      return value !== undefined;
    case "absent":
      return value === undefined;
  }
}

/** Compiles a selector string; "" matches everything. Throws on syntax errors (the fake answers 400). */
export function compileSelector(text: string, kind: "label" | "field"): Matcher {
  const requirements = splitTopLevel(text).map(parseRequirement);
  if (kind === "field") {
    for (const r of requirements) {
      if (r.op !== "eq" && r.op !== "ne") throw new Error(`field selector ${JSON.stringify(text)}: only =, == and != are supported`);
    }
  }
  if (requirements.length === 0) return () => true;
  return (get) => requirements.every((r) => matches(r, get(r.key)));
}

const FIELD_PATHS: Readonly<Record<string, readonly string[]>> = {
  "metadata.name": ["metadata", "name"],
  "metadata.namespace": ["metadata", "namespace"],
  "spec.nodeName": ["spec", "nodeName"],
  "status.phase": ["status", "phase"],
};

/** The value of a supported field-selector path in a raw object ("" when absent, as the API server does). */
export function fieldValue(object: unknown, field: string): string | undefined {
  const path = FIELD_PATHS[field];
  if (path === undefined) return undefined;
  let current: unknown = object;
  for (const step of path) {
    current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[step] : undefined;
  }
  return typeof current === "string" ? current : "";
}

/** True when `field` is one the fake can select on. */
export function isSupportedField(field: string): boolean {
  return field in FIELD_PATHS;
}
