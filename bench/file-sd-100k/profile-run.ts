/**
 * One extra, unmeasured promsd run under `node --cpu-prof`, reduced to its hot spots so that BENCHMARKS.md
 * can tell the owners of each module where the time goes.
 */
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { hotSpots, readCpuProfile, type HotSpot } from "../lib/cpu-profile.js";
import { measureCommand } from "../lib/measure.js";
import type { Workload } from "./workload.js";

export interface ProfileResult {
  readonly functions: HotSpot[];
  readonly files: HotSpot[];
  readonly totalSeconds: number;
}

export async function profilePromsd(w: Workload, options: { root: string; cli: string; args: readonly string[] }):
Promise<ProfileResult | undefined> {
  const profileDir = join(w.dir, "cpu-profile");
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  const run = await measureCommand({
    command: process.execPath,
    args: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, options.cli, ...options.args],
    cwd: w.dir, killAfterMs: 15 * 60_000,
  });
  const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
  if (run.exitCode !== 0 || file === undefined) return undefined;
  return hotSpots(readCpuProfile(join(profileDir, file)), { root: options.root, limit: 15 });
}
