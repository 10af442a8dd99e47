/**
 * Strict, typed reading of YAML maps, mirroring go-yaml's UnmarshalStrict as Prometheus uses it: unknown
 * keys and duplicate keys are errors, string fields take raw scalar text, null means "unset". Every error is
 * a ConfigError naming file, line, YAML path, Prometheus's own message and a hint.
 *
 * Usage: open a reader on a map node, read each known key once, then `finish()` to reject the rest.
 */
import { ConfigError } from "../errors.js";
import type { Profile } from "../profile.js";
import { DurationError, parseDuration } from "./duration.js";
import { ConfigLocation } from "../yaml/location.js";
import { Secret } from "./secret.js";
import { goYamlTag, scalarKind, scalarText, shownText, tagFailure, type YamlEntry, type YamlNode, type YamlScalar } from "../yaml/yaml-node.js";

/** Context shared by every config parser: where relative paths resolve, and which Prometheus to mimic. */
export interface ParseContext {
  /** Directory of the file being parsed; relative paths (file_sd `files`, `*_file`) join with it. */
  readonly configDir: string;
  readonly profile: Profile;
}

/** A list element with its location. */
export interface Located<T> {
  readonly value: T;
  readonly at: ConfigLocation;
}

export class MapReader {
  readonly #entries = new Map<string, YamlEntry>();
  readonly #consumed = new Set<string>();

  private constructor(
    readonly at: ConfigLocation,
    readonly typeName: string,
    entries: readonly YamlEntry[],
  ) {
    for (const entry of entries) {
      // go-yaml decodes every key of a map it decodes, so a bad tagged key fails the load here.
      if (entry.keyFailure !== undefined) throw tagFailure(entry.keyFailure, at.key(entry.key, entry.keyLine));
      if (this.#entries.has(entry.key)) {
        throw new ConfigError(at.key(entry.key, entry.keyLine), `yaml: unmarshal errors:\n  line ${entry.keyLine}: field ${entry.key} already set in type ${typeName}`, "remove one of the duplicate keys");
      }
      this.#entries.set(entry.key, entry);
    }
  }

  /** Opens `node` as a map of Go type `typeName`. A null node reads as an empty map. */
  static open(node: YamlNode | undefined, at: ConfigLocation, typeName: string): MapReader {
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return new MapReader(at, typeName, []);
    if (node.kind !== "map") throw typeError(node, at, typeName);
    return new MapReader(at.line === 0 ? relocate(at, node.line) : at, typeName, node.entries);
  }

