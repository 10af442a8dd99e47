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
import { isUtf8 } from "node:buffer";
import { PromsdError } from "../errors.js";
import { goQuote } from "./go-quote.js";
import { compareUtf8, isValidLabelName, setOwnLabel, type LabelSet, type NameValidationScheme } from "./labels.js";
import { goYamlTag, shownText, type YamlNode, type YamlScalar } from "../yaml/yaml-node.js";

/** One decoded group: the target strings as written and the group labels in canonical form (labels.ts). */
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
 * e.g. `json: unknown field "target"` or `invalid character ']' looking for beginning of value`. Pass the
 * raw bytes when you have them: Go's decoder works on bytes (invalid UTF-8, error positions).
 */
export function decodeGroupsJson(text: string | Uint8Array, scheme: NameValidationScheme): DecodedGroup[] {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.isBuffer(text) ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength);
  return decodeWellFormedGroupsJson(bytes, scheme) ?? decodeGroupsJsonExactly(bytes, scheme);
}

/** `\uD800`-`\uDFFF` (Go and JSON.parse decode lone surrogates differently) or an escaped colon (see below). */
const ESCAPES_TO_AVOID = /\\u(?:[dD][89a-fA-F]|003[aA])/;

/**
 * The fast path: native JSON.parse, trusted only where it must agree with Go's decoder. That is valid UTF-8
 * without surrogate escapes, exactly `[{"targets": [string…], "labels": {name: string…}}…]` with valid
 * label names, and no duplicate keys (JSON.parse keeps the last silently, Go reports errors in the first).
 * Duplicates are found by counting: every object member has one `:` outside strings, so the text's colons
 * minus those inside the decoded strings must equal the members decoded (an escaped colon would break the
 * count, so such text goes the slow way). Returns undefined for anything else, including every input Go
 * rejects, so that the exact reader produces the error message.
 */
function decodeWellFormedGroupsJson(bytes: Buffer, scheme: NameValidationScheme): DecodedGroup[] | undefined {
  if (!isUtf8(bytes)) return undefined;
  const text = bytes.toString("utf8"); // a byte-order mark stays and makes JSON.parse fail, as Go does
  if (text.includes("\\u") && ESCAPES_TO_AVOID.test(text)) return undefined;
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(root)) return undefined;
  const tally: WellFormedTally = { members: 0, colonsInStrings: 0, validNames: new Map() };
  const groups: DecodedGroup[] = new Array<DecodedGroup>(root.length);
  for (let i = 0; i < root.length; i++) {
    const group = wellFormedGroup(root[i], scheme, tally);
    if (group === undefined) return undefined;
    groups[i] = group;
  }
  return countColons(text) === tally.members + tally.colonsInStrings ? groups : undefined;
}

interface WellFormedTally {
  members: number;
  colonsInStrings: number;
  /** label names already checked (with the colons they hold), so each distinct name is looked at once */
  readonly validNames: Map<string, number>;
}

function wellFormedGroup(item: unknown, scheme: NameValidationScheme, tally: WellFormedTally): DecodedGroup | undefined {
  if (!isPlainObject(item)) return undefined;
  let targets: string[] = [];
  let labels: LabelSet = {};
  for (const key in item) {
    tally.members++;
    const value = item[key];
    if (key === "targets" && Array.isArray(value) && value.every((t) => typeof t === "string")) {
      targets = value as string[];
      for (const target of targets) tally.colonsInStrings += countColons(target);
    } else if (key === "labels" && isPlainObject(value)) {
      const decoded = wellFormedLabels(value, scheme, tally);
      if (decoded === undefined) return undefined;
      labels = decoded;
    } else {
      return undefined;
    }
  }
  return { targets, labels };
}

