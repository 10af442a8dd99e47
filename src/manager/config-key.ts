/**
 * Provider identity (core.md 2.2): two SD configs are the same provider when their parsed values are deeply
 * equal, as Prometheus's `reflect.DeepEqual` decides. We compare through a canonical serialisation so the pool
 * can index providers by a string key.
 */
import { createHash } from "node:crypto";
import { Secret } from "../config/secret.js";

/**
 * A canonical, deterministic string for a parsed config value: object keys sorted, Map and Set entries sorted,
 * bigint written as a tagged string, `undefined` object members skipped (an absent and an undefined field are
 * the same config). A `Secret` becomes a sha256 of its value: configs that differ only in a secret are
 * different providers, yet the key never holds the plaintext (keys show up in debug output). Throws on cycles.
 */
export function canonicalConfigKey(value: unknown): string {
  return serialise(value, new Set<object>());
}

function serialise(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case "undefined":
      return "undefined";
    case "string":
      return JSON.stringify(value);
    case "number":
      // JSON.stringify maps NaN and ±Infinity to null; keep them distinct.
      return Number.isFinite(value) ? JSON.stringify(value) : `number:${String(value)}`;
    case "bigint":
      return `bigint:${value.toString()}`;
    case "boolean":
      return value ? "true" : "false";
    case "symbol":
      return `symbol:${value.description ?? ""}`;
    case "function":
      return `function:${value.name}`;
    case "object":
      return value === null ? "null" : serialiseObject(value, seen);
  }
}

function serialiseObject(value: object, seen: Set<object>): string {
  if (value instanceof Secret) return `secret:${createHash("sha256").update(value.reveal()).digest("hex")}`;
  if (value instanceof Date) return `date:${value.toISOString()}`;
  if (value instanceof RegExp) return `regexp:${value.toString()}`;
  if (value instanceof URL) return `url:${JSON.stringify(value.href)}`;
  if (ArrayBuffer.isView(value)) return `bytes:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
  if (seen.has(value)) throw new TypeError("cannot build a provider key for a cyclic config value");
  seen.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((v: unknown) => serialise(v, seen)).join(",")}]`;
    if (value instanceof Map) {
      const entries = [...value.entries()].map(([k, v]: [unknown, unknown]) => `${serialise(k, seen)}=>${serialise(v, seen)}`);
      return `map{${entries.sort().join(",")}}`;
    }
    if (value instanceof Set) return `set{${[...value].map((v: unknown) => serialise(v, seen)).sort().join(",")}}`;
    return serialisePlainObject(value, seen);
  } finally {
    seen.delete(value);
  }
}

function serialisePlainObject(value: object, seen: Set<object>): string {
  const proto: unknown = Object.getPrototypeOf(value);
  // Class instances carry their class name so two unrelated types with the same fields stay distinct.
  const tag = proto === Object.prototype || proto === null ? "" : (value.constructor?.name ?? "anonymous");
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member: unknown = (value as Record<string, unknown>)[key]; // `as`: Object.keys lists own string keys
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${serialise(member, seen)}`);
  }
  return `${tag}{${members.join(",")}}`;
}
