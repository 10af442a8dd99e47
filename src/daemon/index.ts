/** The daemon (`promsd run`): re-exports only. */
export { Daemon, type DaemonOptions } from "./daemon.js";
export { runDaemon, type RunDaemonOptions } from "./run.js";
export { DEFAULT_FLAGS, daemonUsage, FlagError, parseDaemonFlags, type DaemonFlags } from "./flags.js";
export { defaultConfigText } from "./default-config.js";
