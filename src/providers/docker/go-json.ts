/**
 * Reading Engine API JSON the way Go's encoding/json fills the Docker client's structs: a missing or null
 * field is the zero value, keys match case-insensitively when there is no exact match, and a value of the
 * wrong type fails the whole response (`json: cannot unmarshal number into Go value of type string`).
 * Used by the docker and dockerswarm providers, which read only the fields Prometheus reads.
 */
import { SourceError } from "../../errors.js";

export type JsonObject = Readonly<Record<string, unknown>>;

const EMPTY: JsonObject = Object.freeze({});

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (typeof value === "object") return "object";
  return typeof value === "boolean" ? "bool" : typeof value;
}

function typeMismatch(value: unknown, goType: string, field: string): SourceError {
  return new SourceError("PROMSD_SOURCE_DOCKER_BODY", `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${field} of type ${goType}`);
}

function lookup(object: JsonObject, key: string): unknown {
  if (Object.hasOwn(object, key)) return object[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(object)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

/** A JSON object (null → empty object). */
export function asObject(value: unknown, field: string): JsonObject {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value !== "object" || Array.isArray(value)) throw typeMismatch(value, "struct", field);
  return value as JsonObject; // checked just above: a non-array, non-null object
}

/** A JSON array (null → empty). */
export function asArray(value: unknown, field: string): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) throw typeMismatch(value, "[]", field);
  return value;
}

export function objectField(object: JsonObject, key: string): JsonObject {
  return asObject(lookup(object, key), key);
}

/** Whether the field is present and not null (Go's pointer fields: `*ContainerSpec`, `*UpdateStatus`). */
export function hasField(object: JsonObject, key: string): boolean {
  const value = lookup(object, key);
  return value !== null && value !== undefined;
}

export function arrayField(object: JsonObject, key: string): readonly unknown[] {
  return asArray(lookup(object, key), key);
}

export function stringField(object: JsonObject, key: string): string {
  const value = lookup(object, key);
  if (value === null || value === undefined) return "";
  if (typeof value !== "string") throw typeMismatch(value, "string", key);
  return value;
}

export function numberField(object: JsonObject, key: string): number {
  const value = lookup(object, key);
  if (value === null || value === undefined) return 0;
  if (typeof value !== "number") throw typeMismatch(value, "int", key);
  return value;
}

export function boolField(object: JsonObject, key: string): boolean {
  const value = lookup(object, key);
  if (value === null || value === undefined) return false;
  if (typeof value !== "boolean") throw typeMismatch(value, "bool", key);
  return value;
}

/** A `map[string]string` field (labels); entries in JSON order. */
export function stringMapField(object: JsonObject, key: string): [string, string][] {
  return Object.entries(objectField(object, key)).map(([name, value]) => {
    if (value === null) return [name, ""];
    if (typeof value !== "string") throw typeMismatch(value, "string", `${key}.${name}`);
    return [name, value];
  });
}

/** Go's net.JoinHostPort: brackets around hosts that contain a colon. */
export function joinHostPort(host: string, port: string | number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
