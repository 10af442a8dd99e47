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

runCli(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`promsd: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
