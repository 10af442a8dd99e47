/**
 * The oracle comparison the provider integration tests share: promtool 2.42 and `promsd sd --profile=v2.42`
 * read the same config at the same time (so both poll the same fake server) and must print the same entries.
 */
import assert from "node:assert/strict";
import { runPromsdSd, runPromtoolSd, type SdRun } from "./promtool.js";

export interface SdRunPair {
  readonly promtool: SdRun;
  readonly promsd: SdRun;
}

/** Runs both programs on `<dir>/<configFile>` for `job`, concurrently. */
export async function runPromtoolAndPromsd(dir: string, configFile: string, job: string, options: { readonly timeoutMs: number }): Promise<SdRunPair> {
  const [promtool, promsd] = await Promise.all([
    runPromtoolSd(dir, configFile, job, options),
    runPromsdSd(dir, configFile, job, { ...options, profile: "v2.42" }),
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
