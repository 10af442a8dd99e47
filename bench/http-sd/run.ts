/**
 * http_sd serving benchmark (issue 3): promsd's `GET /api/v1/sd/<job>` for a 10,000-target job under 32
 * concurrent keep-alive pollers while the targets keep changing (the file_sd input is rewritten every second,
 * so bodies are rebuilt and ETags change under load), measured side by side with the strongest baseline for
 * "serve this JSON body to many pollers": Debian's nginx serving the same bytes as static files (nginx.ts),
 * kept equal to promsd's output by mirror.ts. Both servers answer every scenario in every repetition, back to
 * back, in alternating order; the load generator is a separate process (load.ts) used for both.
 *
 * Scenarios: full body, If-None-Match polling (what a cache-aware consumer pays), gzip (curl --compressed;
 * Prometheus 2.42 does not ask for it), one shard of four, the discovered view.
 *
 * Settings (environment): BENCH_TARGETS (10000), BENCH_CONCURRENCY (32), BENCH_SECONDS (10 per phase),
 * BENCH_REPEATS (3), BENCH_CHURN_MS (1000), BENCH_NGINX_WORKERS (1), BENCH_PROMSD_REV (HEAD; a git revision whose
 * committed src/ is run, or `worktree`), BENCH_PROMSD_CPU_PROFILE (a directory for
 * promsd's `node --cpu-prof` profile), BENCH_RESULT_FILE (markdown fragment for run-bench). The fragment also
 * replaces the measured block of bench/http-sd/RESULTS.md; raw figures go to
 * bench/results/http-sd.json. Loopback only; every child is stopped by PID and the temp directory removed.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { next } from "../lib/child-messages.js";
import { median } from "../lib/stats.js";
import { httpGet } from "./http-get.js";
import type { LoadResult, LoadSpec } from "./load.js";
import { Mirror, type MirroredFile } from "./mirror.js";
import { NGINX_BINARY, startNginx } from "./nginx.js";
import { treeCpuSeconds } from "./proc.js";
import { metricValue, pairedRatios, spliceMeasured, type RatioSummary } from "./stats.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const env = process.env;
const TARGETS = Number(env["BENCH_TARGETS"] ?? 10_000);
const CONCURRENCY = Number(env["BENCH_CONCURRENCY"] ?? 32);
const SECONDS = Number(env["BENCH_SECONDS"] ?? 10);
const REPEATS = Number(env["BENCH_REPEATS"] ?? 3);
const CHURN_MS = Number(env["BENCH_CHURN_MS"] ?? 1000);
const NGINX_WORKERS = Number(env["BENCH_NGINX_WORKERS"] ?? 1);
/** A directory: promsd runs with `node --cpu-prof` and writes its profile there when it stops. */
const PROMSD_CPU_PROFILE_DIR = env["BENCH_PROMSD_CPU_PROFILE"];
/** The git revision of promsd to measure, or `worktree`. */
const PROMSD_REV = env["BENCH_PROMSD_REV"] ?? "HEAD";
const RESULTS_MD = join(ROOT, "bench/http-sd/RESULTS.md");
const RAW_JSON = join(ROOT, "bench/results/http-sd.json");
const MIRROR_INTERVAL_MS = 100;
const WARM_UP_SECONDS = Math.min(SECONDS, 3);

