/**
 * Runs the real CLI (`node --import tsx src/cli/main.ts …`) on temp configs with static and file_sd targets,
 * and compares with the reference promtool 2.42 when it is installed.
 */
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { assertPromtoolInstalled, runPromsdSd, runPromtoolSd, tempDir, waitFor, writeFiles } from "../testing/index.js";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[], cwd: string, timeoutMs = 60_000): Promise<Run> {
  const { NODE_TEST_CONTEXT: _ignored, NODE_OPTIONS: _alsoIgnored, ...env } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", TSX, MAIN, ...args], { cwd, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const CONFIG = `global: {scrape_interval: 15s}
scrape_configs:
- job_name: node
  static_configs:
  - targets: ['host-b', 'a:1']
    labels: {env: prod}
- job_name: files
  file_sd_configs: [{files: ['targets/*.json', 'targets/*.yml']}]
  relabel_configs:
  - {source_labels: [__address__], regex: 'drop.*', action: drop}
- job_name: empty
`;

const FILES = {
  "prometheus.yml": CONFIG,
  "targets/a.json": '[{"targets": ["x:1", "dropme:1", ""], "labels": {"a": "<b>&"}}, {"targets": ["x:1"]}]\n',
  "targets/b.yml": "- targets: ['y:2', 'http://bad/path']\n  labels: {team: t}\n",
};

function sortedEntries(stdout: string): string[] {
  return (JSON.parse(stdout) as unknown[]).map((e) => JSON.stringify(e)).sort();
}

test("cli sd: static targets print promtool's JSON without a trailing newline (v2.42)", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, FILES);
  const run = await runPromsdSd(dir, "prometheus.yml", "node", { timeoutMs: 20_000, profile: "v2.42" });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(!run.stdout.endsWith("\n"));
  assert.ok(run.stdout.startsWith('[\n  {\n    "discoveredLabels": {\n      "__address__": "host-b",'));
  assert.deepEqual(run.entries?.map((e) => e.labels["instance"]), ["host-b:80", "a:1"]);
});

test("cli sd: file_sd targets, dropped and failed entries, HTML escaping (v3)", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, FILES);
  const run = await runPromsdSd(dir, "prometheus.yml", "files", { timeoutMs: 20_000 });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.match(run.stdout, /"a": "\\u003cb\\u003e\\u0026"/);
  const entries = run.entries ?? [];
  const active = entries.filter((e) => Object.keys(e.labels).length > 0).map((e) => e.labels["instance"]).sort();
  assert.deepEqual(active, ["x:1", "x:1", "y:2"]); // x:1 twice: two sources (a.json:0 and a.json:1)
  const dropped = entries.filter((e) => e.error === undefined && Object.keys(e.labels).length === 0);
  assert.deepEqual(dropped.map((e) => e.discoveredLabels["__address__"]), ["dropme:1"]);
  const failed = entries.filter((e) => e.error !== undefined);
  assert.equal(failed.length, 2);
  assert.ok(failed.every((e) => e.discoveredLabels["job"] === "files"), "v3 fills discoveredLabels of failed targets");
});

test("cli sd: returns as soon as every provider delivered its initial set, well before --timeout (unlike promtool)", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, {
    ...FILES,
    "both.yml": "scrape_configs:\n- job_name: both\n  static_configs: [{targets: ['s:1']}]\n  file_sd_configs: [{files: ['targets/*.json', 'targets/*.yml']}]\n",
  });
  const started = performance.now();
  // The process gets longer than its own --timeout, so a run that waits for it shows up as slow, not killed.
  const run = await runCli(["sd", "--timeout=60s", "both.yml", "both"], dir, 120_000);
  const elapsedMs = performance.now() - started;
  assert.equal(run.code, 0, run.stderr);
  const instances = (JSON.parse(run.stdout) as { labels: Record<string, string> }[]).map((e) => e.labels["instance"]).filter((i) => i !== undefined).sort();
  assert.deepEqual(instances, ["dropme:1", "s:1", "x:1", "x:1", "y:2"], "both the static and the file_sd targets are in");
  // Half the timeout: generous for a cold tsx start on a loaded machine, far below promtool's full wait.
  assert.ok(elapsedMs < 30_000, `promsd sd --timeout=60s took ${Math.round(elapsedMs)} ms: it waited for the timeout instead of the initial sets`);
});

test("cli sd: a job without SD configs prints []", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, FILES);
  const run = await runCli(["sd", "prometheus.yml", "empty"], dir);
  assert.deepEqual([run.code, run.stdout], [0, "[]"]);
});

test("cli sd: unknown job lists the jobs on stderr and exits 1", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, FILES);
  const run = await runCli(["sd", "prometheus.yml", "nope"], dir);
  assert.deepEqual(run, { code: 1, stdout: "", stderr: "Job nope not found. Select one of:\n\tnode\n\tfiles\n\tempty\n" });
});

test("cli sd: load errors show check config's file:line:path and hint; bad flags exit 1 with promtool's texts", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, { "bad.yml": "scrape_configs: [{job_name: a, foo: 1}]\n", "indent.yml": "scrape_configs:\n- job_name: a\n  static_configs:\n  - targets: [a]\n   labels: {}\n" });
  for (const file of ["bad.yml", "indent.yml"]) {
    const sd = await runCli(["sd", file, "a"], dir);
    const check = await runCli(["check", "config", file], dir);
    const failed = /^ {2}FAILED: ([\s\S]*)$/.exec(check.stderr)?.[1];
    assert.ok(failed !== undefined, check.stderr);
    assert.deepEqual(sd, { code: 1, stdout: "", stderr: `Cannot load config ${failed}` }, file);
  }
  const bad = await runCli(["sd", "bad.yml", "a"], dir);
  assert.equal(bad.stderr, 'Cannot load config bad.yml:1: scrape_configs[0].foo: yaml: unmarshal errors:\n  line 1: field foo not found in type config.ScrapeConfig; remove it or check its indentation\n');
  const missing = await runCli(["sd", "missing.yml", "a"], dir);
  assert.deepEqual(missing, { code: 1, stdout: "", stderr: "promsd: error: path 'missing.yml' does not exist, try --help\n" });
  const timeout = await runCli(["sd", "--timeout=1x", "bad.yml", "a"], dir);
  assert.deepEqual(timeout, { code: 1, stdout: "", stderr: 'promsd: error: time: unknown unit "x" in duration "1x", try --help\n' });
});

test("cli sd --explain: error texts and the dropping rule", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, FILES);
  const run = await runCli(["sd", "--explain", "--timeout", "20s", "prometheus.yml", "files"], dir);
  assert.equal(run.code, 0, run.stderr);
  const entries = JSON.parse(run.stdout) as Record<string, unknown>[];
  const errors = entries.filter((e) => e["status"] === "failed").map((e) => e["error"]).sort();
  assert.deepEqual(errors, [
    'instance 1 in group targets/b.yml:0: "http://bad/path" is not a valid hostname',
    "instance 2 in group targets/a.json:0: no address",
  ]);
  const dropped = entries.find((e) => e["status"] === "dropped");
  assert.deepEqual(dropped?.["droppedBy"], { index: 0, action: "drop", source_labels: ["__address__"], regex: "drop.*" });
});

test("cli: --help for each command, unknown command exits 1", async (t) => {
  const dir = await tempDir(t);
  for (const args of [["--help"], ["sd", "--help"], ["start", "--help"], ["run", "--help"], ["check", "config", "--help"]]) {
    const run = await runCli(args, dir);
    assert.equal(run.code, 0, args.join(" "));
    assert.match(run.stdout, /^usage: promsd/);
  }
  const unknown = await runCli(["frobnicate"], dir);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /expected command but got "frobnicate"/);
});

test("cli: --version and run --version print promtool's layout with promsd's version", async (t) => {
  const dir = await tempDir(t);
  const promtool = await new Promise<string>((resolve) => execFile("promtool", ["--version"], (_e, stdout, stderr) => resolve(stdout + stderr)));
  // promtool, version 2.42.0+ds (branch: debian/sid, revision: …)\n  build user: …\n  build date: …\n  go version: …\n  platform: …
  const layout = (text: string): string[] => text.trimEnd().split("\n").map((line) => line.replace(/:.*$/, ":").replace(/^\w+, version.*$/, "<program>, version"));
  const { version } = JSON.parse(await readFile(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string };
  for (const args of [["--version"], ["run", "--version"]]) {
    const run = await runCli(args, dir);
    assert.equal(run.code, 0, args.join(" "));
    assert.match(run.stdout, new RegExp(`^promsd, version ${version.replace(/\./g, "\\.")} \\(branch: \\S+, revision: \\S+\\)\n`), args.join(" "));
    assert.match(run.stdout, new RegExp(`  node version: +${process.version.replace(/\./g, "\\.")}\n`));
    assert.deepEqual(layout(run.stdout), layout(promtool).map((l) => l.replace("go version:", "node version:")), args.join(" "));
  }
});

test("cli start: runs the daemon on the example, says where to look and what to try, and removes its folder on exit", async () => {
  const { NODE_TEST_CONTEXT: _ignored, NODE_OPTIONS: _alsoIgnored, ...env } = process.env;
  const child = spawn(process.execPath, ["--import", TSX, MAIN, "start", "--web.listen-address=127.0.0.1:0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    await waitFor(() => stdout.includes("Stop with Ctrl-C."), { timeoutMs: 60_000, description: `the tour text (stderr: ${stderr})` });
    const url = /web UI: +(http:\/\/127\.0\.0\.1:\d+)\//.exec(stdout)?.[1] ?? "";
    const folder = /example folder: (\S+) \(removed when you stop the tour\)/.exec(stdout)?.[1] ?? "";
    assert.match(stdout, /http_sd: +http:\/\/127\.0\.0\.1:\d+\/api\/v1\/sd\/services/);
    assert.match(stdout, /What to try:\n {2}1\. Add a target: echo .* > \S+\/targets\/api\.json/);
    assert.ok(existsSync(join(folder, "prometheus.yml")), folder);
    const sdTargets = async (): Promise<string[]> => {
      const res = await fetch(`${url}/api/v1/sd/services`);
      return res.status === 200 ? ((await res.json()) as { targets: string[] }[]).flatMap((g) => g.targets).sort() : [];
    };
    await waitFor(async () => (await sdTargets()).length === 3, { timeoutMs: 20_000, description: "the example's file_sd targets" });
    assert.deepEqual(await sdTargets(), ["db-1.example:9187", "web-1.example:8080", "web-2.example:8080"], "legacy (team retired) is dropped");
    // The tour's first suggestion works: a dropped file shows up after the (short) throttles.
    await writeFile(join(folder, "targets", "api.json"), '[{"targets": ["api-1.example:9000"], "labels": {"team": "backend"}}]');
    await waitFor(async () => (await sdTargets()).includes("api-1.example:9000"), { timeoutMs: 20_000, description: "the added target" });
    child.kill("SIGTERM");
    assert.equal(await exited, 0, stderr);
    assert.ok(!existsSync(folder), "the temp folder is removed on exit");
  } finally {
    child.kill("SIGKILL");
  }
});

test("cli sd: same entries as promtool 2.42 for static and file_sd jobs", async (t) => {
  assertPromtoolInstalled(); // fails loudly when missing, never skips
  const dir = await tempDir(t);
  await writeFiles(dir, FILES);
  for (const job of ["node", "files", "empty"]) {
    const [ours, theirs] = await Promise.all([
      runPromsdSd(dir, "prometheus.yml", job, { timeoutMs: 20_000, profile: "v2.42" }),
      runPromtoolSd(dir, "prometheus.yml", job, { timeoutMs: 1000 }),
    ]);
    assert.equal(ours.exitCode, 0, ours.stderr);
    assert.equal(theirs.exitCode, 0, theirs.stderr);
    // Entries of different Sources come in Go map order: compare as sorted lists.
    assert.deepEqual(sortedEntries(ours.stdout), sortedEntries(theirs.stdout), job);
  }
});
