/**
 * End to end with real Prometheus 2.42 servers (issue 3, "How it is proven"): promsd discovers once; one
 * Prometheus consumes it through http_sd_configs (final view), another through file_sd_configs on the
 * written directory, two more through `?shard=i&shards=2`. Their /api/v1/targets must list exactly the
 * targets promsd serves, follow a rewritten file_sd input without a restart, and the shards must cover every
 * target exactly once. Every target is a closed loopback port, so scrapes fail fast and stay on the machine.
 */
import assert from "node:assert/strict";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { silentLogger } from "../logging.js";
import { createTempDir, waitFor } from "../testing/index.js";
import { Daemon } from "./daemon.js";
import { DEFAULT_FLAGS } from "./flags.js";
import { freeLoopbackPort, isPrometheusInstalled, PROMETHEUS_PATH, PrometheusProcess, type ActiveTargetJson } from "./prometheus-process.js";

const CONVERGE_MS = 45_000;

const PROMSD_CONFIG = `
global: {scrape_interval: 1h}
scrape_configs:
  - job_name: fsd
    file_sd_configs: [{files: [inputs/*.json], refresh_interval: 1s}]
    relabel_configs:
      - {source_labels: [drop], regex: "yes", action: drop}
      - {source_labels: [__address__], regex: "127.0.0.1:(.*)", target_label: port}
  - job_name: many
    metrics_path: /probe
    params: {module: [m1]}
    static_configs:
      - targets: [${Array.from({ length: 10 }, (_, i) => `"127.0.0.1:${i + 1}"`).join(", ")}]
        labels: {tier: "a&b"}
`;

function inputFile(targets: readonly string[], env: string): string {
  return JSON.stringify([{ targets, labels: { env } }, { targets: ["127.0.0.1:99"], labels: { drop: "yes" } }]);
}

function consumerConfig(jobs: Record<string, string>): string {
  const lines = ["global: {scrape_interval: 1h}", "scrape_configs:"];
  for (const [job, sd] of Object.entries(jobs)) lines.push(`  - job_name: ${job}`, `    ${sd}`);
  return `${lines.join("\n")}\n`;
}

function comparable(targets: readonly ActiveTargetJson[], pool: string): string[] {
  return targets.filter((t) => t.scrapePool === pool).map((t) => JSON.stringify({ labels: t.labels, scrapeUrl: t.scrapeUrl })).sort();
}

/** A test that needs the reference server fails loudly when it is missing; it never passes by skipping. */
function assertPrometheusInstalled(): void {
  if (!isPrometheusInstalled()) {
    throw new Error(`${PROMETHEUS_PATH} is missing: install Debian's prometheus package: npm test does it via scripts/ensure-system-packages.sh`);
  }
}

