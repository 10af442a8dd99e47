/**
 * http_sd serving benchmark (issue 3): requests per second and latency of `GET /api/v1/sd/<job>` for a
 * 10,000-target job under concurrent keep-alive polling while the targets keep changing (the file_sd input is
 * rewritten every second, so bodies are rebuilt and ETags change under load). promsd runs as its own process
 * (`promsd run` via runDaemon); the load generator is this process (node:http, keep-alive), so client cost
 * is part of the figures and the numbers are a lower bound for promsd itself. Scenarios: full body, polling
 * with If-None-Match (what a cache-aware consumer pays), one shard of four, and the discovered view.
 *
 * Settings (environment): BENCH_TARGETS (10000), BENCH_CONCURRENCY (32), BENCH_SECONDS (10 per scenario),
 * BENCH_CHURN_MS (1000), BENCH_RESULT_FILE (markdown fragment; also written to bench/http-sd/RESULTS.md).
 * Loopback only; the daemon is killed by PID when the bench ends.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const env = process.env;
const TARGETS = Number(env["BENCH_TARGETS"] ?? 10_000);
const CONCURRENCY = Number(env["BENCH_CONCURRENCY"] ?? 32);
const SECONDS = Number(env["BENCH_SECONDS"] ?? 10);
const CHURN_MS = Number(env["BENCH_CHURN_MS"] ?? 1000);
const RESULT_FILES = [join(ROOT, "bench/http-sd/RESULTS.md"), ...(env["BENCH_RESULT_FILE"] ? [env["BENCH_RESULT_FILE"]] : [])];

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

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime in clock ticks (USER_HZ = 100)
}

interface Response {
  readonly status: number;
  readonly etag: string | undefined;
  readonly bytes: number;
}

function get(agent: Agent, port: number, path: string, etag: string | undefined): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent, headers: etag ? { "if-none-match": etag } : {} }, (res) => {
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, bytes }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

interface ScenarioResult {
  readonly name: string;
  readonly requests: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly notModified: number;
  readonly mibPerSecond: number;
  readonly daemonCpuSeconds: number;
}

async function scenario(name: string, port: number, pid: number, path: string, conditional: boolean): Promise<ScenarioResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let notModified = 0;
  let bytes = 0;
  const cpuBefore = cpuSeconds(pid);
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      let etag: string | undefined;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const res = await get(agent, port, path, conditional ? etag : undefined);
        latencies.push(performance.now() - t0);
        if (res.status === 304) notModified++;
        else if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
        etag = res.etag;
        bytes += res.bytes;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name, requests: latencies.length, rps: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: latencies.at(-1) ?? 0,
    notModified, mibPerSecond: bytes / elapsed / 1024 ** 2, daemonCpuSeconds: cpuSeconds(pid) - cpuBefore,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "promsd-bench-http-sd-"));
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
  const port = await freePort();
  const entry = `import { runDaemon } from ${JSON.stringify(join(ROOT, "src/daemon/run.ts"))}; process.exitCode = await runDaemon(process.argv.slice(1));`;
  const daemon = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", entry, "--",
    `--config.file=${join(dir, "prometheus.yml")}`, `--web.listen-address=127.0.0.1:${port}`,
    "--discovery.update-interval=0s", "--scrape.discovery-reload-interval=500ms", "--log.level=error"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const pid = daemon.pid ?? 0;
  let churn: NodeJS.Timeout | undefined;
  try {
    const agent = new Agent({ keepAlive: false });
    for (let i = 0; ; i++) {
      const res = await get(agent, port, "/api/v1/sd/big", undefined).catch(() => undefined);
      if (res?.status === 200 && res.bytes > TARGETS * 50) break;
      if (i > 600) throw new Error("promsd did not serve the job within 60 s");
      await new Promise((r) => setTimeout(r, 100));
    }
    log(`promsd serves ${TARGETS} targets; ${CONCURRENCY} concurrent pollers, ${SECONDS} s per scenario, input rewritten every ${CHURN_MS} ms`);
    let generation = 0;
    churn = setInterval(() => {
      generation++;
      writeFileSync(`${input}.tmp`, targetsFile(generation));
      renameSync(`${input}.tmp`, input);
    }, CHURN_MS);
    const results: ScenarioResult[] = [];
    for (const [name, path, conditional] of [
      ["final view, full body", "/api/v1/sd/big", false],
      ["final view, If-None-Match", "/api/v1/sd/big", true],
      ["final view, shard 0 of 4", "/api/v1/sd/big?shard=0&shards=4", false],
      ["discovered view, full body", "/api/v1/sd/big?view=discovered", false],
    ] as const) {
      const result = await scenario(name, port, pid, path, conditional);
      log(`${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`);
      results.push(result);
    }
    const body = [
      `10,000-target file_sd job (100 groups, 2 relabel rules), the input rewritten every ${CHURN_MS} ms (1% of targets move),`,
      `${CONCURRENCY} concurrent keep-alive pollers for ${SECONDS} s per scenario; promsd (\`--scrape.discovery-reload-interval=500ms\`) in its own process,`,
      "the load generator (node:http) in another on the same machine. `promsd CPU` is the daemon's user+system time during the scenario.",
      `Machine: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} at the end (other benchmarks and test suites were running;`,
      "when promsd's CPU is far below the wall time, the load generator or the machine was the limit, not promsd).",
      "",
      "| scenario | requests | req/s | p50 | p99 | max | 304s | MiB/s | promsd CPU |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...results.map((r) => `| ${r.name} | ${r.requests} | ${r.rps.toFixed(0)} | ${r.p50Ms.toFixed(1)} ms | ${r.p99Ms.toFixed(1)} ms | ${r.maxMs.toFixed(1)} ms | ${r.notModified} | ${r.mibPerSecond.toFixed(1)} | ${r.daemonCpuSeconds.toFixed(2)} s |`),
      "",
    ].join("\n");
    for (const file of RESULT_FILES) writeFileSync(file, body);
    process.stdout.write(body);
  } finally {
    clearInterval(churn);
    const exited = new Promise((resolve) => daemon.once("exit", resolve));
    daemon.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