function wellFormedLabels(object: Record<string, unknown>, scheme: NameValidationScheme, tally: WellFormedTally): LabelSet | undefined {
  const names = Object.keys(object);
  const values: string[] = new Array<string>(names.length);
  tally.members += names.length;
  for (let i = 0; i < names.length; i++) {
    const name = names[i] ?? "";
    const value = object[name];
    if (typeof value !== "string") return undefined;
    let nameColons = tally.validNames.get(name);
    if (nameColons === undefined) {
      if (!isValidLabelName(name, scheme)) return undefined;
      nameColons = countColons(name);
      tally.validNames.set(name, nameColons);
    }
    tally.colonsInStrings += nameColons + countColons(value);
    values[i] = value;
  }
  return labelSetFrom(names, values);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function countColons(text: string): number {
  let count = 0;
  for (let at = text.indexOf(":"); at >= 0; at = text.indexOf(":", at + 1)) count++;
  return count;
}

/** The Go-exact reader: slower, but it reproduces Go's result and error message for any input. */
function decodeGroupsJsonExactly(bytes: Buffer, scheme: NameValidationScheme): DecodedGroup[] {
  const reader = new GoJsonReader(bytes);
  // Groups are decoded as soon as each is parsed, so a big file never exists as one tree. Go checks the
  // syntax of the whole text before decoding, so a decoding error is only kept until the end: a syntax
  // error anywhere wins over it, and `nil target group item found` comes last of all.
  let failure: GroupDecodeError | undefined;
  let hasNil = false;
  const groups: DecodedGroup[] = [];
  let root: GoJsonValue;
  try {
    root = reader.document((item) => {
      if (failure !== undefined) return;
      if (item === null) hasNil = true;
      else {
        try {
          groups.push(decodeJsonGroup(item, scheme));
        } catch (error) {
          if (!(error instanceof GroupDecodeError)) throw error;
          failure = error;
        }
      }
    });
  } catch (error) {
    if (error instanceof GoJsonSyntaxError) throw new GroupDecodeError(error.message);
    throw error;
  }
  if (root === null) return [];
  if (!isArray(root)) throw new GroupDecodeError(`json: cannot unmarshal ${goKind(root)} into Go value of type ${GO_GROUP_LIST_TYPE}`);
  if (failure !== undefined) throw failure;
  if (hasNil) throw new GroupDecodeError(NIL_GROUP);
  return groups;
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
  if (key === "targets" || key === "labels") return key;
  const folded = key.replace(/[A-Z\u017f\u212a]/g, (c) => (c === "\u017f" ? "s" : c === "\u212a" ? "k" : c.toLowerCase()));
  return folded === "targets" || folded === "labels" ? folded : undefined;
}

function decodeJsonGroup(value: GoJsonValue, scheme: NameValidationScheme): DecodedGroup {
  if (!isObject(value)) throw new GroupDecodeError(`json: cannot unmarshal ${goKind(value)} into Go value of type ${GO_GROUP_JSON_TYPE}`);
  let saved: string | undefined; // Go keeps the first "saved" error and goes on decoding
  const save = (message: string): void => void (saved ??= message);
  let targets: string[] = [];
  let labels: LabelSet = {};
  for (let i = 0; i < value.keys.length; i++) {
    const key = value.keys[i] ?? "";
    const field = value.values[i] ?? null;
    const name = jsonFieldName(key);
    if (name === "targets") targets = decodeJsonTargets(field, save);
    else if (name === "labels") labels = decodeJsonLabels(field, scheme);
    else save(`json: unknown field ${goQuote(key)}`);
  }
  if (saved !== undefined) throw new GroupDecodeError(saved);
  return { targets, labels };
}

function decodeJsonTargets(value: GoJsonValue, save: (message: string) => void): string[] {
  if (value === null) return [];
  if (!isArray(value)) {
    save(`json: cannot unmarshal ${goKind(value)} into Go struct field .targets of type []string`);
    return [];
  }
  return value.items.map((item) => {
    if (typeof item === "string") return item;
    if (item !== null) save(`json: cannot unmarshal ${goKind(item)} into Go struct field .targets of type string`);
    return "";
  });
}

/** model.LabelSet.UnmarshalJSON: decode the whole map, then validate names; any error fails at once. */
function decodeJsonLabels(value: GoJsonValue, scheme: NameValidationScheme): LabelSet {
  if (value === null) return {};
  if (!isObject(value)) {
    throw new GroupDecodeError(`json: cannot unmarshal ${goKind(value)} into Go struct field .labels of type map[model.LabelName]model.LabelValue`);
  }
  const { keys, values } = value;
  const texts: string[] = [];
  let saved: string | undefined;
  for (const item of values) {
    if (typeof item === "string") texts.push(item);
    else {
      texts.push("");
      if (item !== null) saved ??= `json: cannot unmarshal ${goKind(item)} into Go struct field .labels of type model.LabelValue`;
    }
  }
  if (saved !== undefined) throw new GroupDecodeError(saved);
  // Go checks names in random map order; we report the first invalid one in document order.
  for (const name of keys) if (!isValidLabelName(name, scheme)) throw invalidName(name);
  return labelSetFrom(keys, texts);
}

/**
 * The canonical label set of `names[i] = values[i]`: a later duplicate wins, names in UTF-8 byte order,
 * empty values dropped (they mean "absent", core.md 1.5). Built with arrays, not a temporary dictionary:
 * files with 100k groups of 30 labels are normal.
 */
function labelSetFrom(names: readonly string[], values: readonly string[]): LabelSet {
  const order = sortOrder(names);
  const out: Record<string, string> = {};
  for (let k = 0; k < order.length; k++) {
    const i = order[k] ?? 0;
    const name = names[i] ?? "";
    if (names[order[k + 1] ?? -1] === name) continue; // a later duplicate follows and wins
    const v = values[i] ?? "";
    if (v !== "") setOwnLabel(out, name, v);
  }
  return out;
}

/** The last names sorted and their order: groups of one file usually repeat the same label names. */
let lastSorted: { names: readonly string[]; order: readonly number[] } = { names: [], order: [] };

/** Indexes of `names` in UTF-8 byte order of the names, equal names in document order. */
function sortOrder(names: readonly string[]): readonly number[] {
  const last = lastSorted;
  if (names.length === last.names.length && names.every((name, i) => name === last.names[i])) return last.order;
  const order = names.map((_, i) => i);
  if (!isStrictlyAscending(names)) {
    const hasSurrogates = names.some((name) => /[\ud800-\udfff]/.test(name));
    // Without surrogates UTF-16 order equals UTF-8 byte order and the native comparison is much faster.
    const compare = hasSurrogates ? compareUtf8 : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    order.sort((i, j) => compare(names[i] ?? "", names[j] ?? "") || i - j);
  }
  lastSorted = { names, order };
  return order;
}

function isStrictlyAscending(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) {
    const previous = names[i - 1] ?? "";
    const name = names[i] ?? "";
    if (previous >= name || /[\ud800-\udfff]/.test(name)) return false;
  }
  return names.length === 0 || !/[\ud800-\udfff]/.test(names[0] ?? "");
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

/** A scalar's string value; a fatal tag error (bad `!!binary`, `!!int abc`) fails the whole file, as in go-yaml. */
function scalarTextOf(node: YamlScalar): string {
  if (node.failure !== undefined) throw new GroupDecodeError(node.failure);
  return node.text;
}

function isNull(node: YamlNode): boolean {
  return node.kind === "scalar" && node.isNull;
}

/** go-yaml's `line N: cannot unmarshal !!tag `value` into T`, the value cut to 7 bytes when over 10. */
function yamlTypeError(node: YamlNode, goType: string): string {
  let shown = "";
  if (node.kind === "scalar") {
    const text = shownText(node);
    const bytes = Buffer.from(text, "utf8");
    shown = bytes.length > 10 ? ` \`${bytes.subarray(0, 7).toString("utf8")}...\`` : ` \`${text}\``;
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
    if (item.kind === "scalar") return scalarTextOf(item);
    errors.push(yamlTypeError(item, "string"));
    return "";
  });
}

