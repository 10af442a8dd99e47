#!/usr/bin/env node
// Runs the whole suite: a strict type check, then every *.test.ts under src/ and test/ with Node's own
// test runner (TypeScript loaded through tsx). Extra arguments filter test files by substring, e.g.
// `npm test -- relabel` runs only files whose path contains "relabel".
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith(".test.ts")) out.push(relative(root, path));
  }
  return out;
}

const files = ["src", "test", "bench"]
  .flatMap((d) => { try { return findTests(join(root, d)); } catch { return []; } })
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

if (filters.length === 0) {
  const tsc = spawnSync("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"], { cwd: root, stdio: "inherit" });
  if (tsc.status !== 0) { console.error("type check failed"); process.exit(tsc.status ?? 1); }
}
if (files.length === 0) { console.error("no test files found"); process.exit(1); }
const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, NODE_OPTIONS: "" } },
);
process.exit(run.status ?? 1);
