#!/usr/bin/env node
/**
 * The `promsd` binary. Output goes through the real streams; the exit code is set with `process.exitCode`
 * so stdout is flushed before the process ends.
 */
import { runCli } from "./run.js";

const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
};

const argv = process.argv.slice(2);

runCli(argv, io).then(
  (code) => {
    process.exitCode = code;
    // The daemon has closed its servers, but libraries may keep sockets or timers alive: end the process
    // once stdout and stderr are flushed, as `promsd run`'s contract says.
    if (argv[0] === "run" || argv[0] === "start") process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  },
  (error: unknown) => {
    process.stderr.write(`promsd: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
