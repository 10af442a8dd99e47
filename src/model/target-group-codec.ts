/**
 * The target-group wire format shared by static_configs, file_sd files and http_sd bodies (spec core.md 1.2,
 * 6.1; file.md 3): a list of `{targets: [string], labels: {name: value}}`.
 *
 * Decoding reproduces Prometheus's Go decoders, error texts included, because users search for them:
 * - JSON (encoding/json + targetgroup.Group.UnmarshalJSON): the whole text is syntax-checked first (Go's
 *   scanner messages); group keys match case-insensitively; unknown keys and wrong types are "saved" errors
 *   (the first one wins, decoding of the group goes on), while a bad `labels` value fails at once; a `null`
 *   list element is `nil target group item found`, checked only after everything else decoded.
 * - YAML (go-yaml v2 UnmarshalStrict): scalars keep their raw text; type errors, unknown and duplicate keys
 *   accumulate into one `yaml: unmarshal errors:` message; an invalid label name fails at once.
 * Verified against promtool 2.42 (see target-group-codec.test.ts).
 */
import { PromsdError } from "../errors.js";
import { goQuote } from "./go-quote.js";
import { compareUtf8, isValidLabelName, type LabelSet, type NameValidationScheme } from "./labels.js";
import { goYamlTag, type YamlNode } from "../config/yaml-node.js";

/** One decoded group: the target strings as written and the group labels (empty values dropped). */
export interface DecodedGroup {
  targets: string[];
  labels: LabelSet;
}

/** A file_sd file or http_sd body that Prometheus would reject; `message` is Prometheus's own text. */
export class GroupDecodeError extends PromsdError {
  override readonly code = "PROMSD_GROUP_DECODE";
  override readonly name = "GroupDecodeError";
}

const GO_GROUP_JSON_TYPE = 'struct { Targets []string "json:\\"targets\\""; Labels model.LabelSet "json:\\"labels\\"" }';
const GO_GROUP_YAML_TYPE = 'struct { Targets []string "yaml:\\"targets\\""; Labels model.LabelSet "yaml:\\"labels\\"" }';
const GO_GROUP_LIST_TYPE = "[]*targetgroup.Group";
const NIL_GROUP = "nil target group item found";

function invalidName(name: string): GroupDecodeError {
  return new GroupDecodeError(`${goQuote(name)} is not a valid label name`);
}

// ---------------------------------------------------------------------------------------------- JSON

/**
 * Decodes a JSON list of groups (`null` and `[]` mean none). Throws GroupDecodeError with Go's message,
 * e.g. `json: unknown field "target"` or `invalid character ']' looking for beginning of value`.
 */
export function decodeGroupsJson(text: string, scheme: NameValidationScheme): DecodedGroup[] {
  const parsed = parseGoJson(text);
  if (!parsed.ok) throw new GroupDecodeError(parsed.error);
  const root = parsed.value;
  if (root.kind === "null") return [];
  if (root.kind !== "array") throw new GroupDecodeError(`json: cannot unmarshal ${root.kind} into Go value of type ${GO_GROUP_LIST_TYPE}`);
  const groups: (DecodedGroup | undefined)[] = [];
  for (const item of root.items) groups.push(item.kind === "null" ? undefined : decodeJsonGroup(item, scheme));
  return requireNoNil(groups);
}

function requireNoNil(groups: readonly (DecodedGroup | undefined)[]): DecodedGroup[] {
  const out: DecodedGroup[] = [];
  for (const group of groups) {
    if (group === undefined) throw new GroupDecodeError(NIL_GROUP);
    out.push(group);
  }
  return out;
}

/** Go's case-insensitive field match (bytes.EqualFold plus the two non-ASCII folds of `s` and `k`). */
function jsonFieldName(key: string): "targets" | "labels" | undefined {
  const folded = key.replace(/[A-Z\u017f\u212a]/g, (c) => (c === "\u017f" ? "s" : c === "\u212a" ? "k" : c.toLowerCase()));
  return folded === "targets" || folded === "labels" ? folded : undefined;
}

