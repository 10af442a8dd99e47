/**
 * Reading a vendor's JSON the way a Go SDK's `encoding/json` structs read it, for the plain-HTTP cloud
 * mechanisms: field names match case-insensitively (the last match wins), unknown fields are ignored,
 * `null` or a missing field is the zero value, and a value of the wrong type fails the whole answer
 * (so a refresh fails instead of producing targets Prometheus would not).
 */
import { SourceError } from "../errors.js";

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "number" ? `number ${value}` : typeof value;
}

function mismatch(value: unknown, goType: string, field: string): SourceError {
  return new SourceError("PROMSD_SOURCE_BAD_BODY", `json: cannot unmarshal ${kindOf(value)} into Go struct field ${field} of type ${goType}`);
}

/** A JSON object seen as a Go struct named `goType`. */
export class GoStruct {
  readonly #fields = new Map<string, unknown>();

  private constructor(readonly goType: string, object: Readonly<Record<string, unknown>>) {
    for (const [key, item] of Object.entries(object)) this.#fields.set(key.toLowerCase(), item);
  }

  /** `value` as a struct; null reads as an empty struct, anything else but an object fails. */
  static of(value: unknown, goType: string, field = goType): GoStruct {
    if (value === null || value === undefined) return new GoStruct(goType, {});
    if (typeof value !== "object" || Array.isArray(value)) throw mismatch(value, goType, field);
    return new GoStruct(goType, value as Record<string, unknown>); // checked: a non-array object
  }

  #field(key: string): string {
    return `${this.goType}.${key}`;
  }

  raw(key: string): unknown {
    return this.#fields.get(key.toLowerCase());
  }

  has(key: string): boolean {
    const value = this.raw(key);
    return value !== undefined && value !== null;
  }

  string(key: string): string {
    const value = this.raw(key);
    if (value === undefined || value === null) return "";
    if (typeof value !== "string") throw mismatch(value, "string", this.#field(key));
    return value;
  }

  bool(key: string): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null) return false;
    if (typeof value !== "boolean") throw mismatch(value, "bool", this.#field(key));
    return value;
  }

  /** A Go integer field (int, int64): fractions fail. */
  int(key: string, goType = "int"): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return 0;
    if (typeof value !== "number" || !Number.isInteger(value) || (goType.startsWith("uint") && value < 0)) throw mismatch(value, goType, this.#field(key));
    return value;
  }

  /** A Go float field (float32, float64). */
  float(key: string, goType = "float64"): number {
    const value = this.raw(key);
    if (value === undefined || value === null) return 0;
    if (typeof value !== "number") throw mismatch(value, goType, this.#field(key));
    return value;
  }

  /** A nested struct; null or absent reads as an empty struct. */
  struct(key: string, goType: string): GoStruct {
    return GoStruct.of(this.raw(key), goType, this.#field(key));
  }

  /** A pointer to a struct: undefined when null or absent. */
  pointer(key: string, goType: string): GoStruct | undefined {
    return this.has(key) ? this.struct(key, goType) : undefined;
  }

  /** A slice; null or absent reads as empty. */
  list(key: string, goType = "[]"): readonly unknown[] {
    const value = this.raw(key);
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw mismatch(value, goType, this.#field(key));
    return value;
  }

  structs(key: string, goType: string): GoStruct[] {
    return this.list(key, `[]${goType}`).map((item) => GoStruct.of(item, goType, this.#field(key)));
  }

  strings(key: string): string[] {
    return this.list(key, "[]string").map((item) => {
      if (item === null) return "";
      if (typeof item !== "string") throw mismatch(item, "string", this.#field(key));
      return item;
    });
  }

  /** A `map[string]string`; keys keep their case. */
  stringMap(key: string): Record<string, string> {
    const value = this.raw(key);
    if (value === undefined || value === null) return {};
    if (typeof value !== "object" || Array.isArray(value)) throw mismatch(value, "map[string]string", this.#field(key));
    const out: Record<string, string> = {};
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) { // checked: a non-array object
      if (item === null) out[name] = "";
      else if (typeof item !== "string") throw mismatch(item, "string", this.#field(key));
      else out[name] = item;
    }
    return out;
  }
}

/** A top-level JSON array of structs (robot's `/server` answer, …). */
export function goStructList(value: unknown, goType: string): GoStruct[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw mismatch(value, `[]${goType}`, goType);
  return value.map((item) => GoStruct.of(item, goType));
}

/** Go's `net.JoinHostPort`: brackets a host that contains a colon. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
