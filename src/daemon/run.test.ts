import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { silentLogger } from "../logging.js";
import { tempDir, waitFor } from "../testing/index.js";
import { runDaemon } from "./run.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, options: { stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s), logger: silentLogger } };
}

test("run: --help prints usage and exits 0", async () => {
  const c = capture();
  assert.equal(await runDaemon(["--help"], c.options), 0);
  assert.match(c.out.join(""), /usage: promsd run/);
  assert.match(c.out.join(""), /--web.listen-address/);
});

test("run: a bad flag exits 1 with kingpin's wording", async () => {
  const c = capture();
  assert.equal(await runDaemon(["--bogus"], c.options), 1);
  assert.equal(c.err.join(""), "promsd: error: unknown long flag '--bogus', try --help\n");
});

test("run: a missing config file exits 1", async (t) => {
  const c = capture();
  const dir = await tempDir(t);
  assert.equal(await runDaemon([`--config.file=${join(dir, "nope.yml")}`, "--web.listen-address=127.0.0.1:0"], c.options), 1);
});

/** The one plain line `promsd run` prints on stdout once it serves (logs go to stderr). */
const RUNNING_LINE = /^promsd is running: web UI at (http:\/\/127\.0\.0\.1:\d+)\/ \(http_sd at \1\/api\/v1\/sd\/<job>, metrics at \1\/metrics\)$/m;

test("run: prints where its web UI is on stdout, ends with 0 when its signal aborts", async (t) => {
  const dir = await tempDir(t);
  const stop = new AbortController();
  const c = capture();
  const config = join(dir, "prometheus.yml");
  await writeFile(config, "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['a:1']}]\n");
  const running = runDaemon(
    [`--config.file=${config}`, "--web.listen-address=127.0.0.1:0", "--discovery.update-interval=0s"],
    { ...c.options, signal: stop.signal },
  );
  // Wait for the line itself (no fixed sleep); a start failure ends `running` first and fails below.
  const outcome = await Promise.race([
    running.then((code) => `exited with ${code}: ${c.err.join("")}`),
    waitFor(() => RUNNING_LINE.test(c.out.join("")), { timeoutMs: 60_000, description: "the 'promsd is running' line" }).then(() => "running"),
  ]);
  stop.abort();
  assert.equal(outcome, "running");
  assert.equal(await running, 0);
  const url = RUNNING_LINE.exec(c.out.join(""))?.[1];
  assert.ok(url !== undefined);
  assert.equal(c.out.join("").split("\n").filter((l) => l !== "").length, 1, "exactly one line on stdout");
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

test("run: a real process reloads on SIGHUP, logs a broken config with file and line, and stops on SIGTERM", async (t) => {
  const dir = await tempDir(t);
  const config = join(dir, "prometheus.yml");
  await writeFile(config, "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['a:1']}]\n");
  const port = await freePort();
  const entry = `import { runDaemon } from ${JSON.stringify(new URL("./run.ts", import.meta.url).pathname)}; process.exitCode = await runDaemon(process.argv.slice(1));`;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", entry, "--", `--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, "--discovery.update-interval=0s", "--scrape.discovery-reload-interval=0s"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  t.after(() => child.kill("SIGKILL"));
  const base = `http://127.0.0.1:${port}`;
  const pools = async (): Promise<string[]> => ((await (await fetch(`${base}/api/v1/scrape_pools`)).json()) as { data: { scrapePools: string[] } }).data.scrapePools;
  await waitFor(async () => (await pools()).length === 1, { timeoutMs: 60_000, intervalMs: 100, description: "daemon up (a cold tsx start can be slow on a loaded machine)" });
  await waitFor(() => RUNNING_LINE.test(stdout), { timeoutMs: 20_000, description: "the 'promsd is running' line on stdout" });
  assert.equal(RUNNING_LINE.exec(stdout)?.[1], base);

  await writeFile(config, "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['a:1']}]\n  - job_name: b\n    static_configs: [{targets: ['b:1']}]\n");
  child.kill("SIGHUP");
  await waitFor(async () => (await pools()).join() === "a,b", { timeoutMs: 20_000, description: "job b after SIGHUP" });

  await writeFile(config, "scrape_configs:\n  - job_name: a\n    scrape_interval: nope\n");
  child.kill("SIGHUP");
  await waitFor(() => stderr.includes("Error reloading config"), { timeoutMs: 20_000, description: "reload error logged" });
  assert.match(stderr, /prometheus\.yml:3/);
  assert.deepEqual(await pools(), ["a", "b"]);

  child.kill("SIGTERM");
  assert.equal(await exited, 0);
  assert.match(stderr, /Received shutdown signal/);
  assert.doesNotMatch(stderr, /promsd is running/, "the line is for people on stdout, not a log line");
  assert.equal(stdout.split("\n").filter((l) => l !== "").length, 1, `stdout holds only the running line:\n${stdout}`);
});
