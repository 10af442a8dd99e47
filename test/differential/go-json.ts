/**
 * Renders sd entries exactly as promtool 2.42 prints them (Go 1.19 `json.MarshalIndent(v, "", "  ")`): keys
 * in the given order, `<` `>` `&` U+2028 U+2029 as `\u…`, control characters other than `\n` `\r` `\t` as
 * `\u00xx` (Go 1.19 has no `\b`/`\f` shorthand), no trailing newline. The differential test uses it to check
 * promsd's bytes (order aside: Go map order is random) and, as a self-check, promtool's own output.
 */
import type { SdEntry } from "../../src/testing/promtool.js";

export function renderPromtoolJson(entries: readonly SdEntry[]): string {
  if (entries.length === 0) return "[]";
  const items = entries.map((entry) => {
    const fields = [
      `    "discoveredLabels": ${renderLabels(entry.discoveredLabels, "    ")}`,
      `    "labels": ${renderLabels(entry.labels, "    ")}`,
    ];
    if (entry.error !== undefined) fields.push(`    "error": {}`);
    return `  {\n${fields.join(",\n")}\n  }`;
  });
  return `[\n${items.join(",\n")}\n]`;
}

function renderLabels(labels: Readonly<Record<string, string>>, indent: string): string {
  const names = Object.keys(labels);
  if (names.length === 0) return "{}";
  const lines = names.map((name) => `${indent}  ${goJsonString(name)}: ${goJsonString(labels[name] ?? "")}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/** A JSON string literal as Go 1.19's encoder (with HTML escaping) writes it. */
export function goJsonString(value: string): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code < 0x20 || char === "<" || char === ">" || char === "&" || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      out += "\ufffd"; // a lone surrogate cannot be UTF-8; Go writes U+FFFD for invalid bytes
    } else out += char;
  }
  return `${out}"`;
}
