/**
 * Label sets and label-name rules (spec core.md 1.3-1.7).
 *
 * A label set is a plain frozen-by-convention record. Canonical form: no empty values, names in UTF-8 byte
 * order. Empty values mean "absent" everywhere (core.md 1.5), so producers drop them before publishing.
 */
export type LabelSet = Readonly<Record<string, string>>;

/** Which label-name rule applies (core.md 1.3): 2.42 is always legacy, v3 defaults to utf8. */
export type NameValidationScheme = "utf8" | "legacy";

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLegacyLabelName(name: string): boolean {
  return LEGACY_LABEL_NAME.test(name);
}

/** utf8 rule: any non-empty string of valid UTF-8 (no lone surrogates in a JS string). */
export function isValidUtf8LabelName(name: string): boolean {
  return name.length > 0 && name.isWellFormed();
}

export function isValidLabelName(name: string, scheme: NameValidationScheme): boolean {
  return scheme === "legacy" ? isValidLegacyLabelName(name) : isValidUtf8LabelName(name);
}

/** UTF-16 surrogates: only where one of these is involved does JavaScript's string order differ from Go's. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Compares two strings in UTF-8 byte order, which is Go's string order. JavaScript's default `<` compares
 * UTF-16 code units and differs for astral characters versus U+E000-U+FFFF (spec Appendix A); without
 * surrogates in either string it is the same order, and the engine's comparison is several times faster.
 */
export function compareUtf8(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF, which sort after every BMP character in
    // UTF-8; lift them above the rest of the BMP before comparing.
    const xs = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x;
    const ys = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y;
    return xs - ys;
  }
  return a.length - b.length;
}

/** Label names seen without surrogates. Names repeat on every target, so a set lookup replaces a RegExp test. */
const plainNames = new Set<string>();
const PLAIN_NAMES_LIMIT = 10_000;

/** Whether `name` holds no surrogate, so that native string order is its UTF-8 order; meant for label names. */
export function isPlainName(name: string): boolean {
  if (plainNames.has(name)) return true;
  if (SURROGATE.test(name)) return false;
  if (plainNames.size >= PLAIN_NAMES_LIMIT) plainNames.clear(); // names from a runaway relabel config
  plainNames.add(name);
  return true;
}

/**
 * Sorts label names in place in UTF-8 byte order and returns them. Without surrogates the engine's own sort
 * is right and needs no comparator call; names from decoders and earlier stages are usually sorted already.
 */
export function sortLabelNames(names: string[]): string[] {
  if (names.length < 2) return names;
  if (!names.every(isPlainName)) return names.sort(compareUtf8);
  for (let i = 1; i < names.length; i++) {
    if ((names[i - 1] ?? "") >= (names[i] ?? "")) return names.sort();
  }
  return names;
}

/** Label names of `labels` in UTF-8 byte order. */
export function sortedLabelNames(labels: LabelSet): string[] {
  return sortLabelNames(Object.keys(labels));
}

/** Returns a new label set with keys in canonical order and empty values removed. */
export function canonicalLabels(labels: LabelSet): LabelSet {
  const out: Record<string, string> = {};
  for (const name of sortedLabelNames(labels)) {
    const value = labels[name];
    if (value !== undefined && value !== "") setOwnLabel(out, name, value);
  }
  return out;
}

/**
 * `labels` (canonical) with `name` set to `value`, or removed when `value` is empty, in canonical form: one
 * pass that inserts the name at its place instead of copying and sorting the whole set again.
 */
export function withLabel(labels: LabelSet, name: string, value: string): LabelSet {
  const out: Record<string, string> = {};
  let isPending = value !== "";
  for (const existing in labels) {
    if (isPending && compareUtf8(name, existing) <= 0) {
      setOwnLabel(out, name, value);
      isPending = false;
    }
    if (existing !== name) setOwnLabel(out, existing, labels[existing] ?? "");
  }
  if (isPending) setOwnLabel(out, name, value);
  return out;
}

/** Sets an own property even for `__proto__`, which a plain assignment would take for the prototype. */
export function setOwnLabel(out: Record<string, string>, name: string, value: string): void {
  if (name === "__proto__") Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  else out[name] = value;
}

/** Structural equality of two label sets, ignoring key order. */
export function labelSetsEqual(a: LabelSet, b: LabelSet): boolean {
  const ak = Object.keys(a);
  if (ak.length !== Object.keys(b).length) return false;
  for (const k of ak) if (a[k] !== b[k]) return false;
  return true;
}

/** A stable string key for a label set (canonical JSON); equal sets give equal keys. */
export function labelSetKey(labels: LabelSet): string {
  return JSON.stringify(canonicalLabels(labels));
}

export const ADDRESS_LABEL = "__address__";
export const SCHEME_LABEL = "__scheme__";
export const METRICS_PATH_LABEL = "__metrics_path__";
export const SCRAPE_INTERVAL_LABEL = "__scrape_interval__";
export const SCRAPE_TIMEOUT_LABEL = "__scrape_timeout__";
export const PARAM_LABEL_PREFIX = "__param_";
export const META_LABEL_PREFIX = "__meta_";
export const RESERVED_LABEL_PREFIX = "__";
export const JOB_LABEL = "job";
export const INSTANCE_LABEL = "instance";
