/**
 * JSON text exactly as Go's encoding/json writes it (spec core.md 6.6): strings escape `<`, `>`, `&` as
 * `\u003c`, `\u003e`, `\u0026` (unless HTML escaping is off) and U+2028/U+2029 always; label-set objects keep
 * their keys in label (UTF-8 byte) order. JavaScript objects reorder integer-like keys ("0", "42"), and label
 * names may be such keys under the utf8 scheme, so label sets are written by hand instead of JSON.stringify.
 */
import { compareUtf8, type LabelSet } from "../../model/labels.js";

const HTML_CHARS = /[<>&\u2028\u2029]/g;
const LINE_SEPARATORS = /[\u2028\u2029]/g;
const HIGH_CHARS = /[\ud800-\uffff]/;
const PLAIN = /^[\x20\x21\x23-\x25\x27-\x3b\x3d\x3f-\x5b\x5d-\x7e]*$/;

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** A JSON string literal as Go writes it. Lone surrogates become U+FFFD, as Go does for invalid UTF-8. */
export function goJsonString(value: string, escapeHtml = true): string {
  // Fast path for the common case (label names, addresses): printable ASCII with nothing to escape.
  if (PLAIN.test(value)) return `"${value}"`;
  const text = JSON.stringify(value.toWellFormed());
  return text.replace(escapeHtml ? HTML_CHARS : LINE_SEPARATORS, escapeChar);
}

/** A label set as a JSON object with keys in label order. */
export function labelsJson(labels: LabelSet, escapeHtml = true): string {
  const parts: string[] = [];
  const names = Object.keys(labels);
  // UTF-16 order (the native sort) equals UTF-8 byte order unless a name holds a surrogate or U+E000-U+FFFF.
  if (names.some((name) => HIGH_CHARS.test(name))) names.sort(compareUtf8);
  else names.sort();
  for (const name of names) {
    parts.push(`${goJsonString(name, escapeHtml)}:${goJsonString(labels[name] ?? "", escapeHtml)}`);
  }
  return `{${parts.join(",")}}`;
}

/** A list of strings as JSON. */
export function stringsJson(values: readonly string[], escapeHtml = true): string {
  return `[${values.map((v) => goJsonString(v, escapeHtml)).join(",")}]`;
}
