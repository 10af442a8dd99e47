/**
 * `promsd start`: the guided tour the README promises. It writes the embedded example (static targets and
 * file_sd over a small folder) to a folder, runs the daemon on it, prints where to look and what to try, and
 * removes the folder again on exit (SIGINT/SIGTERM, `POST /-/quit`) when it created it.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { runDaemon } from "../daemon/run.js";
import { parseArgs } from "./args.js";
import { EXAMPLE_CONFIG, EXAMPLE_FILES } from "./example.js";
import type { CliIo } from "./io.js";

export const START_USAGE = `usage: promsd start [<flags>]

A guided tour: writes an example configuration (static targets, and file_sd over a "targets" folder), runs
the promsd daemon on it and prints where to look (web UI, http_sd, metrics) and what to try. Stop it with
Ctrl-C; the example folder is removed on exit unless --dir was given.

Flags:
  --dir=<path>                 Where to write the example (kept on exit; default: a new temp folder).
  --web.listen-address=<addr>  Where the daemon listens (default 127.0.0.1:9800).
  --profile=v3                 Which Prometheus to mimic: v3 (default) or v2.42.
  --help                       Show this help.

The tour runs with both throttles at 1s (--discovery.update-interval, --scrape.discovery-reload-interval;
5s each by default in "promsd run"), so a file you drop into the targets folder shows up within seconds.
`;

/** The tour's throttles: short, so edits show up quickly, but not 0, so the tour behaves like a real daemon. */
const TOUR_INTERVAL = "1s";

/** Writes the example files into `dir` (created when missing); returns the main config's path. */
export async function writeExample(dir: string): Promise<string> {
  for (const [name, text] of Object.entries(EXAMPLE_FILES)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
  }
  return join(dir, EXAMPLE_CONFIG);
}

/** What to look at and try, once the daemon listens at `url`. */
export function tourText(url: string, dir: string, configPath: string, isTemporary: boolean): string {
  const targets = join(dir, "targets");
  return (
    `\npromsd start: a guided tour over an example configuration.\n` +
    `  example folder: ${dir}${isTemporary ? " (removed when you stop the tour)" : ""}\n` +
    `  config:         ${configPath}\n` +
    `  file_sd folder: ${targets}\n\n` +
    `Where to look:\n` +
    `  web UI:         ${url}/  (targets, service discovery, relabel debugger)\n` +
    `  http_sd:        ${url}/api/v1/sd/services  (what a Prometheus with http_sd_configs gets)\n` +
    `  targets API:    ${url}/api/v1/targets\n` +
    `  metrics:        ${url}/metrics\n\n` +
    `What to try:\n` +
    `  1. Add a target: echo '[{"targets": ["api-1.example:9000"], "labels": {"team": "backend"}}]' > ${join(targets, "api.json")}\n` +
    `     It appears in the UI and on http_sd within about 2 s (the two throttles, 1 s each here, 5 s each by default).\n` +
    `  2. Give it team "retired": the relabel rule drops it; the UI says which rule did.\n` +
    `  3. Run one job's discovery as promtool would: promsd sd ${configPath} services --explain\n` +
    `  4. Edit ${configPath} and reload: kill -HUP ${process.pid}\n\n` +
    `Stop with Ctrl-C.\n`
  );
}

export async function runStartCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ["dir", "profile", "web.listen-address"], []);
  if (args.flags.has("help")) {
    io.stdout(START_USAGE);
    return 0;
  }
  const requestedDir = args.values.get("dir");
  const dir = requestedDir === undefined ? await mkdtemp(join(tmpdir(), "promsd-example-")) : resolve(requestedDir);
  try {
    const configPath = await writeExample(dir);
    const daemonArgs = [
      `--config.file=${configPath}`,
      `--web.listen-address=${args.values.get("web.listen-address") ?? "127.0.0.1:9800"}`,
      `--profile=${args.values.get("profile") ?? "v3"}`,
      `--discovery.update-interval=${TOUR_INTERVAL}`,
      `--scrape.discovery-reload-interval=${TOUR_INTERVAL}`,
      "--log.level=warn",
    ];
    return await runDaemon(daemonArgs, {
      stdout: (text) => {
        io.stdout(text);
        // runDaemon prints one line once it listens: "promsd is running: web UI at <url>/ (…)".
        const url = /web UI at (\S+?)\/ /.exec(text)?.[1];
        if (url !== undefined) io.stdout(tourText(url, dir, configPath, requestedDir === undefined));
      },
      stderr: io.stderr,
      ...(io.logger === undefined ? {} : { logger: io.logger }),
    });
  } finally {
    if (requestedDir === undefined) await rm(dir, { recursive: true, force: true });
  }
}