function decodeYamlLabels(node: YamlNode, scheme: NameValidationScheme, errors: string[]): LabelSet {
  if (isNull(node)) return {};
  if (node.kind !== "map") {
    errors.push(yamlTypeError(node, "model.LabelSet"));
    return {};
  }
  for (const conflict of node.mergeConflicts ?? []) errors.push(`line ${conflict.line}: key ${goQuote(conflict.key)} already set in map`);
  const names: string[] = [];
  const values: string[] = [];
  const seen = new Set<string>();
  for (const { key, value, isNullKey = false, keyFailure } of node.entries) {
    // LabelName.UnmarshalYAML validates (and fails at once), but go-yaml never calls it for a null key, so
    // `~: x` really yields a label named "" (verified on 2.42).
    if (keyFailure !== undefined) throw new GroupDecodeError(keyFailure);
    const name = isNullKey ? "" : key;
    if (!isNullKey && !isValidLabelName(name, scheme)) throw invalidName(name);
    if (value.kind !== "scalar") {
      errors.push(yamlTypeError(value, "model.LabelValue"));
      continue;
    }
    if (seen.has(name)) {
      errors.push(`line ${value.line}: key ${goQuote(name)} already set in map`);
      continue;
    }
    seen.add(name);
    names.push(name);
    values.push(scalarTextOf(value));
  }
  return labelSetFrom(names, values);
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
// duplicate keys (Go reports errors in values a later duplicate overrides), its syntax messages differ from
// Go's, which users see in logs, and it decodes invalid UTF-8 differently.

/** A JSON value as far as decoding needs it: strings decoded; a number's value is irrelevant here. */
type GoJsonValue = string | boolean | number | null | GoJsonArray | GoJsonObject;
interface GoJsonArray {
  readonly kind: "array";
  readonly items: GoJsonValue[];
}
interface GoJsonObject {
  readonly kind: "object";
  /** Keys in document order, duplicates included; `values[i]` belongs to `keys[i]`. */
  readonly keys: string[];
  readonly values: GoJsonValue[];
}

function isArray(value: GoJsonValue): value is GoJsonArray {
  return typeof value === "object" && value !== null && value.kind === "array";
}

function isObject(value: GoJsonValue): value is GoJsonObject {
  return typeof value === "object" && value !== null && value.kind === "object";
}

/** The JSON type name Go's UnmarshalTypeError uses. */
function goKind(value: GoJsonValue): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
      return "string";
    case "boolean":
      return "bool";
    case "number":
      return "number";
    default:
      return value.kind;
  }
}

