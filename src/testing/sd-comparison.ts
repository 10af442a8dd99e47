/**
 * The oracle comparison the provider integration tests share: promtool 2.42 and `promsd sd --profile=v2.42`
 * read the same config at the same time (so both poll the same fake server) and must print the same entries.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runPromsdSd, runPromtoolSd, type SdProcessOptions, type SdRun } from "./promtool.js";

/** The config file and job that `writeOneJobConfig` writes and `runPromtoolAndPromsd` reads by default. */
export const ONE_JOB = Object.freeze({ configFile: "prometheus.yml", job: "j" });

/**
 * Writes `<dir>/prometheus.yml` with the single job `j`, whose `sdKey` list (e.g. `http_sd_configs`) holds one
 * block; `block` is that block's YAML mapping, one key per line, without indentation.
 */
export async function writeOneJobConfig(dir: string, sdKey: string, block: string): Promise<void> {
  const lines = block.split("\n").map((line, i) => `${i === 0 ? "      - " : "        "}${line}`);
  await writeFile(join(dir, ONE_JOB.configFile), `scrape_configs:\n  - job_name: ${ONE_JOB.job}\n    ${sdKey}:\n${lines.join("\n")}\n`);
}

export interface SdComparisonOptions extends SdProcessOptions {
  /** `--timeout` of both programs; promtool always waits this long. */
  readonly timeoutMs: number;
  readonly configFile?: string;
  readonly job?: string;
}

export interface SdRunPair {
  readonly promtool: SdRun;
  readonly promsd: SdRun;
}

/** Runs both programs on `<dir>/<configFile>` for `job` (default: ONE_JOB's), concurrently. */
export async function runPromtoolAndPromsd(dir: string, options: SdComparisonOptions): Promise<SdRunPair> {
  const { configFile = ONE_JOB.configFile, job = ONE_JOB.job, timeoutMs, env, commandPrefix } = options;
  const [promtool, promsd] = await Promise.all([
    runPromtoolSd(dir, configFile, job, { timeoutMs, env, commandPrefix }),
    runPromsdSd(dir, configFile, job, { timeoutMs, profile: "v2.42", env, commandPrefix }),
  ]);
  return { promtool, promsd };
}

/** A successful run's entries as JSON lines, sorted: promtool prints them in Go map order. */
export function sortedSdEntries(run: SdRun): string[] {
  assert.equal(run.exitCode, 0, `${run.command}\n${run.stderr}`);
  assert.ok(run.entries, run.parseError);
  return run.entries.map((entry) => JSON.stringify(entry)).sort();
}

/** Asserts that promsd printed what promtool printed (as sets) and returns promtool's sorted entries. */
export function assertSameSdEntries(runs: SdRunPair, message?: string): string[] {
  const want = sortedSdEntries(runs.promtool);
  assert.deepEqual(sortedSdEntries(runs.promsd), want, message);
  return want;
}
