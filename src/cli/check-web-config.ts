/**
 * `promsd check web-config <files>...`, as `promtool check web-config`: each file is loaded as the daemon
 * would load it (TLS files read, the key pair checked, bcrypt hashes validated); `<file> SUCCESS` or
 * `<file> FAILED: <problem> (at file:line: key)` on stderr, exit 1 when any failed.
 */
import { ConfigError } from "../errors.js";
import { loadWebConfigFile } from "../outputs/web-config/web-config-source.js";
import type { Profile } from "../profile.js";
import type { CliIo } from "./io.js";

export async function runCheckWebConfig(files: readonly string[], io: CliIo, options: { profile: Profile }): Promise<number> {
  let failed = false;
  for (const file of files) {
    try {
      await loadWebConfigFile(file, options.profile);
      io.stderr(`${file} SUCCESS\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      failed = true;
      io.stderr(`${file} FAILED: ${error.problem} (at ${error.at.describe()})\n`);
    }
  }
  return failed ? 1 : 0;
}
