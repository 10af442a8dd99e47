import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import * as promsd from "./index.js";
import { tempDir, writeFiles } from "./testing/index.js";

test("index: the public API loads a config and builds its targets", () => {
  const config = promsd.parseConfigText("scrape_configs:\n- job_name: node\n  static_configs: [{targets: ['a:1']}]\n", "prometheus.yml");
  const job = config.scrapeConfigs[0];
  assert.ok(job);
  const groups = job.sdConfigs.flatMap((sd) => (sd.provider === promsd.staticProvider.name ? (sd.config as promsd.StaticConfig).groups : []));
  const built = promsd.buildJobTargets(job, groups, "v3");
  assert.equal(built.active[0]?.scrapeUrl, "http://a:1/metrics");
  assert.deepEqual(promsd.relabel({ a: "b" }, []), { a: "b" });
});

test("index: exports the contracts' runtime values", () => {
  for (const name of ["DiscoveryManager", "TargetSync", "ConfigError", "builtinProviders", "fileProvider", "formatPromtool", "scrapeUrl", "decodeGroupsJson"] as const) {
    assert.ok(promsd[name] !== undefined, name);
  }
  assert.ok(promsd.builtinProviders.some((p) => p.name === "static"));
});

/**
 * The README's "Library API" example, taken from README.md as it is and run for real in a child process
 * against a temp prometheus.yml (one static job, one file_sd job). Only the imports are pointed at this
 * checkout and `// … later` becomes "wait until both jobs have targets", so the README cannot go stale.
 */
test("index: the README's Library API example runs and discovers static and file_sd targets", async (t) => {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Library API"));
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block !== undefined, "README.md has a ts block under ## Library API");
  assert.match(block, /from "promsd";/);
  assert.match(block, /\/\/ … later\n/);
  const example = block
    .replace(/from "promsd";/, `from ${JSON.stringify(new URL("./index.ts", import.meta.url).href)};`)
    .replace(/from "prom-client";/, `from ${JSON.stringify(import.meta.resolve("prom-client"))};`)
    .replace(
      /\/\/ … later\n/,
      // Event-driven: resolves on the TargetSync notification that both jobs have targets (or at once).
      `await new Promise((resolve) => { const done = () => ["node", "files"].every((j) => (targets.job(j)?.active.length ?? 0) > 0); if (done()) resolve(); else targets.subscribe(() => { if (done()) resolve(); }, stop.signal); });\n`,
    );
  const dir = await tempDir(t);
  await writeFiles(dir, {
    "prometheus.yml": "scrape_configs:\n- job_name: node\n  static_configs: [{targets: ['a:1', 'b:2']}]\n- job_name: files\n  file_sd_configs: [{files: ['targets/*.json']}]\n",
    "targets/t.json": '[{"targets": ["f:9"], "labels": {"team": "x"}}]\n',
    "example.mts": example, // .mts: an ES module (top-level await) without a package.json
  });
  const { NODE_TEST_CONTEXT: _ignored, NODE_OPTIONS: _alsoIgnored, ...env } = process.env;
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ["--import", import.meta.resolve("tsx"), join(dir, "example.mts")], { cwd: dir, env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr });
    });
  });
  // Exit 0 on its own: abort + close leave nothing running (execFile's timeout would kill a hung example).
  assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
  assert.match(run.stdout, /^groups of \[ 'node', 'files' \]$|^groups of \[ 'files', 'node' \]$/m);
  assert.match(run.stdout, /^node \[ 'a:1', 'b:2' \]$/m);
  assert.match(run.stdout, /^files \[ 'f:9' \]$/m);
});