describe("daemon e2e with Prometheus 2.42", () => {
  let root: { path: string; remove(): Promise<void> };
  let daemon: Daemon;
  let viaHttp: PrometheusProcess;
  let viaFile: PrometheusProcess;
  let shards: PrometheusProcess[] = [];
  /** Every started server, registered at once so `after` stops it even when setup fails half-way. */
  const started: PrometheusProcess[] = [];
  const track = async (starting: Promise<PrometheusProcess>): Promise<PrometheusProcess> => {
    const prometheus = await starting;
    started.push(prometheus);
    return prometheus;
  };

  async function promsdTargets(pool: string): Promise<string[]> {
    const res = await fetch(`${daemon.url}/api/v1/targets?scrapePool=${pool}`);
    return comparable(((await res.json()) as { data: { activeTargets: ActiveTargetJson[] } }).data.activeTargets, pool);
  }

  async function converged(consumer: PrometheusProcess, pool: string, want: string[]): Promise<void> {
    await waitFor(async () => JSON.stringify(comparable(await consumer.activeTargets(), pool)) === JSON.stringify(want), {
      timeoutMs: CONVERGE_MS,
      intervalMs: 250,
      description: `${consumer.url} lists promsd's ${pool} targets`,
    }).catch(async (error: unknown) => {
      assert.deepEqual(comparable(await consumer.activeTargets(), pool), want, `${error instanceof Error ? error.message : String(error)}\n${consumer.log.slice(-1500)}`);
    });
  }

  before(async () => {
    assertPrometheusInstalled();
    root = await createTempDir("promsd-e2e-");
    const dir = root.path;
    await mkdir(join(dir, "promsd", "inputs"), { recursive: true });
    await writeFile(join(dir, "promsd", "inputs", "a.json"), inputFile(["127.0.0.1:11", "127.0.0.1:12"], "one"));
    await writeFile(join(dir, "promsd", "prometheus.yml"), PROMSD_CONFIG);
    const port = await freeLoopbackPort();
    daemon = new Daemon({
      flags: {
        ...DEFAULT_FLAGS,
        configFile: join(dir, "promsd", "prometheus.yml"),
        listenAddress: `127.0.0.1:${port}`,
        discoveryUpdateIntervalMs: 0,
        discoveryReloadIntervalMs: 0,
        fileSdDir: join(dir, "out"),
      },
      logger: silentLogger,
    });
    await daemon.start();
    await waitFor(async () => (await promsdTargets("fsd")).length === 2 && (await promsdTargets("many")).length === 10, { timeoutMs: 10_000, description: "promsd targets" });
    const sd = (path: string) => `http_sd_configs: [{url: "${daemon.url}${path}", refresh_interval: 1s}]`;
    const file = (job: string) => `file_sd_configs: [{files: ["${join(dir, "out", `${job}.json`)}"], refresh_interval: 1s}]`;
    [viaHttp, viaFile, ...shards] = await Promise.all([
      track(PrometheusProcess.start(join(dir, "p-http"), consumerConfig({ fsd: sd("/api/v1/sd/fsd"), many: sd("/api/v1/sd/many") }))),
      track(PrometheusProcess.start(join(dir, "p-file"), consumerConfig({ fsd: file("fsd"), many: file("many") }))),
      track(PrometheusProcess.start(join(dir, "p-shard0"), consumerConfig({ many: sd("/api/v1/sd/many?shard=0&shards=2") }))),
      track(PrometheusProcess.start(join(dir, "p-shard1"), consumerConfig({ many: sd("/api/v1/sd/many?shard=1&shards=2") }))),
    ]);
  });

  after(async () => {
    await Promise.allSettled(started.map((p) => p.stop()));
    await daemon?.close();
    await root?.remove();
  });

  test("e2e: an http_sd consumer lists exactly the targets promsd serves", async () => {
    for (const pool of ["fsd", "many"]) await converged(viaHttp, pool, await promsdTargets(pool));
  });

  test("e2e: a file_sd consumer of the written directory lists exactly the targets promsd serves", async () => {
    for (const pool of ["fsd", "many"]) await converged(viaFile, pool, await promsdTargets(pool));
  });

  test("e2e: two shard consumers together cover every target exactly once", async () => {
    const all = await promsdTargets("many");
    await waitFor(
      async () => {
        const [a, b] = await Promise.all(shards.map(async (s) => comparable(await s.activeTargets(), "many")));
        return a !== undefined && b !== undefined && a.length + b.length === all.length && a.length > 0 && b.length > 0 && [...a, ...b].sort().join() === all.join();
      },
      { timeoutMs: CONVERGE_MS, intervalMs: 250, description: "shards cover every target once" },
    );
  });

  test("e2e: both consumers follow a rewritten file_sd input without a restart", async () => {
    const input = join(root.path, "promsd", "inputs", "a.json");
    await writeFile(`${input}.tmp`, inputFile(["127.0.0.1:13", "127.0.0.1:14", "127.0.0.1:15"], "two"));
    await rename(`${input}.tmp`, input);
    await waitFor(async () => (await promsdTargets("fsd")).length === 3, { timeoutMs: 10_000, description: "promsd follows the input" });
    const want = await promsdTargets("fsd");
    assert.ok(want.every((t) => t.includes('"env":"two"')));
    await Promise.all([converged(viaHttp, "fsd", want), converged(viaFile, "fsd", want)]);
  });
});