function decodeJsonGroup(value: GoJsonValue, scheme: NameValidationScheme): DecodedGroup {
  if (value.kind !== "object") throw new GroupDecodeError(`json: cannot unmarshal ${value.kind} into Go value of type ${GO_GROUP_JSON_TYPE}`);
  let saved: string | undefined; // Go keeps the first "saved" error and goes on decoding
  const save = (message: string): void => void (saved ??= message);
  let targets: string[] = [];
  let labels: LabelSet = {};
  for (const [key, field] of value.entries) {
    const name = jsonFieldName(key);
    if (name === "targets") targets = decodeJsonTargets(field, save);
    else if (name === "labels") labels = decodeJsonLabels(field, scheme);
    else save(`json: unknown field ${goQuote(key)}`);
  }
  if (saved !== undefined) throw new GroupDecodeError(saved);
  return { targets, labels };
}

function decodeJsonTargets(value: GoJsonValue, save: (message: string) => void): string[] {
  if (value.kind === "null") return [];
  if (value.kind !== "array") {
    save(`json: cannot unmarshal ${value.kind} into Go struct field .targets of type []string`);
    return [];
  }
  return value.items.map((item) => {
    if (item.kind === "string") return item.value;
    if (item.kind !== "null") save(`json: cannot unmarshal ${item.kind} into Go struct field .targets of type string`);
    return "";
  });
}

/** model.LabelSet.UnmarshalJSON: decode the whole map, then validate names; any error fails at once. */
function decodeJsonLabels(value: GoJsonValue, scheme: NameValidationScheme): LabelSet {
  if (value.kind === "null") return {};
  if (value.kind !== "object") {
    throw new GroupDecodeError(`json: cannot unmarshal ${value.kind} into Go struct field .labels of type map[model.LabelName]model.LabelValue`);
  }
  const values = new Map<string, string>();
  let saved: string | undefined;
  for (const [name, item] of value.entries) {
    if (item.kind === "string" || item.kind === "null") values.set(name, item.kind === "string" ? item.value : "");
    else saved ??= `json: cannot unmarshal ${item.kind} into Go struct field .labels of type model.LabelValue`;
  }
  if (saved !== undefined) throw new GroupDecodeError(saved);
  // Go checks names in random map order; we report the first invalid one in document order.
  for (const name of values.keys()) if (!isValidLabelName(name, scheme)) throw invalidName(name);
  return labelSetFrom(values);
}