function log(message: string): void {
  process.stderr.write(`[http-sd ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function targetsFile(generation: number): string {
  const groups = [];
  for (let g = 0; g < TARGETS / 100; g++) {
    const targets = [];
    for (let i = 0; i < 100; i++) {
      const n = g * 100 + i;
      // Each generation moves 1% of the targets to another port, so every rewrite changes the body.
      const port = n % 100 === generation % 100 ? 9200 + (generation % 7) : 9100;
      targets.push(`10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:${port}`);
    }
    groups.push({ targets, labels: { team: `team-${g % 17}`, zone: `zone-${g % 3}`, __meta_rack: `r${g}` } });
  }
  return JSON.stringify(groups);
}

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

interface Scenario {
  readonly name: string;
  readonly file: MirroredFile;
  readonly conditional: boolean;
  readonly gzip: boolean;
}

const FINAL: MirroredFile = { promsdPath: "/api/v1/sd/big", file: "final.json", gzip: true };
const SHARD: MirroredFile = { promsdPath: "/api/v1/sd/big?shard=0&shards=4", file: "final-shard-0-of-4.json", gzip: false };
const DISCOVERED: MirroredFile = { promsdPath: "/api/v1/sd/big?view=discovered", file: "discovered.json", gzip: false };
const SCENARIOS: readonly Scenario[] = [
  { name: "final view, full body", file: FINAL, conditional: false, gzip: false },
  { name: "final view, If-None-Match", file: FINAL, conditional: true, gzip: false },
  { name: "final view, gzip", file: FINAL, conditional: false, gzip: true },
  { name: "final view, shard 0 of 4", file: SHARD, conditional: false, gzip: false },
  { name: "discovered view, full body", file: DISCOVERED, conditional: false, gzip: false },
];

type ServerName = "promsd" | "nginx";

interface Servers {
  readonly promsd: { readonly port: number; readonly pid: number };
  readonly nginx: { readonly port: number; readonly pid: number };
}

function pathOn(server: ServerName, file: MirroredFile): string {
  return server === "promsd" ? file.promsdPath : `/${file.file}`;
}

interface Phase extends LoadResult {
  readonly scenario: string;
  readonly server: ServerName;
  readonly repetition: number;
  readonly promsdCpuSeconds: number;
  readonly nginxCpuSeconds: number;
  readonly loadAverage: number;
  readonly promsdEventLoop: EventLoopLag;
}

/** promsd's own event-loop delay over the phase (prom-client's default metrics): how long one task blocked it. */
interface EventLoopLag {
  readonly p99Ms: number;
  readonly maxMs: number;
}

const metricsAgent = new Agent({ keepAlive: false });

async function eventLoopLag(port: number): Promise<EventLoopLag> {
  const res = await httpGet({ agent: metricsAgent, port, path: "/metrics", keepBody: true });
  const text = res.body?.toString("utf8") ?? "";
  return { p99Ms: 1000 * metricValue(text, "nodejs_eventloop_lag_p99_seconds"), maxMs: 1000 * metricValue(text, "nodejs_eventloop_lag_max_seconds") };
}

async function measurePhase(load: ChildProcess, servers: Servers, scenario: Scenario, server: ServerName, repetition: number, seconds = SECONDS): Promise<Phase> {
  const spec: LoadSpec = {
    port: servers[server].port, path: pathOn(server, scenario.file), concurrency: CONCURRENCY, seconds,
    conditional: scenario.conditional, gzip: scenario.gzip,
  };
  await eventLoopLag(servers.promsd.port); // prom-client resets its event-loop histogram on every scrape
  const promsdBefore = treeCpuSeconds(servers.promsd.pid);
  const nginxBefore = treeCpuSeconds(servers.nginx.pid);
  const reply = next(load, "result", (SECONDS + 120) * 1000);
  load.send({ event: "run", ...spec });
  const result = (await reply) as unknown as LoadResult;
  const cpu = { promsd: treeCpuSeconds(servers.promsd.pid), nginx: treeCpuSeconds(servers.nginx.pid) };
  return {
    ...result, promsdEventLoop: await eventLoopLag(servers.promsd.port), scenario: scenario.name, server, repetition, loadAverage: loadavg()[0] ?? 0,
    promsdCpuSeconds: cpu.promsd - promsdBefore, nginxCpuSeconds: cpu.nginx - nginxBefore,
  };
}

/** Both servers must hand out identical bytes (plain and gunzipped) and nginx must answer its own ETag with 304. */
async function checkSameContent(servers: Servers): Promise<string[]> {
  const agent = new Agent({ keepAlive: false });
  const problems: string[] = [];
  for (const file of [FINAL, SHARD, DISCOVERED]) {
    const get = (server: ServerName, headers: Record<string, string> = {}) => httpGet({ agent, port: servers[server].port, path: pathOn(server, file), headers, keepBody: true });
    const [ours, theirs] = [await get("promsd"), await get("nginx")];
    if (!ours.body || !theirs.body || !ours.body.equals(theirs.body)) problems.push(`${file.file}: bodies differ (${ours.bytes} vs ${theirs.bytes} bytes)`);
    if ((await get("nginx", { "if-none-match": theirs.etag ?? "" })).status !== 304) problems.push(`${file.file}: nginx gave no 304 for its ETag`);
    if (file.gzip) {
      const [zOurs, zTheirs] = [await get("promsd", { "accept-encoding": "gzip" }), await get("nginx", { "accept-encoding": "gzip" })];
      if (!zTheirs.body || !gunzipSync(zTheirs.body).equals(theirs.body ?? Buffer.alloc(0))) problems.push(`${file.file}: nginx's gzip is not the body`);
      if (!zOurs.body || !gunzipSync(zOurs.body).equals(ours.body ?? Buffer.alloc(0))) problems.push(`${file.file}: promsd's gzip is not the body`);
    }
  }
  agent.destroy();
  return problems;
}

