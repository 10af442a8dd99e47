/**
 * How go-yaml v2 (gopkg.in/yaml.v2 2.4.0 in Prometheus 2.42, go.yaml.in/yaml/v2 2.4.4 in Prometheus 3.x:
 * the same decoder, the later versions only renamed the module) turns one scalar and its tag into a typed
 * value (its `resolve` and the start of `decoder.scalar`). Both profiles read prometheus.yml and file_sd
 * YAML with this decoder; Prometheus 3.x uses yaml v3 only for rule files.
 *
 * - No tag: a quoted scalar is a string; a plain one is resolved from its text (bool, int, float, null,
 *   timestamp, else string), YAML 1.1 style.
 * - `!!str`, `!!binary`: always a string (`!!binary` is base64-decoded; invalid base64 fails the whole load).
 * - `!!int`, `!!float`, `!!bool`, `!!null`, `!!timestamp`: the text is resolved and must give that type
 *   (an int is accepted as a float), else the load fails with `cannot decode !!X \`v\` as a !!Y`.
 * - Any other tag (`!foo`, `!`, `!!seq` or `!!map` on a scalar, …): not resolvable, the text as a string.
 * Collections ignore their tags entirely.
 */

export const GO_YAML_TAG_PREFIX = "tag:yaml.org,2002:";

/** What a scalar resolves to, before it is stored in a field of some Go type. */
export type ResolvedKind = "str" | "binary" | "bool" | "int" | "float" | "null" | "timestamp" | "other";

export interface ResolvedScalar {
  readonly kind: ResolvedKind;
  /** The go-yaml tag of the resolved value, as type errors print it when the node has no explicit tag. */
  readonly tag: string;
  /** For bool/int/float: the value; bigint for ints beyond 2^53. */
  readonly value?: boolean | number | bigint;
  /** The failf message that aborts the whole decode when this scalar is decoded. */
  readonly failure?: string;
}

/** `tag:yaml.org,2002:int` → `!!int`; other tags unchanged. */
export function shortTag(tag: string): string {
  return tag.startsWith(GO_YAML_TAG_PREFIX) ? `!!${tag.slice(GO_YAML_TAG_PREFIX.length)}` : tag;
}

const BOOLS: Readonly<Record<string, boolean>> = {
  y: true, Y: true, yes: true, Yes: true, YES: true, true: true, True: true, TRUE: true, on: true, On: true, ON: true,
  n: false, N: false, no: false, No: false, NO: false, false: false, False: false, FALSE: false, off: false, Off: false, OFF: false,
};
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  ".nan": Number.NaN, ".NaN": Number.NaN, ".NAN": Number.NaN,
  ".inf": Infinity, ".Inf": Infinity, ".INF": Infinity, "+.inf": Infinity, "+.Inf": Infinity, "+.INF": Infinity,
  "-.inf": -Infinity, "-.Inf": -Infinity, "-.INF": -Infinity,
};
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
/** Go's strconv.ParseFloat syntax (decimal, hex floats, inf/nan words), for the `.` hint. */
const GO_FLOAT = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$|^[-+]?(inf|infinity|nan)$/i;
const RESOLVABLE = new Set(["", "!!str", "!!bool", "!!int", "!!float", "!!null", "!!timestamp"]);

/** The text's type without a tag: go-yaml's `resolve("", text)`. */
function resolvePlain(text: string, tag: string): { kind: ResolvedKind; value?: boolean | number | bigint } {
  const first = text[0];
  const hint = first === undefined ? "N" : /[+-]/.test(first) ? "S" : /\d/.test(first) ? "D" : "yYnNtTfFoO~".includes(first) ? "M" : first === "." ? "." : "";
  if (hint === "") return { kind: "str" };
  if (text in BOOLS) return { kind: "bool", value: BOOLS[text] ?? false };
  if (NULLS.has(text)) return { kind: "null" };
  if (text in SPECIAL_FLOATS) return { kind: "float", value: SPECIAL_FLOATS[text] ?? 0 };
  if (hint === "." && GO_FLOAT.test(text)) return { kind: "float", value: Number(text) };
  if (hint === "D" || hint === "S") {
    if ((tag === "" || tag === "!!timestamp") && isTimestamp(text)) return { kind: "timestamp" };
    const plain = text.replace(/_/g, "");
    const int = parseGoInt(plain);
    if (int !== undefined) return { kind: "int", value: int };
    if (YAML_STYLE_FLOAT.test(plain)) return { kind: "float", value: Number(plain) };
  }
  return { kind: "str" };
}

/** strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64), then go-yaml's own `0b`/`-0b` forms. */
function parseGoInt(plain: string): number | bigint | undefined {
  const match = /^([-+]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|0|[1-9][0-9]*)$/.exec(plain);
  if (!match) return undefined;
  const [, sign = "", digits = ""] = match;
  const normalised = /^0[0-7]/.test(digits) ? `0o${digits.slice(1)}` : /^0[oO]/.test(digits) ? `0o${digits.slice(2)}` : digits;
  let value: bigint;
  try {
    value = BigInt(normalised);
  } catch {
    return undefined;
  }
  if (sign === "-") value = -value;
  const fits = sign === "-" ? value >= -(1n << 63n) : value < 1n << 64n;
  if (!fits) return undefined;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** go-yaml's timestamp forms: YYYY-M-D, optionally with a time (space, `T` or `t` separated). */
function isTimestamp(text: string): boolean {
  if (!/^\d{4}-/.test(text)) return false;
  return /^\d{4}-\d{1,2}-\d{1,2}$/.test(text)
    || /^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(text)
    || /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d{1,9})?$/.test(text);
}

const KIND_TAGS: Readonly<Record<Exclude<ResolvedKind, "other" | "binary">, string>> = {
  str: "!!str", bool: "!!bool", int: "!!int", float: "!!float", null: "!!null", timestamp: "!!timestamp",
};

/**
 * Resolves a scalar as go-yaml does. `explicitTag` is the short tag written in the document ("" when none);
 * `isQuoted` is any non-plain style (quoted or block), which makes an untagged scalar a string.
 */
export function resolveScalar(text: string, explicitTag: string, isQuoted: boolean): ResolvedScalar {
  if (explicitTag === "" && isQuoted) return { kind: "str", tag: "!!str" };
  if (explicitTag === "!!binary") return { kind: "binary", tag: "!!binary" };
  if (!RESOLVABLE.has(explicitTag)) return { kind: "other", tag: explicitTag };
  if (explicitTag === "!!str") return { kind: "str", tag: "!!str" };
  const resolved = resolvePlain(text, explicitTag);
  const tag = KIND_TAGS[resolved.kind as keyof typeof KIND_TAGS];
  if (explicitTag === "" || explicitTag === tag) return { ...resolved, tag };
  if (explicitTag === "!!float" && resolved.kind === "int") return { kind: "float", tag: "!!float", value: Number(resolved.value) };
  return { kind: "str", tag, failure: `yaml: cannot decode ${tag} \`${text}\` as a ${explicitTag}` };
}

/**
 * Go's base64.StdEncoding.DecodeString: padded standard alphabet, `\r` and `\n` ignored; undefined when
 * invalid. Bytes that are not UTF-8 are kept as U+DC80..U+DCFF ("surrogate escapes", see decodeGoBytes), so
 * a label validity check fails on them and Go-style quoting can print them as `\xff`.
 */
export function decodeGoBase64(text: string): string | undefined {
  const compact = text.replace(/[\r\n]/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const bytes = Buffer.from(compact, "base64");
  // Go rejects non-canonical trailing bits only in strict mode; StdEncoding is not strict.
  return decodeGoBytes(bytes);
}

/** Bytes as a JS string: UTF-8 where valid, each invalid byte b as the lone surrogate U+DC00+b. */
export function decodeGoBytes(bytes: Uint8Array): string {
  let out = "";
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let i = 0;
  while (i < bytes.length) {
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out += String.fromCharCode(0xdc00 + (bytes[i] ?? 0));
      i++;
      continue;
    }
    out += decoder.decode(bytes.subarray(i, i + length));
    i += length;
  }
  return out;
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function utf8SequenceLength(bytes: Uint8Array, i: number): number {
  const b0 = bytes[i] ?? 0;
  const cont = (k: number): boolean => ((bytes[i + k] ?? 0) & 0xc0) === 0x80;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  const b1 = bytes[i + 1] ?? 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const ok = b0 === 0xe0 ? b1 >= 0xa0 && b1 <= 0xbf : b0 === 0xed ? b1 >= 0x80 && b1 <= 0x9f : cont(1);
    return ok && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const ok = b0 === 0xf0 ? b1 >= 0x90 && b1 <= 0xbf : b0 === 0xf4 ? b1 >= 0x80 && b1 <= 0x8f : cont(1);
    return ok && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}
