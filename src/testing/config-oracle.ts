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
import { PROMTOOL_PATH } from "./promtool.js";

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
