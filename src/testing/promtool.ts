/**
 * Runners for the two programs the differential tests compare: the reference
 * `promtool check service-discovery` (Debian's Prometheus 2.42, spec core.md 6.5 and prometheus-oracle.md)
 * and promsd's own `promsd sd`, which prints the same JSON. Both run with `cwd` = the config's folder and
 * the config's name as given, so `__meta_filepath` stays relative and the outputs can be compared as they are.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Profile } from "../profile.js";

export const PROMTOOL_PATH = "/usr/bin/promtool";

/** One element of the JSON array printed by `promtool check service-discovery` / `promsd sd`. */
export interface SdEntry {
  readonly discoveredLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** Present (always `{}`) only when building the target failed. */
  readonly error?: Readonly<Record<string, never>>;
}

/** What one run printed. `entries` is set only when the process exited 0 and stdout was the expected JSON. */
export interface SdRun {
  readonly command: string;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly entries: readonly SdEntry[] | undefined;
  /** Why `entries` is missing although the exit code was 0 (stdout not a JSON array of entries). */
  readonly parseError: string | undefined;
}

/** How a run is started: extra environment, and a command prefix (e.g. `ip netns exec <ns>`, see ./loopback-netns.ts). */
export interface SdProcessOptions {
  /** Added to (and overriding) the inherited environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Runs `prefix[0] ...prefix[1..] <program> <args>` instead of the program itself. */
  readonly commandPrefix?: readonly string[] | undefined;
}

export interface PromtoolSdOptions extends SdProcessOptions {
  /** promtool's `--timeout`; promtool always waits this long before printing. */
  readonly timeoutMs: number;
}

export interface PromsdSdOptions extends SdProcessOptions {
  readonly timeoutMs: number;
  /** `--profile`; omitted from the command line when undefined, so the CLI's default (v3) applies. */
  readonly profile?: Profile | undefined;
}

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROMSD_MAIN = `${REPO_ROOT}src/cli/main.ts`;
/** The run is killed when it takes this much longer than its own `--timeout`. */
const KILL_GRACE_MS = 30_000;

/** Throws a clear, actionable error when the reference promtool is not installed. */
export function assertPromtoolInstalled(): void {
  try {
    accessSync(PROMTOOL_PATH, constants.X_OK);
  } catch (error) {
    throw new Error(
      `${PROMTOOL_PATH} is missing: install Debian's prometheus package: npm test does it via scripts/ensure-system-packages.sh`,
      { cause: error },
    );
  }
}