function labelSetFrom(values: ReadonlyMap<string, string>): LabelSet {
  const out: Record<string, string> = {};
  for (const name of [...values.keys()].sort(compareUtf8)) {
    const v = values.get(name);
    if (v !== undefined && v !== "") out[name] = v; // an empty value means "absent" (core.md 1.5)
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- YAML

/**
 * Decodes a YAML list of groups from a parsed node (an empty document, `~` and `[]` mean none). Throws
 * GroupDecodeError with go-yaml's text, e.g. `yaml: unmarshal errors:\n  line 3: field target not found
 * in type struct { … }`.
 */
export function decodeGroupsYaml(node: YamlNode, scheme: NameValidationScheme): DecodedGroup[] {
  const errors: string[] = [];
  const groups: (DecodedGroup | undefined)[] = [];
  if (node.kind === "seq") {
    for (const item of node.items) groups.push(isNull(item) ? undefined : decodeYamlGroup(item, scheme, errors));
  } else if (!isNull(node)) {
    errors.push(yamlTypeError(node, GO_GROUP_LIST_TYPE));
  }
  if (errors.length > 0) throw new GroupDecodeError(`yaml: unmarshal errors:\n  ${errors.join("\n  ")}`);
  return requireNoNil(groups);
}

function isNull(node: YamlNode): boolean {
  return node.kind === "scalar" && node.isNull;
}

/** go-yaml's `line N: cannot unmarshal !!tag `value` into T`, the value cut to 7 bytes when over 10. */
function yamlTypeError(node: YamlNode, goType: string): string {
  let shown = "";
  if (node.kind === "scalar") {
    const bytes = Buffer.from(node.text, "utf8");
    shown = bytes.length > 10 ? ` \`${bytes.subarray(0, 7).toString("utf8")}...\`` : ` \`${node.text}\``;
  }
  return `line ${node.line}: cannot unmarshal ${goYamlTag(node)}${shown} into ${goType}`;
}

function decodeYamlGroup(node: YamlNode, scheme: NameValidationScheme, errors: string[]): DecodedGroup {
  const group: DecodedGroup = { targets: [], labels: {} };
  if (node.kind !== "map") {
    errors.push(yamlTypeError(node, GO_GROUP_YAML_TYPE));
    return group;
  }
  const done = new Set<string>();
  for (const { key, keyLine, value } of node.entries) {
    if (key !== "targets" && key !== "labels") {
      errors.push(`line ${keyLine}: field ${key} not found in type ${GO_GROUP_YAML_TYPE}`);
      continue;
    }
    if (done.has(key)) {
      errors.push(`line ${keyLine}: field ${key} already set in type ${GO_GROUP_YAML_TYPE}`);
      continue;
    }
    done.add(key);
    if (key === "targets") group.targets = decodeYamlTargets(value, errors);
    else group.labels = decodeYamlLabels(value, scheme, errors);
  }
  return group;
}

function decodeYamlTargets(node: YamlNode, errors: string[]): string[] {
  if (isNull(node)) return [];
  if (node.kind !== "seq") {
    errors.push(yamlTypeError(node, "[]string"));
    return [];
  }
  return node.items.map((item) => {
    if (item.kind === "scalar") return item.text;
    errors.push(yamlTypeError(item, "string"));
    return "";
  });
}

const YAML_NULL_KEYS: ReadonlySet<string> = new Set(["~", "null", "Null", "NULL"]);

function decodeYamlLabels(node: YamlNode, scheme: NameValidationScheme, errors: string[]): LabelSet {
  if (isNull(node)) return {};
  if (node.kind !== "map") {
    errors.push(yamlTypeError(node, "model.LabelSet"));
    return {};
  }
  const values = new Map<string, string>();
  for (const { key, value } of node.entries) {
    // LabelName.UnmarshalYAML validates (and fails at once), but go-yaml never calls it for a null key, so
    // `~: x` really yields a label named "" (verified on 2.42). YamlNode keeps only a key's text, so a plain
    // null spelling is taken as null; a quoted "null" key is the one case this misreads.
    const isNullKey = YAML_NULL_KEYS.has(key);
    const name = isNullKey ? "" : key;
    if (!isNullKey && !isValidLabelName(name, scheme)) throw invalidName(name);
    if (value.kind !== "scalar") {
      errors.push(yamlTypeError(value, "model.LabelValue"));
      continue;
    }
    if (values.has(name)) {
      errors.push(`line ${value.line}: key ${goQuote(name)} already set in map`);
      continue;
    }
    values.set(name, value.text);
  }
  return labelSetFrom(values);
}

// ---------------------------------------------------------------------------------------------- encoding

export interface EncodeOptions {
  /** Escape `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, as Go's json.Marshal does. Default false. */
  readonly htmlEscape?: boolean;
}

/**
 * Writes groups in the file_sd/http_sd JSON format, byte-compatible with Go's json.Marshal of
 * targetgroup.Group: compact, `{"targets":[…],"labels":{…}}`, `labels` omitted when empty, label keys in
 * UTF-8 byte order. U+2028/U+2029 are always escaped (Go does so even without HTML escaping).
 */
export function encodeGroupsJson(groups: readonly { targets: readonly string[]; labels: LabelSet }[], options: EncodeOptions = {}): string {
  const str = (s: string): string => goJsonString(s, options.htmlEscape ?? false);
  const parts = groups.map((group) => {
    const targets = `"targets":[${group.targets.map(str).join(",")}]`;
    const names = Object.keys(group.labels).sort(compareUtf8);
    if (names.length === 0) return `{${targets}}`;
    const labels = names.map((name) => `${str(name)}:${str(group.labels[name] ?? "")}`).join(",");
    return `{${targets},"labels":{${labels}}}`;
  });
  return `[${parts.join(",")}]`;
}

const GO_JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** Go's encodeState.string: short escapes only for `" \ \n \r \t`, `\u00XX` for other controls. */
export function goJsonString(text: string, htmlEscape: boolean): string {
  const special = htmlEscape ? /["\\\u0000-\u001f<>&\u2028\u2029]/g : /["\\\u0000-\u001f\u2028\u2029]/g;
  return `"${text.toWellFormed().replace(special, (c) => GO_JSON_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

// ---------------------------------------------------------------------------------------------- Go JSON reader
// Kept in this file because the codec is its only user. JSON.parse cannot serve: it loses key order and
// duplicate keys, keeps lone surrogates, and its syntax messages differ from Go's, which users see in logs.

type GoJsonValue =
  | { readonly kind: "null" }
  | { readonly kind: "bool" }
  | { readonly kind: "number" }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "array"; readonly items: readonly GoJsonValue[] }
  | { readonly kind: "object"; readonly entries: readonly (readonly [string, GoJsonValue])[] };

class GoJsonSyntaxError extends Error {}

/** Parses `text` as Go's json.Unmarshal would check it (checkValid): Go's syntax messages, ws = space/tab/CR/LF. */
function parseGoJson(text: string): { ok: true; value: GoJsonValue } | { ok: false; error: string } {
  const reader = new GoJsonReader(text);
  try {
    const value = reader.value();
    reader.skipSpace();
    if (!reader.atEnd()) reader.fail("after top-level value");
    return { ok: true, value };
  } catch (error) {
    if (error instanceof GoJsonSyntaxError) return { ok: false, error: error.message };
    throw error;
  }
}

const UNEXPECTED_END = "unexpected end of JSON input";

class GoJsonReader {
  #pos = 0;
  constructor(readonly text: string) {}

  atEnd(): boolean {
    return this.#pos >= this.text.length;
  }

  skipSpace(): void {
    while (/^[ \t\r\n]$/.test(this.text[this.#pos] ?? "")) this.#pos++;
  }

  /** `invalid character 'c' <context>`; at the end of input Go's scanner feeds a space instead. */
  fail(context: string): never {
    throw new GoJsonSyntaxError(`invalid character ${quoteGoByte(this.text, this.#pos)} ${context}`);
  }

  /** Requires more input: a structural position where the end of input is "unexpected end". */
  #peekRequired(): string {
    const c = this.text[this.#pos];
    if (c === undefined) throw new GoJsonSyntaxError(UNEXPECTED_END);
    return c;
  }

  value(): GoJsonValue {
    this.skipSpace();
    const c = this.#peekRequired();
    if (c === "{") return this.#object();
    if (c === "[") return this.#array();
    if (c === '"') return { kind: "string", value: this.#string() };
    if (c === "-" || (c >= "0" && c <= "9")) return this.#number();
    if (c === "t") return this.#literal("true", { kind: "bool" });
    if (c === "f") return this.#literal("false", { kind: "bool" });
    if (c === "n") return this.#literal("null", { kind: "null" });
    return this.fail("looking for beginning of value");
  }

  #object(): GoJsonValue {
    this.#pos++;
    const entries: [string, GoJsonValue][] = [];
    this.skipSpace();
    if (this.#peekRequired() === "}") {
      this.#pos++;
      return { kind: "object", entries };
    }
    for (;;) {
      if (this.#peekRequired() !== '"') this.fail("looking for beginning of object key string");
      const key = this.#string();
      this.skipSpace();
      if (this.#peekRequired() !== ":") this.fail("after object key");
      this.#pos++;
      entries.push([key, this.value()]);
      this.skipSpace();
      const next = this.#peekRequired();
      this.#pos++;
      if (next === "}") return { kind: "object", entries };
      if (next !== ",") {
        this.#pos--;
        this.fail("after object key:value pair");
      }
      this.skipSpace();
    }
  }

  #array(): GoJsonValue {
    this.#pos++;
    const items: GoJsonValue[] = [];
    this.skipSpace();
    if (this.#peekRequired() === "]") {
      this.#pos++;
      return { kind: "array", items };
    }
    for (;;) {
      items.push(this.value());
      this.skipSpace();
      const next = this.#peekRequired();
      this.#pos++;
      if (next === "]") return { kind: "array", items };
      if (next !== ",") {
        this.#pos--;
        this.fail("after array element");
      }
    }
  }

  #literal(word: string, value: GoJsonValue): GoJsonValue {
    for (let i = 1; i < word.length; i++) {
      this.#pos++;
      if (this.text[this.#pos] !== word[i]) this.fail(`in literal ${word} (expecting '${word[i]}')`);
    }
    this.#pos++;
    return value;
  }

  #digits(): void {
    while (/^[0-9]$/.test(this.text[this.#pos] ?? "")) this.#pos++;
  }

  #number(): GoJsonValue {
    if (this.text[this.#pos] === "-") this.#pos++;
    const first = this.text[this.#pos] ?? "";
    if (!/^[0-9]$/.test(first)) this.fail("in numeric literal");
    this.#pos++;
    if (first !== "0") this.#digits();
    if (this.text[this.#pos] === ".") {
      this.#pos++;
      if (!/^[0-9]$/.test(this.text[this.#pos] ?? "")) this.fail("after decimal point in numeric literal");
      this.#digits();
    }
    const e = this.text[this.#pos];
    if (e === "e" || e === "E") {
      this.#pos++;
      const sign = this.text[this.#pos];
      if (sign === "+" || sign === "-") this.#pos++;
      if (!/^[0-9]$/.test(this.text[this.#pos] ?? "")) this.fail("in exponent of numeric literal");
      this.#digits();
    }
    return { kind: "number" };
  }

  /** A string literal starting at `"`; escapes decoded as Go does (a lone surrogate becomes U+FFFD). */
  #string(): string {
    this.#pos++;
    let out = "";
    for (;;) {
      const c = this.text[this.#pos];
      if (c === undefined) throw new GoJsonSyntaxError(UNEXPECTED_END);
      if (c === '"') {
        this.#pos++;
        return out.toWellFormed();
      }
      if (c < " ") this.fail("in string literal");
      if (c !== "\\") {
        out += c;
        this.#pos++;
        continue;
      }
      this.#pos++;
      const e = this.text[this.#pos] ?? "";
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.#pos++;
      } else if (e === "u") {
        out += this.#unicodeEscape();
      } else {
        this.fail("in string escape code");
      }
    }
  }

  /** `\uXXXX`, combining a valid surrogate pair; `#pos` is on the `u`. */
  #unicodeEscape(): string {
    const unit = this.#hex4();
    if (unit >= 0xd800 && unit <= 0xdbff && this.text.startsWith("\\u", this.#pos)) {
      const save = this.#pos;
      this.#pos++;
      const low = this.#hex4();
      if (low >= 0xdc00 && low <= 0xdfff) return String.fromCharCode(unit, low);
      this.#pos = save; // not a pair: the high half alone is invalid, the next escape is read on its own
      return "\ufffd";
    }
    return unit >= 0xd800 && unit <= 0xdfff ? "\ufffd" : String.fromCharCode(unit);
  }

  #hex4(): number {
    let unit = 0;
    for (let i = 0; i < 4; i++) {
      this.#pos++;
      const digit = parseInt(this.text[this.#pos] ?? "", 16);
      if (Number.isNaN(digit) || !/^[0-9a-fA-F]$/.test(this.text[this.#pos] ?? "")) this.fail("in \\u hexadecimal character escape");
      unit = unit * 16 + digit;
    }
    this.#pos++;
    return unit;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

/**
 * Go's quoteChar of the byte at `pos`: Go's scanner reads bytes, so a non-ASCII character shows as its
 * first UTF-8 byte taken as a code point (`é` → 'Ã', a BOM → 'ï'); the end of input shows as ' '.
 */
function quoteGoByte(text: string, pos: number): string {
  const cp = text.codePointAt(pos);
  if (cp === undefined) return "' '";
  const byte = cp < 0x80 ? cp : cp < 0x800 ? 0xc0 | (cp >> 6) : cp < 0x10000 ? 0xe0 | (cp >> 12) : 0xf0 | (cp >> 18);
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return "'\"'";
  return `'${goQuote(String.fromCodePoint(byte)).slice(1, -1)}'`;
}
