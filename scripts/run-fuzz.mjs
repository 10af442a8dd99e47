#!/usr/bin/env node
// Long fuzz runs: every *.fuzz.test.ts under src/ with FUZZ_RUNS cases per property (default 100000; `npm
// test` runs 2000) and FUZZ_SEED (default: a new random seed, printed, so a failure can be replayed).
// Extra arguments filter files by substring: `npm run fuzz -- dns`. Each property reports "N cases clean".
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
const find = (dir) => readdirSync(dir).flatMap((name) => {
  const path = join(dir, name);
  if (name === "node_modules" || name.startsWith(".")) return [];
  return statSync(path).isDirectory() ? find(path) : name.endsWith(".fuzz.test.ts") ? [relative(root, path)] : [];
});
const files = find(join(root, "src")).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
const env = { ...process.env, FUZZ_RUNS: process.env.FUZZ_RUNS ?? "100000", FUZZ_SEED: process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31)), NODE_OPTIONS: "" };
console.error(`fuzz: ${files.length} files, FUZZ_RUNS=${env.FUZZ_RUNS}, FUZZ_SEED=${env.FUZZ_SEED}`);
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=0", ...files], { cwd: root, stdio: "inherit", env });
process.exit(run.status ?? 1);
