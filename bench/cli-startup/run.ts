/**
 * The CLI's start-up cost as mechanisms are added (issue 12: "promsd check config on a static-only config must
 * not get slower"). Builds a base revision (BENCH_BASE_REV, default the last commit before the new mechanisms
 * landed) from `git archive` next to the current checkout's build, then runs `check config` on the same
 * static-only config with both builds and with promtool 2.42, interleaved (base, current, promtool, …) so load
 * on the machine hits all three alike. Reports medians of wall time, CPU and peak RSS, and ratios. Also runs
 * the current build on a config that uses a cloud SDK mechanism, to show what loading an SDK costs when a
 * config does use it. BENCH_REPEATS (15).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { markdownTable, formatMebibytes, formatRatio } from "../lib/markdown-table.js";
import { measureCommand, type Measurement } from "../lib/measure.js";
import { summarize, type MeasurementSummary } from "../lib/stats.js";

const root = new URL("../..", import.meta.url).pathname;
const BASE_REV = process.env["BENCH_BASE_REV"] ?? "0ca7f80";
const REPEATS = Number(process.env["BENCH_REPEATS"] ?? 15);

const work = mkdtempSync(join(tmpdir(), "promsd-cli-startup-"));
try {
  const baseDir = join(work, "base");
  execFileSync("bash", ["-c", `mkdir -p ${baseDir} && git -C ${root} archive ${BASE_REV} | tar -x -C ${baseDir}`]);
  symlinkSync(join(root, "node_modules"), join(baseDir, "node_modules"));
  execFileSync(process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], { cwd: baseDir, stdio: "inherit" });
  if (!existsSync(join(root, "dist/cli/main.js"))) execFileSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });

  const staticConfig = join(work, "static.yml");
  writeFileSync(staticConfig, "scrape_configs:\n  - job_name: node\n    static_configs: [{targets: ['a:9100', 'b:9100'], labels: {team: ops}}]\n");
  const sdkConfig = join(work, "sdk.yml");
  writeFileSync(sdkConfig, "scrape_configs:\n  - job_name: ec2\n    ec2_sd_configs: [{region: eu-west-1, access_key: a, secret_key: s, endpoint: 'http://127.0.0.1:1'}]\n");

  const variants = [
    { name: `promsd ${BASE_REV} (before the new mechanisms)`, command: process.execPath, args: [join(baseDir, "dist/cli/main.js"), "check", "config", staticConfig] },
    { name: "promsd now", command: process.execPath, args: [join(root, "dist/cli/main.js"), "check", "config", staticConfig] },
    { name: "promtool 2.42", command: "promtool", args: ["check", "config", staticConfig] },
    { name: "promsd now, an ec2_sd_configs job (`promsd sd`, SDK loaded)", command: process.execPath, args: [join(root, "dist/cli/main.js"), "sd", sdkConfig, "ec2", "--timeout=1ms"], env: { ...process.env, AWS_EC2_METADATA_DISABLED: "true" } },
  ];
  const runs = new Map<string, Measurement[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < REPEATS; i++) {
    for (const variant of variants) {
      const run = await measureCommand({ command: variant.command, args: variant.args, cwd: work, ...(variant.env ? { env: variant.env } : {}), killAfterMs: 60_000 });
      if (run.exitCode !== 0 && !variant.name.includes("ec2")) throw new Error(`${variant.name} failed: ${run.stderr}`);
      runs.get(variant.name)?.push(run);
    }
  }
  const summaries = new Map<string, MeasurementSummary>([...runs].map(([name, list]) => [name, summarize(list)]));
  const base = summaries.get(variants[0]?.name ?? "") as MeasurementSummary;
  const promtool = summaries.get("promtool 2.42") as MeasurementSummary;
  const ms = (s: number): string => `${(s * 1000).toFixed(0)} ms`;
  const rows = [...summaries].map(([name, s]) => [name, ms(s.wallSeconds), ms(s.cpuSeconds), formatMebibytes(s.peakRssBytes), formatRatio(s.wallSeconds, base.wallSeconds), formatRatio(s.wallSeconds, promtool.wallSeconds)]);
  const table = markdownTable(
    [{ title: "check config, static-only config" }, { title: "wall (median)", align: "right" }, { title: "CPU", align: "right" }, { title: "peak RSS", align: "right" }, { title: "vs base", align: "right" }, { title: "vs promtool", align: "right" }],
    rows,
  );
  const fragment = `${REPEATS} interleaved runs each, ${new Date().toISOString().slice(0, 16)} UTC, load ${execFileSync("cat", ["/proc/loadavg"]).toString().split(" ").slice(0, 3).join(" ")}.\n\n${table}`;
  process.stdout.write(fragment);
  const out = process.env["BENCH_RESULT_FILE"];
  if (out !== undefined) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, fragment);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
  spawnSync("true");
}
