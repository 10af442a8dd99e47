/**
 * `promsd run [flags]`: parses flags, starts the Daemon, reloads on SIGHUP, shuts down gracefully on SIGTERM
 * and SIGINT (or `POST /-/quit`). Resolves with the process exit code; the CLI calls `process.exit` with it.
 */
import { versionText } from "../build-info.js";
import { createLogger, type Logger } from "../logging.js";
import { Daemon } from "./daemon.js";
import { daemonUsage, FlagError, parseDaemonFlags } from "./flags.js";

export interface RunDaemonOptions {
  /** Where usage and flag errors go (default: process.stdout / process.stderr). */
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Default: a logger built from --log.level and --log.format on stderr. */
  readonly logger?: Logger;
  /** Ends the run like a SIGTERM would (tests). */
  readonly signal?: AbortSignal;
}

export async function runDaemon(argv: readonly string[], options: RunDaemonOptions = {}): Promise<number> {
  const out = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = options.stderr ?? ((text: string) => void process.stderr.write(text));
  let flags;
  try {
    flags = parseDaemonFlags(argv);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    err(`promsd: error: ${error.message}\n`);
    return 1;
  }
  if (flags === "help") {
    out(daemonUsage());
    return 0;
  }
  if (flags === "version") {
    out(versionText("promsd"));
    return 0;
  }
  const logger = options.logger ?? createLogger({ level: flags.logLevel, format: flags.logFormat });
  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const daemon = new Daemon({ flags, logger, onQuit: () => stopRequested() });
  const onStop = (signal: string) => (): void => {
    logger.info({ signal }, "Received shutdown signal, exiting gracefully");
    stopRequested();
  };
  const onTerm = onStop("SIGTERM");
  const onInt = onStop("SIGINT");
  const onHup = (): void => {
    logger.info({ signal: "SIGHUP" }, "Reloading configuration");
    void daemon.reload().catch(() => {}); // the daemon logs the reason and sets the metric
  };
  const removeHandlers = (): void => {
    process.off("SIGTERM", onTerm);
    process.off("SIGINT", onInt);
    process.off("SIGHUP", onHup);
    options.signal?.removeEventListener("abort", stopRequested);
  };
  process.on("SIGTERM", onTerm);
  process.on("SIGINT", onInt);
  process.on("SIGHUP", onHup);
  options.signal?.addEventListener("abort", stopRequested, { once: true });
  try {
    await daemon.start();
    // One plain line on stdout for people (logs go to stderr): where to look.
    out(`promsd is running: web UI at ${daemon.url}/ (http_sd at ${daemon.url}/api/v1/sd/<job>, metrics at ${daemon.url}/metrics)\n`);
    await stopped;
    return 0;
  } catch (error) {
    logger.error({ err: error }, "Error starting promsd");
    return 1;
  } finally {
    removeHandlers();
    await daemon.close();
  }
}
