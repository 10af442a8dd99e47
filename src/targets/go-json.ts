/**
 * Go `encoding/json` output, byte for byte (spec core.md 6.6): HTML characters escaped as `\u003c \u003e
 * \u0026`, U+2028/U+2029 escaped, lone surrogates (invalid UTF-8 for Go) become `\ufffd`, and
 * `json.MarshalIndent(v, "", "  ")` layout with `{}` / `[]` for empty containers and no trailing newline.
 */
import { sortLabelNames, type LabelSet } from "../model/labels.js";
import type { Profile } from "../profile.js";

/**
 * A JSON value. Objects are explicit entry lists: JavaScript objects would move integer-like keys (`"0"`)
 * to the front, and Go writes struct fields in declaration order and map keys in byte order.
 */
export type GoJsonValue = string | number | boolean | null | readonly GoJsonValue[] | GoJsonObject;
export class GoJsonObject {
  constructor(readonly entries: readonly (readonly [string, GoJsonValue])[]) {}
}

const HEX = "0123456789abcdef";
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/**
 * Go's string encoder with HTML escaping. `\b` and `\f` became short escapes in Go 1.22 (v3 builds); the
 * Go 1.19 build of 2.42 writes them as `\u0008` and `\u000c`.
 */
export function goJsonString(text: string, profile: Profile): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += text[i] + (text[i + 1] ?? "");
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) out += "\\ufffd";
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c === 0x08 && profile === "v3") out += "\\b";
    else if (c === 0x0c && profile === "v3") out += "\\f";
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16)}`;
    else out += text[i];
  }
  return `${out}"`;
}

/** `json.MarshalIndent(value, "", "  ")`. */
export function goJsonIndent(value: GoJsonValue, profile: Profile, indent = ""): string {
  if (value === null) return "null";
  if (typeof value === "string") return goJsonString(value, profile);
  if (typeof value === "number" || typeof value === "boolean") return JSON.stringify(value);
  const inner = `${indent}  `;
  if (value instanceof GoJsonObject) {
    if (value.entries.length === 0) return "{}";
    const parts = value.entries.map(([k, v]) => `${inner}${goJsonString(k, profile)}: ${goJsonIndent(v, profile, inner)}`);
    return `{\n${parts.join(",\n")}\n${indent}}`;
  }
  if (value.length === 0) return "[]";
  return `[\n${value.map((v) => inner + goJsonIndent(v, profile, inner)).join(",\n")}\n${indent}]`;
}

/** Names of a label set in byte order (Go sorts map keys), with empty values left out. */
function labelNames(labels: LabelSet): string[] {
  return sortLabelNames(Object.keys(labels)).filter((name) => (labels[name] ?? "") !== "");
}

/** Quoted label names per profile: some 40 names repeat on each of 100,000 targets, twice each. */
const quotedNames: Record<Profile, Map<string, string>> = { v3: new Map(), "v2.42": new Map() };
const QUOTED_NAMES_LIMIT = 10_000;

function quotedName(name: string, profile: Profile): string {
  const cache = quotedNames[profile];
  let quoted = cache.get(name);
  if (quoted === undefined) {
    quoted = goJsonString(name, profile);
    if (cache.size >= QUOTED_NAMES_LIMIT) cache.clear();
    cache.set(name, quoted);
  }
  return quoted;
}

/** A label set as Go marshals a map: keys in byte order, empty values left out. */
export function labelObject(labels: LabelSet): GoJsonObject {
  return new GoJsonObject(labelNames(labels).map((name) => [name, labels[name] ?? ""]));
}

/**
 * The same as `goJsonIndent(labelObject(labels), profile, indent)`, written directly: this runs twice per
 * target when promtool's output for 100,000 targets is printed.
 */
export function labelObjectIndent(labels: LabelSet, profile: Profile, indent: string): string {
  const names = labelNames(labels);
  if (names.length === 0) return "{}";
  const inner = `${indent}  `;
  let out = "{\n";
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? "";
    out += `${inner}${quotedName(name, profile)}: ${goJsonString(labels[name] ?? "", profile)}${i + 1 < names.length ? ",\n" : "\n"}`;
  }
  return `${out}${indent}}`;
}