  has(key: string): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && !(entry.value.kind === "scalar" && entry.value.isNull);
  }

  /** Whether the key is written at all, even as null (`regex:` with no value). */
  isWritten(key: string): boolean {
    return this.#entries.has(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** The location of `key` (its line when present, else the map's). */
  atKey(key: string): ConfigLocation {
    const entry = this.#entries.get(key);
    return this.at.key(key, entry?.value.line || entry?.keyLine || this.at.line);
  }

  /** The raw node of `key`, or undefined when absent. Marks the key as known. */
  node(key: string): YamlNode | undefined {
    this.#consumed.add(key);
    return this.#entries.get(key)?.value;
  }

  /** A string field: raw scalar text; null or absent → undefined. */
  string(key: string): string | undefined {
    const node = this.node(key);
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return undefined;
    if (node.kind !== "scalar") throw typeError(node, this.atKey(key), "string");
    return scalarText(node, this.atKey(key));
  }

  /** A scalar field decoded into a typed Go field (bool, ints, floats); null or absent → undefined. */
  #typedScalar(key: string, goType: string): YamlScalar | undefined {
    const node = this.node(key);
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return undefined;
    // A list or map where a number or bool belongs: go-yaml names the field's type (`into int`), not string.
    if (node.kind !== "scalar") throw typeError(node, this.atKey(key), goType);
    scalarText(node, this.atKey(key)); // a fatal tag error comes before the type check, as in go-yaml
    return node;
  }

  stringOr(key: string, fallback: string): string {
    return this.string(key) ?? fallback;
  }

  /** A Go bool: only a scalar that resolves to a bool (`true`, `yes`, `!!bool on`; not `"true"` or `!!str true`). */
  bool(key: string): boolean | undefined {
    const node = this.#typedScalar(key, "bool");
    if (node === undefined) return undefined;
    const resolved = scalarKind(node);
    if (resolved.kind !== "bool") throw this.#scalarTypeError(key, "bool", "write true or false");
    return resolved.value === true;
  }

  /**
   * A non-negative count that fits a JS number (Go `uint`/`uint64` limits such as `sample_limit`);
   * `goType` names the Go type in the error (`cannot unmarshal !!int \`-1\` into uint`).
   */
  count(key: string, goType = "uint"): number | undefined {
    const value = this.#whole(key, goType, "write a whole number, 0 or more", true);
    if (value === undefined) return undefined;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.#scalarTypeError(key, goType, "write a whole number, 0 or more");
    return Number(value);
  }

  /**
   * go-yaml's integer decoding: a resolved int (any base), or a float truncated (`1.5` is 1), within the
   * Go type's range; anything else (a string, `"5"`, `!!str 5`) is a type error.
   */
  #whole(key: string, goType: string, hint: string, isUnsigned: boolean): bigint | undefined {
    const node = this.#typedScalar(key, goType);
    if (node === undefined) return undefined;
    const resolved = scalarKind(node);
    let value: bigint | undefined;
    if (resolved.kind === "int") value = BigInt(resolved.value as number | bigint);
    else if (resolved.kind === "float" && Number.isFinite(resolved.value)) value = BigInt(Math.trunc(resolved.value as number));
    const inRange = value !== undefined && (isUnsigned ? value >= 0n && value < 1n << 64n : value >= -(1n << 63n) && value < 1n << 63n);
    if (!inRange) throw this.#scalarTypeError(key, goType, hint);
    return value;
  }

  #scalarTypeError(key: string, goType: string, hint: string): ConfigError {
    const node = this.#entries.get(key)?.value;
    const at = this.atKey(key);
    const tag = node ? goYamlTag(node) : "!!str";
    const text = node?.kind === "scalar" ? shortValue(shownText(node)) : "";
    return new ConfigError(at, `yaml: unmarshal errors:\n  line ${at.line}: cannot unmarshal ${tag} \`${text}\` into ${goType}`, hint);
  }

  /** A non-negative integer field (uint64 in Go), as BigInt to keep every bit. */
  uint(key: string): bigint | undefined {
    return this.#whole(key, "uint64", "write a whole number", true);
  }

  /** A signed integer field that fits a JS number (counts, limits). */
  int(key: string): number | undefined {
    const value = this.#whole(key, "int", "write a whole number", false);
    if (value === undefined) return undefined;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) throw this.#scalarTypeError(key, "int", "write a whole number");
    return Number(value);
  }

  /** A Prometheus duration in milliseconds (spec core.md 5.6). */
  duration(key: string, profile: Profile): number | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    try {
      return parseDuration(text, profile);
    } catch (error) {
      if (!(error instanceof DurationError)) throw error;
      throw new ConfigError(this.atKey(key), error.message, `write a duration such as "30s", "5m" or "1h30m"`, { cause: error });
    }
  }

  /** A `<secret>` field. Go's Secret unmarshals through `type plain Secret`, hence its type errors say `config.plain`. */
  secret(key: string): Secret | undefined {
    const node = this.node(key);
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return undefined;
    if (node.kind !== "scalar") throw typeError(node, this.atKey(key), "config.plain");
    return new Secret(scalarText(node, this.atKey(key)));
  }

  /** A list of strings; null elements read as "". */
  stringList(key: string): string[] | undefined {
    return this.list(key, "[]string")?.map(({ value, at }) => {
      if (value.kind !== "scalar") throw typeError(value, at, "string");
      return scalarText(value, at);
    });
  }

  /**
   * List elements with their locations; a null list reads as undefined, a scalar is a type error naming
   * `goType` (`cannot unmarshal !!str \`a\` into []string`).
   */
  list(key: string, goType = "[]"): Located<YamlNode>[] | undefined {
    const node = this.node(key);
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return undefined;
    const at = this.atKey(key);
    if (node.kind !== "seq") throw typeError(node, at, goType);
    return node.items.map((item, i) => ({ value: item, at: at.index(i, item.line || at.line) }));
  }

  /** A nested struct. */
  map(key: string, typeName: string): MapReader | undefined {
    const node = this.node(key);
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return undefined;
    return MapReader.open(node, this.atKey(key), typeName);
  }

  /** A map of string → string (label sets, headers). Null values read as "". */
  stringMap(key: string): Map<string, string> | undefined {
    const node = this.node(key);
    if (node === undefined || (node.kind === "scalar" && node.isNull)) return undefined;
    const at = this.atKey(key);
    if (node.kind !== "map") throw typeError(node, at, "map[string]string");
    const conflict = node.mergeConflicts?.[0];
    if (conflict !== undefined) {
      throw new ConfigError(at.key(conflict.key, conflict.line), `yaml: unmarshal errors:\n  line ${conflict.line}: key ${JSON.stringify(conflict.key)} already set in map`, "a key set by a merge (<<) cannot be set again in a map");
    }
    const out = new Map<string, string>();
    for (const entry of node.entries) {
      const entryAt = at.key(entry.key, entry.keyLine);
      if (entry.keyFailure !== undefined) throw tagFailure(entry.keyFailure, entryAt);
      if (out.has(entry.key)) throw new ConfigError(entryAt, `yaml: unmarshal errors:\n  line ${entry.keyLine}: key ${JSON.stringify(entry.key)} already set in map`, "remove the duplicate key");
      if (entry.value.kind !== "scalar") throw typeError(entry.value, entryAt, "string");
      out.set(entry.key, scalarText(entry.value, entryAt));
    }
    return out;
  }

  /**
   * Rejects every key that no reader method asked for, as go-yaml's strict mode does: one error listing
   * every unknown key of this map in document order, located at the first.
   */
  finish(): void {
    const unknown = [...this.#entries.values()].filter((entry) => !this.#consumed.has(entry.key));
    const first = unknown[0];
    if (first === undefined) return;
    const lines = unknown.map((entry) => `\n  line ${entry.keyLine}: field ${entry.key} not found in type ${this.typeName}`);
    const suggestion = closest(first.key, [...this.#consumed]);
    throw new ConfigError(
      this.at.key(first.key, first.keyLine),
      `yaml: unmarshal errors:${lines.join("")}`,
      suggestion ? `did you mean "${suggestion}"?` : "remove it or check its indentation",
    );
  }
}

function relocate(at: ConfigLocation, line: number): ConfigLocation {
  return line > 0 ? new ConfigLocation(at.file, line, at.path) : at;
}

/** go-yaml's type mismatch message, e.g. `cannot unmarshal !!seq into string`. */
export function typeError(node: YamlNode, at: ConfigLocation, goType: string): ConfigError {
  const shown = node.kind === "scalar" ? ` \`${shortValue(shownText(node))}\`` : "";
  return new ConfigError(at, `yaml: unmarshal errors:\n  line ${node.line || at.line}: cannot unmarshal ${goYamlTag(node)}${shown} into ${goType}`, `expected ${describeGoType(goType)}`);
}

/** go-yaml shortens values longer than 10 bytes in type errors to their first 7 and `...`. */
function shortValue(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return bytes.length > 10 ? `${bytes.subarray(0, 7).toString("utf8")}...` : text;
}

function describeGoType(goType: string): string {
  if (goType === "string") return "a single value";
  if (goType.startsWith("[]")) return "a list";
  return "a map of keys";
}

/** Go's YAML integer syntax: decimal, 0x, 0o/leading-0 octal, 0b, with `_` separators. */
export function parseGoUint(text: string): bigint | undefined {
  const t = text.replace(/_/g, "").replace(/^\+/, "");
  let value: bigint;
  if (/^0x[0-9a-fA-F]+$/.test(t)) value = BigInt(t);
  else if (/^0b[01]+$/.test(t)) value = BigInt(t);
  else if (/^0o?[0-7]+$/.test(t)) value = BigInt(`0o${t.replace(/^0o?/, "")}`);
  else if (/^[0-9]+$/.test(t)) value = BigInt(t);
  else return undefined;
  return value < 1n << 64n ? value : undefined;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}
