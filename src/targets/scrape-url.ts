/**
 * The scrape URL of a built target (spec core.md 4.4), rendered exactly like Go's `net/url`: the query is
 * `url.Values.Encode()` (keys sorted by bytes, `QueryEscape`), the URL is `URL.String()` (host and path
 * escaping of their own). WHATWG `URL` must not be used: it normalises ports, case and spaces (Appendix A).
 */
import { ADDRESS_LABEL, compareUtf8, METRICS_PATH_LABEL, PARAM_LABEL_PREFIX, SCHEME_LABEL, type LabelSet } from "../model/labels.js";

/** Go's url encoding modes that promsd needs. */
type EscapeMode = "host" | "path" | "query";

const UPPER_HEX = "0123456789ABCDEF";
/** Strings made only of these characters come out of `goEscape` unchanged (a fast path for the common case). */
const UNCHANGED: Readonly<Record<EscapeMode, RegExp>> = {
  host: /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]*$/,
  path: /^[A-Za-z0-9\-_.~$&+,/:;=@]*$/,
  query: /^[A-Za-z0-9\-_.~]*$/,
};
const encoder = new TextEncoder();

/** Go `shouldEscape` for one byte, reduced to the modes above. */
function shouldEscape(c: number, mode: EscapeMode): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  if (mode === "host") {
    // Go allows RFC 3986 sub-delims, ':' and '[ ]' (host:port, IPv6) and '< > "' unescaped in hosts.
    switch (c) {
      case 0x21: case 0x24: case 0x26: case 0x27: case 0x28: case 0x29: case 0x2a: case 0x2b: case 0x2c:
      case 0x3b: case 0x3d: case 0x3a: case 0x5b: case 0x5d: case 0x3c: case 0x3e: case 0x22:
        return false;
    }
  }
  switch (c) {
    case 0x2d: case 0x5f: case 0x2e: case 0x7e: // - _ . ~
      return false;
    case 0x24: case 0x26: case 0x2b: case 0x2c: case 0x2f: case 0x3a: case 0x3b: case 0x3d: case 0x3f: case 0x40:
      // $ & + , / : ; = ? @ — reserved: a path escapes only '?', a query component escapes all of them.
      if (mode === "path") return c === 0x3f;
      if (mode === "query") return true;
  }
  return true;
}

/** Go `url.escape(s, mode)`, byte by byte over the UTF-8 encoding. */
function goEscape(text: string, mode: EscapeMode): string {
  if (UNCHANGED[mode].test(text)) return text;
  let out = "";
  for (const byte of encoder.encode(text)) {
    if (byte === 0x20 && mode === "query") out += "+";
    else if (shouldEscape(byte, mode)) out += `%${UPPER_HEX[byte >> 4]}${UPPER_HEX[byte & 15]}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}

/** Go `url.QueryEscape`: space → `+`, only `A-Z a-z 0-9 - _ . ~` left as is, `%XX` upper-case. */
export function queryEscape(text: string): string {
  return goEscape(text, "query");
}

/** Go `url.PathEscape`-like escaping of a whole path as `URL.EscapedPath()` does it (only `?` of the reserved). */
export function pathEscape(text: string): string {
  return text === "*" ? "*" : goEscape(text, "path");
}

/** Go `url.Values.Encode()`: keys in byte order, every value of a key in order, `k=v` joined by `&`. */
export function encodeQuery(values: ReadonlyMap<string, readonly string[]>): string {
  const parts: string[] = [];
  for (const key of [...values.keys()].sort(compareUtf8)) {
    const escapedKey = queryEscape(key);
    for (const value of values.get(key) ?? []) parts.push(`${escapedKey}=${queryEscape(value)}`);
  }
  return parts.join("&");
}

// The query of a job without `__param_*` labels is the same for every target: encode it once per params map.
const encodedParams = new WeakMap<ReadonlyMap<string, readonly string[]>, string>();

function queryFor(labels: LabelSet, params: ReadonlyMap<string, readonly string[]>): string {
  let merged: Map<string, string[]> | undefined;
  for (const name in labels) {
    if (!name.startsWith(PARAM_LABEL_PREFIX)) continue;
    merged ??= new Map([...params].map(([k, v]) => [k, [...v]]));
    const key = name.slice(PARAM_LABEL_PREFIX.length);
    const value = labels[name] ?? "";
    const existing = merged.get(key);
    // Prometheus replaces the first configured value and keeps the rest (`?module=c&module=b`).
    if (existing !== undefined && existing.length > 0) existing[0] = value;
    else merged.set(key, [value]);
  }
  if (merged !== undefined) return encodeQuery(merged);
  let cached = encodedParams.get(params);
  if (cached === undefined) {
    cached = encodeQuery(params);
    encodedParams.set(params, cached);
  }
  return cached;
}

/**
 * Renders Go's `URL{Scheme: __scheme__, Host: __address__, Path: __metrics_path__, RawQuery}.String()`,
 * where RawQuery merges the job's `params` with the target's `__param_<name>` labels (core.md 4.4).
 */
export function scrapeUrl(labels: LabelSet, params: ReadonlyMap<string, readonly string[]>): string {
  const scheme = labels[SCHEME_LABEL] ?? "";
  const host = labels[ADDRESS_LABEL] ?? "";
  const path = pathEscape(labels[METRICS_PATH_LABEL] ?? "");
  const query = queryFor(labels, params);
  let out = scheme === "" ? "" : `${scheme}:`;
  if (scheme !== "" || host !== "") {
    if (host !== "" || path !== "") out += "//";
    out += goEscape(host, "host");
  }
  if (path !== "" && !path.startsWith("/") && host !== "") out += "/";
  // Go prefixes "./" when nothing precedes a path whose first segment has a colon (RFC 3986 4.2).
  if (out === "" && (path.split("/", 1)[0] ?? "").includes(":")) out += "./";
  out += path;
  if (query !== "") out += `?${query}`;
  return out;
}
