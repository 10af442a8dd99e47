/**
 * JSON text exactly as Go's encoding/json writes it (spec core.md 6.6): strings escape `<`, `>`, `&` as
 * `\u003c`, `\u003e`, `\u0026` (unless HTML escaping is off) and U+2028/U+2029 always; label-set objects keep
 * their keys in label (UTF-8 byte) order. JavaScript objects reorder integer-like keys ("0", "42"), and label
 * names may be such keys under the utf8 scheme, so label sets are written by hand instead of JSON.stringify.
 */
import { sortedLabelNames, type LabelSet } from "../../model/labels.js";

const HTML_CHARS = /[<>&\u2028\u2029]/g;
const LINE_SEPARATORS = /[\u2028\u2029]/g;

function escapeChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** A JSON string literal as Go writes it. Lone surrogates become U+FFFD, as Go does for invalid UTF-8. */
export function goJsonString(value: string, escapeHtml = true): string {
  const text = JSON.stringify(value.toWellFormed());
  return text.replace(escapeHtml ? HTML_CHARS : LINE_SEPARATORS, escapeChar);
}

/** A label set as a JSON object with keys in label order. */
export function labelsJson(labels: LabelSet, escapeHtml = true): string {
  const parts: string[] = [];
  for (const name of sortedLabelNames(labels)) {
    parts.push(`${goJsonString(name, escapeHtml)}:${goJsonString(labels[name] ?? "", escapeHtml)}`);
  }
  return `{${parts.join(",")}}`;
}

/** A list of strings as JSON. */
export function stringsJson(values: readonly string[], escapeHtml = true): string {
  return `[${values.map((v) => goJsonString(v, escapeHtml)).join(",")}]`;
}