class GoJsonSyntaxError extends Error {}

const UNEXPECTED_END = "unexpected end of JSON input";
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const hexValue = (c: number): number => (isDigit(c) ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);
const SIMPLE_ESCAPES: Readonly<Record<number, string>> = { 0x22: '"', 0x5c: "\\", 0x2f: "/", 0x62: "\b", 0x66: "\f", 0x6e: "\n", 0x72: "\r", 0x74: "\t" };

/** A recursive-descent reader over bytes, as Go's scanner reads them; `#pos` is a byte offset. */
class GoJsonReader {
  #pos = 0;
  readonly #bytes: Buffer;
  readonly #length: number;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
    this.#length = bytes.length;
  }

  /**
   * Reads the whole text as Go's checkValid does (Go's syntax messages, whitespace = space/tab/CR/LF). When
   * the top-level value is an array, its elements go to `onItem` one by one and are not kept; the returned
   * array is then empty.
   */
  document(onItem: (item: GoJsonValue) => void): GoJsonValue {
    this.skipSpace();
    const value = this.#required() === 0x5b ? this.#array(onItem) : this.value();
    this.skipSpace();
    if (this.#pos < this.#length) this.fail("after top-level value");
    return value;
  }

  skipSpace(): void {
    while (this.#pos < this.#length && isSpace(this.#bytes[this.#pos] ?? 0)) this.#pos++;
  }

  /** `invalid character 'c' <context>` for the byte at `#pos`; at the end of input Go's scanner feeds a space. */
  fail(context: string): never {
    throw new GoJsonSyntaxError(`invalid character ${quoteGoByte(this.#bytes[this.#pos] ?? 0x20)} ${context}`);
  }

  /** The byte at `#pos` where the end of input is "unexpected end" (a structural position). */
  #required(): number {
    if (this.#pos >= this.#length) throw new GoJsonSyntaxError(UNEXPECTED_END);
    return this.#bytes[this.#pos] ?? 0;
  }

  #byte(): number {
    return this.#pos < this.#length ? (this.#bytes[this.#pos] ?? -1) : -1;
  }

  value(): GoJsonValue {
    this.skipSpace();
    const c = this.#required();
    if (c === 0x7b) return this.#object();
    if (c === 0x5b) return this.#array();
    if (c === QUOTE) return this.#string();
    if (c === 0x2d || isDigit(c)) return this.#number();
    if (c === 0x74) return this.#literal("true", true);
    if (c === 0x66) return this.#literal("false", false);
    if (c === 0x6e) return this.#literal("null", null);
    return this.fail("looking for beginning of value");
  }

  #object(): GoJsonObject {
    this.#pos++;
    const object: GoJsonObject = { kind: "object", keys: [], values: [] };
    this.skipSpace();
    if (this.#required() === 0x7d) {
      this.#pos++;
      return object;
    }
    for (;;) {
      if (this.#required() !== QUOTE) this.fail("looking for beginning of object key string");
      object.keys.push(this.#string());
      this.skipSpace();
      if (this.#required() !== 0x3a) this.fail("after object key");
      this.#pos++;
      object.values.push(this.value());
      this.skipSpace();
      const next = this.#required();
      if (next === 0x7d) {
        this.#pos++;
        return object;
      }
      if (next !== 0x2c) this.fail("after object key:value pair");
      this.#pos++;
      this.skipSpace();
    }
  }

  #array(onItem?: (item: GoJsonValue) => void): GoJsonArray {
    this.#pos++;
    const array: GoJsonArray = { kind: "array", items: [] };
    const add = onItem ?? ((item: GoJsonValue) => void array.items.push(item));
    this.skipSpace();
    if (this.#required() === 0x5d) {
      this.#pos++;
      return array;
    }
    for (;;) {
      add(this.value());
      this.skipSpace();
      const next = this.#required();
      if (next === 0x5d) {
        this.#pos++;
        return array;
      }
      if (next !== 0x2c) this.fail("after array element");
      this.#pos++;
    }
  }

  #literal<T extends GoJsonValue>(word: string, value: T): T {
    for (let i = 1; i < word.length; i++) {
      this.#pos++;
      if (this.#byte() !== word.charCodeAt(i)) this.fail(`in literal ${word} (expecting '${word[i] ?? ""}')`);
    }
    this.#pos++;
    return value;
  }

  #digits(): void {
    while (isDigit(this.#byte())) this.#pos++;
  }

  #number(): number {
    if (this.#byte() === 0x2d) this.#pos++;
    const first = this.#byte();
    if (!isDigit(first)) this.fail("in numeric literal");
    this.#pos++;
    if (first !== 0x30) this.#digits();
    if (this.#byte() === 0x2e) {
      this.#pos++;
      if (!isDigit(this.#byte())) this.fail("after decimal point in numeric literal");
      this.#digits();
    }
    const e = this.#byte();
    if (e === 0x65 || e === 0x45) {
      this.#pos++;
      const sign = this.#byte();
      if (sign === 0x2b || sign === 0x2d) this.#pos++;
      if (!isDigit(this.#byte())) this.fail("in exponent of numeric literal");
      this.#digits();
    }
    return 0;
  }

  /** A string literal starting at `"`, decoded as Go does. */
  #string(): string {
    const bytes = this.#bytes;
    const start = ++this.#pos;
    let isAscii = true;
    for (let i = start; i < this.#length; i++) {
      const c = bytes[i] ?? 0;
      if (c === QUOTE) {
        this.#pos = i + 1;
        return isAscii ? bytes.toString("latin1", start, i) : goUtf8(bytes, start, i);
      }
      if (c === BACKSLASH || c < 0x20) break;
      if (c >= 0x80) isAscii = false;
    }
    return this.#escapedString(start);
  }

  #escapedString(start: number): string {
    const bytes = this.#bytes;
    let out = "";
    let runStart = start;
    this.#pos = start;
    for (;;) {
      if (this.#pos >= this.#length) throw new GoJsonSyntaxError(UNEXPECTED_END);
      const c = bytes[this.#pos] ?? 0;
      if (c === QUOTE) {
        out += goUtf8(bytes, runStart, this.#pos);
        this.#pos++;
        return out;
      }
      if (c < 0x20) this.fail("in string literal");
      if (c !== BACKSLASH) {
        this.#pos++;
        continue;
      }
      out += goUtf8(bytes, runStart, this.#pos);
      this.#pos++;
      const e = this.#byte();
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.#pos++;
      } else if (e === 0x75) {
        out += this.#unicodeEscape();
      } else {
        this.fail("in string escape code");
      }
      runStart = this.#pos;
    }
  }

  /** `\uXXXX`, combining a valid surrogate pair; a lone surrogate becomes U+FFFD. `#pos` is on the `u`. */
  #unicodeEscape(): string {
    const unit = this.#hex4();
    if (unit >= 0xd800 && unit <= 0xdbff && this.#byte() === BACKSLASH && this.#bytes[this.#pos + 1] === 0x75) {
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
      const digit = hexValue(this.#byte());
      if (digit < 0) this.fail("in \\u hexadecimal character escape");
      unit = unit * 16 + digit;
    }
    this.#pos++;
    return unit;
  }
}

/**
 * Decodes bytes as Go's JSON decoder does: valid UTF-8 as is, every byte of an invalid sequence as one
 * U+FFFD (the WHATWG decoder behind Buffer#toString would merge some of them).
 */
function goUtf8(bytes: Buffer, start: number, end: number): string {
  const slice = bytes.subarray(start, end);
  if (isUtf8(slice)) return slice.toString("utf8");
  let out = "";
  for (let i = start; i < end; ) {
    const size = validSequenceLength(bytes, i, end);
    out += size === 0 ? "\ufffd" : bytes.toString("utf8", i, i + size);
    i += size === 0 ? 1 : size;
  }
  return out;
}

/** Length of the valid UTF-8 sequence at `i` (Go's utf8.DecodeRune rules), 0 when invalid. */
function validSequenceLength(bytes: Buffer, i: number, end: number): number {
  const b0 = bytes[i] ?? 0;
  if (b0 < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < end && (bytes[i + k] ?? 0) >= lo && (bytes[i + k] ?? 0) <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const [lo, hi] = b0 === 0xe0 ? [0xa0, 0xbf] : b0 === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const [lo, hi] = b0 === 0xf0 ? [0x90, 0xbf] : b0 === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
  }
  return 0;
}

/** Go's quoteChar: the byte as a code point (`é`'s first byte shows as 'Ã', a BOM's as 'ï'), Go-quoted. */
function quoteGoByte(byte: number): string {
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return "'\"'";
  return `'${goQuote(String.fromCharCode(byte)).slice(1, -1)}'`;
}
