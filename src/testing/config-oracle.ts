/**
 * `promtool check config` (Prometheus 2.42) and promsd's config loader on the same file, reduced to a
 * comparable verdict: accepted, or rejected with Prometheus's message (the text promtool prints after
 * `parsing YAML file <file>: `, which is ConfigError.problem on promsd's side).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { parseConfigText } from "../config/prometheus-config.js";
import { ConfigError } from "../errors.js";
import type { Profile } from "../profile.js";
import { assertPromtoolInstalled, PROMTOOL_PATH } from "./promtool.js";
import { writeFiles } from "./temp-dir.js";

export interface ConfigVerdict {
  readonly ok: boolean;
  /** promtool's message without `parsing YAML file <file>: `. */
  readonly message: string;
}

export function promtoolCheckConfig(dir: string, file: string): ConfigVerdict {
  const run = spawnSync(PROMTOOL_PATH, ["check", "config", file], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  const failed = /^ {2}FAILED: (?:parsing YAML file [^:]+: )?([\s\S]*?)\n?$/.exec(run.stderr);
  return { ok: run.status === 0, message: failed?.[1] ?? "" };
}

export function promsdCheckConfig(dir: string, file: string, yaml: string, profile: Profile = "v2.42"): ConfigVerdict {
  try {
    parseConfigText(yaml, join(dir, file), { profile });
    return { ok: true, message: "" };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, message: error.problem };
    throw error;
  }
}

/** One SD block of a mechanism's config cases (its YAML mapping, one key per line, no indentation). */
export interface ConfigOracleCase {
  readonly name: string;
  readonly block: string;
}

/**
 * Writes each case as a one-job config (`sdKey: [block]`) and returns every case where promsd (v2.42
 * loading) and promtool check config disagree, as readable lines (empty when all agree). Only config
 * loading runs: no discoverer starts, nothing is contacted.
 */
export async function configOracleMismatches(dir: string, sdKey: string, cases: readonly ConfigOracleCase[]): Promise<string[]> {
  assertPromtoolInstalled();
  const files = cases.map((c, i) => {
    const lines = c.block.split("\n").map((line, n) => `${n === 0 ? "      - " : "        "}${line}`);
    return [`oracle-${i}.yml`, `scrape_configs:\n  - job_name: j\n    ${sdKey}:\n${lines.join("\n")}\n`] as const;
  });
  await writeFiles(dir, Object.fromEntries(files));
  const mismatches: string[] = [];
  for (const [i, [file, yaml]] of files.entries()) {
    const reference = promtoolCheckConfig(dir, file);
    const ours = promsdCheckConfig(dir, file, yaml);
    if (ours.ok !== reference.ok || ours.message !== reference.message) mismatches.push(`${cases[i]?.name}: promtool ${JSON.stringify(reference)} vs promsd ${JSON.stringify(ours)}`);
  }
  return mismatches;
}