function nginxVersion(): string {
  const run = spawnSync(NGINX_BINARY, ["-v"], { encoding: "utf8" }); // prints "nginx version: nginx/1.22.1" on stderr
  return run.stderr.replace("nginx version: ", "").trim() || "nginx";
}

function loadText(): string {
  return loadavg().map((l) => l.toFixed(2)).join(", ");
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;
const pct = (cpuSeconds: number, seconds: number): string => `${((100 * cpuSeconds) / seconds).toFixed(0)} %`;
const ratio = (r: RatioSummary | undefined): string => (r ? `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)})` : "n/a");

interface RunFacts {
  readonly machine: string;
  readonly start: string;
  promsd?: string;
  end?: string;
  content?: string;
}

function report(phases: readonly Phase[], facts: RunFacts): string {
  const of = (scenario: string, server: ServerName) => phases.filter((p) => p.scenario === scenario && p.server === server).sort((a, b) => a.repetition - b.repetition);
  const rps = (p: Phase): number => p.count / p.elapsedSeconds;
  const cpuPerRequestMs = (p: Phase): number => (1000 * (p.server === "promsd" ? p.promsdCpuSeconds : p.nginxCpuSeconds)) / Math.max(1, p.count);
  const mibps = (p: Phase): number => p.bytes / p.elapsedSeconds / 1024 ** 2;
  const med = (list: readonly Phase[], pick: (p: Phase) => number): number => median(list.map(pick));
  const rows: string[] = [];
  const ratios: string[] = [];
  for (const { name } of SCENARIOS) {
    for (const server of ["promsd", "nginx"] as const) {
      const list = of(name, server);
      rows.push(`| ${name} | ${server} | ${med(list, rps).toFixed(0)} | ${ms(med(list, (p) => p.p50Ms))} | ${ms(med(list, (p) => p.p99Ms))} | ${med(list, mibps).toFixed(1)} | ${med(list, (p) => p.notModified)} | ${med(list, (p) => p.versions)} | ${pct(med(list, (p) => p.promsdCpuSeconds), SECONDS)} | ${pct(med(list, (p) => p.nginxCpuSeconds), SECONDS)} | ${med(list, cpuPerRequestMs).toFixed(2)} ms | ${pct(med(list, (p) => p.clientCpuSeconds), SECONDS)} | ${ms(med(list, (p) => p.promsdEventLoop.p99Ms))} / ${ms(med(list, (p) => p.promsdEventLoop.maxMs))} |`);
    }
    const [ours, theirs] = [of(name, "promsd"), of(name, "nginx")];
    const paired = (pick: (p: Phase) => number): string => ratio(pairedRatios(ours.map(pick), theirs.map(pick)));
    // promsd's CPU in nginx's phase of the same repetition is its background work (discovery, mirror polls).
    const netCpuPerRequestMs = ours.map((p, i) => (1000 * (p.promsdCpuSeconds - (theirs[i]?.promsdCpuSeconds ?? 0))) / Math.max(1, p.count));
    const net = ratio(pairedRatios(netCpuPerRequestMs, theirs.map(cpuPerRequestMs)));
    ratios.push(`| ${name} | ${paired(rps)} | ${paired((p) => p.p50Ms)} | ${paired((p) => p.p99Ms)} | ${paired(cpuPerRequestMs)} | ${net} | ${paired(mibps)} |`);
  }
  return [
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. ${facts.machine}`,
    `Load average ${facts.start} at the start, ${facts.end ?? "?"} at the end (other engineers' test suites were running).`,
    `promsd: ${facts.promsd ?? "?"}.`,
    "",
    `Workload: ${TARGETS.toLocaleString("en")}-target file_sd job (2 relabel rules), the input rewritten every ${CHURN_MS} ms (1% of targets move);`,
    `${CONCURRENCY} keep-alive pollers (node:http, one separate process for both servers) for ${SECONDS} s per phase; ${REPEATS} repetitions,`,
    "each running every scenario on both servers back to back, the order alternating between repetitions.",
    `Baseline: ${nginxVersion()} (${NGINX_WORKERS} worker, sendfile, gzip_static) serving promsd's bytes as files, rewritten within ${MIRROR_INTERVAL_MS} ms of a change. ${facts.content}`,
    "",
    "Medians over the repetitions. CPU columns are % of one core during the phase (promsd keeps discovering and",
    "rebuilding bodies for the mirror during nginx's phase: that is its background cost). CPU per request is the",
    "serving process's CPU divided by the requests answered, the figure least moved by the machine's load. The last",
    "column is promsd's event-loop delay over the phase (prom-client's nodejs_eventloop_lag_*): the longest a task blocked it.",
    "",
    "| scenario | server | req/s | p50 | p99 | MiB/s | 304s | versions seen | promsd CPU | nginx CPU | server CPU / request | client CPU | promsd event-loop delay p99 / max |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    "promsd / nginx, median of the per-repetition ratios (range in brackets); above 1 is more for promsd:",
    "",
    "| scenario | req/s | p50 | p99 | server CPU / request | same, promsd's background removed | MiB/s |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...ratios,
    "",
  ].join("\n");
}

interface PromsdSource {
  /** A directory holding `src/` (and `package.json`, `node_modules`) to run promsd from. */
  readonly root: string;
  readonly description: string;
}

/**
 * promsd's source as committed at `rev` (git archive into `into`), so that other engineers' uncommitted edits
 * in the shared working tree are not what gets measured; `worktree` runs the working tree as it is.
 */
function promsdSource(rev: string, into: string): PromsdSource {
  if (rev === "worktree") return { root: ROOT, description: "the working tree as it was at the start (uncommitted edits included)" };
  const commit = execFileSync("git", ["rev-parse", "--short", rev], { cwd: ROOT, encoding: "utf8" }).trim();
  mkdirSync(into);
  execFileSync("sh", ["-c", 'git archive "$1" src package.json | tar -x -C "$2"', "sh", commit, into], { cwd: ROOT });
  symlinkSync(join(ROOT, "node_modules"), join(into, "node_modules"));
  const subject = execFileSync("git", ["log", "-1", "--format=%cd %s", "--date=format:%H:%M", commit], { cwd: ROOT, encoding: "utf8" }).trim();
  return { root: into, description: `commit ${commit} (${subject.slice(0, 70)}…), src/ as committed` };
}

function spawnPromsd(source: PromsdSource, configFile: string, port: number): ChildProcess {
  const entry = `import { runDaemon } from ${JSON.stringify(join(source.root, "src/daemon/run.ts"))}; process.exitCode = await runDaemon(process.argv.slice(1));`;
  const profile = PROMSD_CPU_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${PROMSD_CPU_PROFILE_DIR}`] : [];
  return spawn(process.execPath, [...profile, "--import", "tsx", "--input-type=module", "-e", entry, "--",
    `--config.file=${configFile}`, `--web.listen-address=127.0.0.1:${port}`,
    "--discovery.update-interval=0s", "--scrape.discovery-reload-interval=500ms", "--log.level=error"], { cwd: source.root, stdio: ["ignore", "ignore", "inherit"] });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function main(): Promise<void> {
  const facts: RunFacts = {
    machine: `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB, kernel ${release()}, node ${process.version}.`,
    start: loadText(),
  };
  log(`${facts.machine} Load average ${facts.start}`);
  const dir = mkdtempSync(join(tmpdir(), "promsd-bench-http-sd-"));
  const root = join(dir, "www");
  const input = join(dir, "targets.json");
  writeFileSync(input, targetsFile(0));
  writeFileSync(join(dir, "prometheus.yml"), [
    "scrape_configs:",
    "  - job_name: big",
    "    file_sd_configs: [{files: [targets.json]}]",
    "    relabel_configs:",
    "      - {source_labels: [__meta_rack], target_label: rack}",
    "      - {regex: 'zone', action: labeldrop}",
    "",
  ].join("\n"));
  const stopMirror = new AbortController();
  const children: { stop(): Promise<void> }[] = [];
  let churn: NodeJS.Timeout | undefined;
  try {
    const source = promsdSource(PROMSD_REV, join(dir, "promsd"));
    log(`promsd: ${source.description}`);
    facts.promsd = source.description;
    const promsdPort = await freePort();
    const daemon = spawnPromsd(source, join(dir, "prometheus.yml"), promsdPort);
    children.push({ stop: () => stopChild(daemon) });
    const probe = new Agent({ keepAlive: false });
    await waitFor("promsd serving the job", async () => {
      const res = await httpGet({ agent: probe, port: promsdPort, path: FINAL.promsdPath });
      return res.status === 200 && res.bytes > TARGETS * 50;
    }, 60_000);
    mkdirSync(root);
    const mirror = new Mirror({ promsdPort, root, files: [FINAL, SHARD, DISCOVERED], intervalMs: MIRROR_INTERVAL_MS, signal: stopMirror.signal });
    await waitFor("first mirror of every body", () => mirror.syncOnce(), 30_000);
    const nginxPort = await freePort();
    const nginx = startNginx({ dir, root, port: nginxPort, workers: NGINX_WORKERS, runAsRoot: process.getuid?.() === 0 });
    children.push(nginx);
    await waitFor("nginx serving", async () => (await httpGet({ agent: probe, port: nginxPort, path: `/${FINAL.file}` })).status === 200, 10_000);
    const servers: Servers = { promsd: { port: promsdPort, pid: daemon.pid ?? 0 }, nginx: { port: nginxPort, pid: nginx.pid } };
    const problems = await checkSameContent(servers);
    if (problems.length > 0) throw new Error(`the baseline does not serve promsd's bytes: ${problems.join("; ")}`);
    log(`promsd (pid ${servers.promsd.pid}) and nginx (pid ${nginx.pid}) serve identical bytes; ${CONCURRENCY} pollers, ${SECONDS} s per phase, ${REPEATS} repetitions`);
    const mirrorRun = mirror.run();
    let generation = 0;
    churn = setInterval(() => {
      generation++;
      writeFileSync(`${input}.tmp`, targetsFile(generation));
      renameSync(`${input}.tmp`, input);
    }, CHURN_MS);
    const load = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench/http-sd/load.ts")], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    children.push({ stop: () => stopChild(load) });
    // Unreported warm-up on both servers: the first measured phase must not pay for promsd's JIT compilation.
    for (const server of ["promsd", "nginx"] as const) await measurePhase(load, servers, { ...SCENARIOS[0]!, name: "warm-up" }, server, 0, WARM_UP_SECONDS);
    const phases: Phase[] = [];
    for (let repetition = 1; repetition <= REPEATS; repetition++) {
      const order: readonly ServerName[] = repetition % 2 === 1 ? ["promsd", "nginx"] : ["nginx", "promsd"];
      for (const scenario of SCENARIOS) {
        for (const server of order) {
          const phase = await measurePhase(load, servers, scenario, server, repetition);
          log(`#${repetition} ${scenario.name}, ${server}: ${(phase.count / phase.elapsedSeconds).toFixed(0)} req/s, p50 ${ms(phase.p50Ms)}, p99 ${ms(phase.p99Ms)}, load ${phase.loadAverage.toFixed(1)}`);
          phases.push(phase);
        }
      }
    }
    clearInterval(churn);
    await new Promise((r) => setTimeout(r, 3 * MIRROR_INTERVAL_MS + 1500)); // promsd's reload interval, then one mirror tick
    const endProblems = await checkSameContent(servers);
    facts.content = endProblems.length === 0
      ? "Checked before and after the measurements: both served byte-identical bodies (plain and gunzipped) and nginx answered its ETag with 304."
      : `Checked before the measurements: identical bodies; after them: **${endProblems.join("; ")}**.`;
    stopMirror.abort();
    await mirrorRun;
    log(`mirror rewrote the baseline's files ${mirror.writes} times`);
    facts.end = loadText();
    const fragment = report(phases, facts);
    mkdirSync(join(ROOT, "bench/results"), { recursive: true });
    writeFileSync(RAW_JSON, JSON.stringify({ phases }, null, 1));
    const previous = existsSync(RESULTS_MD) ? readFileSync(RESULTS_MD, "utf8") : "";
    writeFileSync(RESULTS_MD, spliceMeasured(previous, fragment));
    if (env["BENCH_RESULT_FILE"]) writeFileSync(env["BENCH_RESULT_FILE"], fragment);
    process.stdout.write(fragment);
  } finally {
    clearInterval(churn);
    stopMirror.abort();
    for (const child of children.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
