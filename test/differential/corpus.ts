/**
 * The differential corpus: one folder per case under `cases/`, holding a `prometheus.yml`, any file_sd
 * files it references, and a `case.json` that names the jobs to compare and what promtool is expected to
 * print for them (so the corpus itself is checked against the oracle, not only promsd against promtool).
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SdEntry } from "../../src/testing/promtool.js";

export const CASES_DIR = fileURLToPath(new URL("./cases/", import.meta.url));
export const CONFIG_FILE = "prometheus.yml";

/** What promtool must print for one job; every field is optional and checked only when given. */
export interface JobExpectation {
  /** Exit code of both programs (default 0). */
  readonly exitCode: number;
  /** Substrings promtool's stderr must contain (and promsd's too, when `exitCode` is not 0). */
  readonly stderr: readonly string[];
  readonly active: number | undefined;
  readonly dropped: number | undefined;
  readonly failed: number | undefined;
  /** Each one must be a subset of the `labels` of some kept entry. */
  readonly labels: readonly Readonly<Record<string, string>>[];
  /** Label names no kept entry may carry. */
  readonly absentLabels: readonly string[];
}

export interface DifferentialCase {
  readonly name: string;
  readonly dir: string;
  readonly notes: string;
  readonly jobs: ReadonlyMap<string, JobExpectation>;
}

/** Reads every case folder; throws with the folder's name when a case.json is malformed. */
export function loadCases(dir: string = CASES_DIR): DifferentialCase[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      try {
        return parseCase(name, join(dir, name), JSON.parse(readFileSync(join(dir, name, "case.json"), "utf8")));
      } catch (error) {
        throw new Error(`case ${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    });
}

function parseCase(name: string, dir: string, value: unknown): DifferentialCase {
  const root = record(value, "case.json");
  onlyKeys(root, ["notes", "jobs"], "case.json");
  const jobsValue = record(root["jobs"], "jobs");
  const jobs = new Map<string, JobExpectation>();
  for (const [job, spec] of Object.entries(jobsValue)) jobs.set(job, parseExpectation(record(spec, `jobs.${job}`), job));
  if (jobs.size === 0) throw new Error("jobs is empty");
  return { name, dir, notes: typeof root["notes"] === "string" ? root["notes"] : "", jobs };
}

function parseExpectation(spec: Record<string, unknown>, job: string): JobExpectation {
  const at = `jobs.${job}`;
  onlyKeys(spec, ["exitCode", "stderr", "active", "dropped", "failed", "labels", "absentLabels"], at);
  return {
    exitCode: optionalCount(spec["exitCode"], `${at}.exitCode`) ?? 0,
    stderr: stringList(spec["stderr"], `${at}.stderr`),
    active: optionalCount(spec["active"], `${at}.active`),
    dropped: optionalCount(spec["dropped"], `${at}.dropped`),
    failed: optionalCount(spec["failed"], `${at}.failed`),
    labels: list(spec["labels"], `${at}.labels`).map((l, i) => stringRecord(l, `${at}.labels[${i}]`)),
    absentLabels: stringList(spec["absentLabels"], `${at}.absentLabels`),
  };
}

export type EntryKind = "active" | "dropped" | "failed";

/** promtool marks failures with `error`; a dropped target has empty `labels`; everything else is kept. */
export function entryKind(entry: SdEntry): EntryKind {
  if (entry.error !== undefined) return "failed";
  return Object.keys(entry.labels).length === 0 ? "dropped" : "active";
}

/** Checks promtool's entries for one job against its expectation; returns readable problems (none = ok). */
export function checkExpectation(entries: readonly SdEntry[], want: JobExpectation): string[] {
  const problems: string[] = [];
  const counts: Record<EntryKind, number> = { active: 0, dropped: 0, failed: 0 };
  for (const entry of entries) counts[entryKind(entry)]++;
  for (const kind of ["active", "dropped", "failed"] as const) {
    const expected = want[kind];
    if (expected !== undefined && counts[kind] !== expected) problems.push(`${kind}: got ${counts[kind]}, want ${expected}`);
  }
  const kept = entries.filter((e) => entryKind(e) === "active");
  for (const subset of want.labels) {
    const found = kept.some((e) => Object.entries(subset).every(([k, v]) => e.labels[k] === v));
    if (!found) problems.push(`no kept entry has labels ${JSON.stringify(subset)}`);
  }
  for (const name of want.absentLabels) {
    const carrier = kept.find((e) => name in e.labels);
    if (carrier) problems.push(`label ${name} should be absent but ${JSON.stringify(carrier.labels)} has it`);
  }
  return problems;
}

function record(value: unknown, at: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`${at} must be an object`);
  return Object.fromEntries(Object.entries(value));
}

function onlyKeys(value: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) throw new Error(`${at}: unknown keys ${unknown.join(", ")}`);
}

function list(value: unknown, at: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${at} must be a list`);
  return value;
}

function stringList(value: unknown, at: string): string[] {
  return list(value, at).map((v, i) => {
    if (typeof v !== "string") throw new Error(`${at}[${i}] must be a string`);
    return v;
  });
}

function stringRecord(value: unknown, at: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value, at))) {
    if (typeof v !== "string") throw new Error(`${at}.${k} must be a string`);
    out[k] = v;
  }
  return out;
}

function optionalCount(value: unknown, at: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new Error(`${at} must be a count`);
  return value;
}
