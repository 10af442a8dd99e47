/**
 * Subcommand dispatch for the `promsd` binary (kept apart from main.ts so tests can call it in-process).
 */
import { versionText } from "../build-info.js";
import { runDaemon } from "../daemon/run.js";
import { parseProfile } from "../profile.js";
import { parseArgs, UsageError } from "./args.js";
import { runCheckConfig } from "./check-config.js";
import { runCheckWebConfig } from "./check-web-config.js";
import type { CliIo } from "./io.js";
import { runSdCommand, SD_USAGE } from "./sd.js";
import { runStartCommand, START_USAGE } from "./start.js";

export const MAIN_USAGE = `usage: promsd <command> [<args> ...]

Prometheus-compatible service discovery.

Commands:
  check config <config-files>...       Check that prometheus.yml files are valid (like promtool).
  check web-config <web-config-files>...
                                       Check that --web.config.file files are valid (like promtool).
  sd <config-file> <job>               Run a job's service discovery and print its targets, exactly as
                                       "promtool check service-discovery" does (see "promsd sd --help").
  run [<flags>]                        Run the promsd daemon (see "promsd run --help").
  start [<flags>]                      A guided tour: the daemon on an embedded example configuration,
                                       with what to look at and try (see "promsd start --help").

Flags:
  --help                               Show help (also after a command: "promsd sd --help").
  --version                            Show the version, as "promtool --version" does.
`;

const CHECK_CONFIG_USAGE = `usage: promsd check config [<flags>] <config-files>...

Check if the config files are valid or not.

Flags:
  --profile=v3        Which Prometheus to mimic: v3 (default) or v2.42.
  --help              Show this help.
`;

async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ["profile"], []);
  const [what, ...files] = args.positional;
  if (args.flags.has("help") && (what === undefined || what === "config")) {
    io.stdout(what === undefined ? MAIN_USAGE : CHECK_CONFIG_USAGE);
    return 0;
  }
  if (what === "web-config") {
    if (files.length === 0) throw new UsageError("required argument 'web-config-files' not provided");
    return runCheckWebConfig(files, io, { profile: parseProfile(args.values.get("profile") ?? "v3") });
  }
  if (what !== "config") throw new UsageError(what === undefined ? "expected command after 'check'" : `expected command but got "${what}"`);
  if (files.length === 0) throw new UsageError("required argument 'config-files' not provided");
  return runCheckConfig(files, io, { profile: parseProfile(args.values.get("profile") ?? "v3") });
}

/** Runs one `promsd` invocation; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return await runCheck(rest, io);
      case "sd":
        return await runSdCommand(rest, io);
      case "start":
        return await runStartCommand(rest, io);
      case "run":
        return await runDaemon(rest, { stdout: io.stdout, stderr: io.stderr, ...(io.logger === undefined ? {} : { logger: io.logger }) });
      case "--version":
      case "version":
        io.stdout(versionText("promsd"));
        return 0;
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(MAIN_USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new UsageError(`expected command but got "${command}"`);
    }
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof Error && error.message.startsWith("unknown profile"))) throw error;
    io.stderr(`promsd: error: ${error.message}, try --help\n`);
    return 1;
  }
}