/** True when the reference promtool is installed (for `test(..., { skip })` decisions; prefer the assert). */
export function isPromtoolInstalled(): boolean {
  try {
    assertPromtoolInstalled();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `/usr/bin/promtool check service-discovery --timeout=<t> <configFile> <job>` in `dir`.
 * Rejects only when promtool is missing or cannot be started; a non-zero exit is a normal result.
 */
export async function runPromtoolSd(
  dir: string,
  configFile: string,
  job: string,
  options: PromtoolSdOptions,
): Promise<SdRun> {
  assertPromtoolInstalled();
  const args = ["check", "service-discovery", `--timeout=${goDuration(options.timeoutMs)}`, configFile, job];
  return runSd(PROMTOOL_PATH, args, dir, options.timeoutMs, options);
}

/**
 * Runs the promsd CLI the same way: `node --import tsx <repo>/src/cli/main.ts sd [--profile=P] --timeout=<t>
 * <configFile> <job>` in `dir`. (`tsx` is passed as the resolved loader URL, so `dir` need not be inside the
 * repository.) Rejects when src/cli/main.ts does not exist or node cannot start; a non-zero exit is a result.
 */
export async function runPromsdSd(
  dir: string,
  configFile: string,
  job: string,
  options: PromsdSdOptions,
): Promise<SdRun> {
  if (!existsSync(PROMSD_MAIN)) throw new Error(`the promsd CLI is missing: ${PROMSD_MAIN} does not exist`);
  const profileArgs = options.profile === undefined ? [] : [`--profile=${options.profile}`];
  const args = [
    "--import",
    import.meta.resolve("tsx"),
    PROMSD_MAIN,
    "sd",
    ...profileArgs,
    `--timeout=${goDuration(options.timeoutMs)}`,
    configFile,
    job,
  ];
  return runSd(process.execPath, args, dir, options.timeoutMs, options);
}

/** Formats milliseconds as a Go `time.ParseDuration` string (`1s`, `1500ms`). */
export function goDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms <= 0) throw new RangeError(`timeout must be a positive integer of ms, got ${ms}`);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/**
 * Signals a run may receive from outside (a shared machine where other work stops stray processes). Such a
 * run is repeated once; a run this module killed for overrunning its timeout is not.
 */
const EXTERNAL_KILL_SIGNALS: ReadonlySet<string> = new Set(["SIGTERM", "SIGKILL", "SIGINT", "SIGHUP"]);

async function runSd(program: string, programArgs: readonly string[], cwd: string, timeoutMs: number, options: SdProcessOptions): Promise<SdRun> {
  const [file = program, ...args] = [...(options.commandPrefix ?? []), program, ...programArgs];
  const first = await runOnce(file, args, cwd, timeoutMs, options.env);
  if (first.killedByUs || first.signal === null || !EXTERNAL_KILL_SIGNALS.has(first.signal)) return first.run;
  return (await runOnce(file, args, cwd, timeoutMs, options.env)).run;
}

function runOnce(
  file: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<{ run: SdRun; signal: string | null; killedByUs: boolean }> {
  const command = [file, ...args].join(" ");
  // The test runner marks its child processes through NODE_TEST_CONTEXT; a nested node must not inherit it.
  const { NODE_TEST_CONTEXT: _ignored, NODE_OPTIONS: _alsoIgnored, ...inherited } = process.env;
  const env = { ...inherited, ...extraEnv };
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    let killedByUs = false;
    const killer = setTimeout(() => {
      killedByUs = true;
      child.kill("SIGKILL");
    }, timeoutMs + KILL_GRACE_MS);
    child.on("error", (error) => {
      clearTimeout(killer);
      reject(new Error(`cannot run ${command} in ${cwd}: ${error.message}`, { cause: error }));
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(killer);
      const out = Buffer.concat(stdout).toString("utf8");
      const parsed = exitCode === 0 ? parseSdOutput(out) : { entries: undefined, parseError: undefined };
      const why = signal === null ? "" : `\n[${killedByUs ? "killed after overrunning its timeout" : `killed by ${signal}`}]`;
      const err = Buffer.concat(stderr).toString("utf8") + why;
      resolve({ run: { command, exitCode, stdout: out, stderr: err, ...parsed }, signal, killedByUs });
    });
  });
}

/** Parses the printed JSON array; reports instead of throwing so the caller can show stdout. */
export function parseSdOutput(text: string): { entries: SdEntry[] | undefined; parseError: string | undefined } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { entries: undefined, parseError: `stdout is not JSON: ${why}` };
  }
  if (!Array.isArray(value)) return { entries: undefined, parseError: "stdout is not a JSON array" };
  const entries: SdEntry[] = [];
  for (const [index, item] of value.entries()) {
    const entry = toSdEntry(item);
    if (typeof entry === "string") return { entries: undefined, parseError: `entry ${index}: ${entry}` };
    entries.push(entry);
  }
  return { entries, parseError: undefined };
}

function toSdEntry(item: unknown): SdEntry | string {
  if (!isRecord(item)) return "not an object";
  const keys = Object.keys(item);
  const unexpected = keys.filter((k) => k !== "discoveredLabels" && k !== "labels" && k !== "error");
  if (unexpected.length > 0) return `unexpected keys ${unexpected.join(", ")}`;
  const discoveredLabels = toStringRecord(item["discoveredLabels"]);
  const labels = toStringRecord(item["labels"]);
  if (discoveredLabels === undefined) return "discoveredLabels is not an object of strings";
  if (labels === undefined) return "labels is not an object of strings";
  if (!("error" in item)) return { discoveredLabels, labels };
  const error = item["error"];
  if (!isRecord(error) || Object.keys(error).length > 0) return `error is ${JSON.stringify(error)}, expected {}`;
  return { discoveredLabels, labels, error: {} };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toStringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== "string") return undefined;
    out[k] = v;
  }
  return out;
}
