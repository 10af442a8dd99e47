/**
 * `promsd check config <file>…`, shaped like `promtool check config` (spec core.md 5.8): for each file
 * `Checking <file>` on stdout, then ` SUCCESS: <file> is valid prometheus config file syntax` (stdout) or
 * `  FAILED: <message>` (stderr), then an empty line; exit code 1 when any file failed. Where promtool prints
 * `parsing YAML file <file>: <problem>`, promsd prints its own message, which adds line, YAML path and a hint
 * around the same Prometheus text. Warnings (e.g. mechanisms promsd does not implement) go to stdout.
 */
import { loadConfigFile } from "../config/prometheus-config.js";
import { ConfigError } from "../errors.js";
import type { Profile } from "../profile.js";

export interface CheckConfigIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export interface CheckConfigOptions {
  readonly profile: Profile;
}

/** Checks every file in order; resolves to the exit code (0 all valid, 1 otherwise). */
export async function runCheckConfig(files: readonly string[], io: CheckConfigIo, options: CheckConfigOptions): Promise<number> {
  let exitCode = 0;
  for (const file of files) {
    io.stdout(`Checking ${file}\n`);
    try {
      const config = await loadConfigFile(file, { profile: options.profile });
      for (const warning of config.warnings) io.stdout(`  WARNING: ${warning.at.describe()}: ${warning.message}\n`);
      io.stdout(` SUCCESS: ${file} is valid prometheus config file syntax\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr(`  FAILED: ${error.message}\n`);
      exitCode = 1;
    }
    io.stdout("\n");
  }
  return exitCode;
}
