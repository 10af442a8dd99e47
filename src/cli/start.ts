/**
 * `promsd start`. Until the daemon is wired in, it writes the embedded example (static targets + file_sd
 * over a small folder) to a directory, runs `promsd sd` over every job of it and prints where things are,
 * so a first run shows what promsd does with nothing to configure.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { loadConfigFile } from "../config/prometheus-config.js";
import { createLogger } from "../logging.js";
import { parseProfile } from "../profile.js";
import { formatPromtool, promtoolEntries } from "../targets/promtool-format.js";
import { parseArgs, parseGoDuration } from "./args.js";
import { EXAMPLE_CONFIG, EXAMPLE_FILES } from "./example.js";
import type { CliIo } from "./io.js";
import { collectJobGroups } from "./sd.js";

export const START_USAGE = `usage: promsd start [<flags>]

The promsd daemon is not part of this build yet. For now, "start" writes an example configuration
(static targets and file_sd over a small folder), runs service discovery for each of its jobs and
prints the results as "promsd sd" does, together with the paths to try "promsd sd" on yourself.

Flags:
  --dir=<path>        Where to write the example (default: a new folder under the system temp dir).
  --timeout=5s        Per-job discovery timeout (Go duration).
  --profile=v3        Which Prometheus to mimic: v3 (default) or v2.42.
  --help              Show this help.
`;

/** Writes the example files into `dir` (created when missing); returns the main config's path. */
export async function writeExample(dir: string): Promise<string> {
  for (const [name, text] of Object.entries(EXAMPLE_FILES)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  return join(dir, EXAMPLE_CONFIG);
}

export async function runStartCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ["dir", "timeout", "profile"], []);
  if (args.flags.has("help")) {
    io.stdout(START_USAGE);
    return 0;
  }
  const timeoutMs = parseGoDuration(args.values.get("timeout") ?? "5s");
  const profile = parseProfile(args.values.get("profile") ?? "v3");
  const requestedDir = args.values.get("dir");
  const dir = requestedDir === undefined ? await mkdtemp(join(tmpdir(), "promsd-example-")) : resolve(requestedDir);
  const configPath = await writeExample(dir);
  io.stdout(
    "promsd start: the daemon is not part of this build yet; showing service discovery for the example instead.\n" +
      `  example folder: ${dir}\n  config:         ${configPath}\n  file_sd folder: ${join(dir, "targets")}\n` +
      `  try:            promsd sd ${configPath} services --explain\n`,
  );
  const config = await loadConfigFile(configPath, { profile });
  const logger = io.logger ?? createLogger({ level: "warn", format: "logfmt" });
  for (const job of config.scrapeConfigs) {
    const recorded = await collectJobGroups(job, { timeoutMs, logger });
    io.stdout(`\n== job ${job.jobName} (promsd sd ${configPath} ${job.jobName}) ==\n`);
    io.stdout(`${formatPromtool(promtoolEntries(recorded, job, profile), profile)}\n`);
  }
  return 0;
}
