#!/usr/bin/env node
// Runs every benchmark (bench/<name>/run.ts|mjs|js; extra arguments filter names by substring, e.g.
// `npm run bench -- file-sd`) and rewrites their results in BENCHMARKS.md. A bench writes its markdown
// fragment to $BENCH_RESULT_FILE; the fragment replaces what sits between `<!-- results:<name>:begin -->`
// and `<!-- results:<name>:end -->` (a new section is appended when the markers are missing), so the
// analysis written around the markers survives. The machine facts block is rewritten on every run.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const benchmarksFile = join(root, "BENCHMARKS.md");
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));

function findBenches() {
  return readdirSync(join(root, "bench"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "lib" && d.name !== "results")
    .flatMap((d) => ["run.ts", "run.mjs", "run.js"].filter((f) => existsSync(join(root, "bench", d.name, f)))
      .slice(0, 1).map((f) => ({ name: d.name, script: join("bench", d.name, f) })))
    .filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

function firstLine(command, args) {
  const r = spawnSync(command, args, { encoding: "utf8" });
  return r.status === 0 ? (r.stdout || r.stderr).split("\n")[0].trim() : "not installed";
}

function machineFacts() {
  return [
    `- date: ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    `- CPUs: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"} (load average at start: ${loadavg().map((l) => l.toFixed(2)).join(", ")})`,
    `- memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB; kernel ${release()}`,
    `- node ${process.version}; ${firstLine("promtool", ["--version"])}`,
    "",
  ].join("\n");
}

/** Replaces the block between the markers of `name`, or appends a section holding it. */
export function spliceResults(document, name, fragment) {
  const begin = `<!-- results:${name}:begin -->`;
  const end = `<!-- results:${name}:end -->`;
  const block = `${begin}\n${fragment.trimEnd()}\n${end}`;
  const from = document.indexOf(begin);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n## ${name}\n\n${block}\n`;
}

function runBench(bench) {
  const resultFile = join(root, "bench", "results", `${bench.name}.md`);
  rmSync(resultFile, { force: true });
  const args = bench.script.endsWith(".ts") ? ["--import", "tsx", bench.script] : [bench.script];
  console.error(`run-bench: ${bench.name}`);
  const run = spawnSync(process.execPath, args, {
    cwd: root, stdio: "inherit", env: { ...process.env, BENCH_RESULT_FILE: resultFile },
  });
  if (run.status !== 0) console.error(`run-bench: ${bench.name} failed (exit ${run.status})`);
  if (existsSync(resultFile)) return readFileSync(resultFile, "utf8");
  // Benches that keep their own results file (bench/<name>/RESULTS.md) get a link instead of a copy.
  const own = join("bench", bench.name, "RESULTS.md");
  if (run.status === 0 && existsSync(join(root, own))) return `Results: [${own}](${own}) (written by the bench itself).\n`;
  return undefined;
}

function main() {
  const setup = spawnSync("bash", [join(root, "bench/setup.sh")], { stdio: "inherit" });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
  // tsc still emits when other files have type errors, so a failed build is reported, not fatal.
  const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) console.error("run-bench: npm run build reported errors; benches use whatever dist/ holds");
  const facts = machineFacts();
  let failed = 0;
  for (const bench of findBenches()) {
    const fragment = runBench(bench);
    if (fragment === undefined) { failed++; continue; }
    let doc = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, "utf8") : "# Benchmarks\n";
    doc = spliceResults(spliceResults(doc, "machine", facts), bench.name, fragment);
    writeFileSync(benchmarksFile, doc); // after each bench, so a later failure keeps earlier results
  }
  process.exit(failed === 0 ? 0 : 1);
}

if (process.argv[1] === new URL(import.meta.url).pathname) main();
