/**
 * Lays out the benchmark's working folder: the generated file_sd files (reused when the seed, size and
 * generator source are unchanged, since writing 180 MB takes a while) and a copy of prometheus.yml beside
 * them, so both tools run with this folder as working directory and see the same relative `__meta_filepath`.
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeWorkload } from "./generate.js";

export interface Workload {
  readonly dir: string;
  /** the config's name inside `dir` */
  readonly config: string;
  readonly targets: number;
  readonly files: readonly string[];
  readonly inputBytes: number;
}

const HERE = new URL(".", import.meta.url).pathname;

export function prepareWorkload(dir: string, options: { seed: number; targets: number; files: number }): Workload {
  const generator = readFileSync(join(HERE, "generate.ts"), "utf8");
  const stamp = JSON.stringify({ seed: options.seed, targets: options.targets, files: options.files,
    generator: createHash("sha256").update(generator).digest("hex") });
  const stampPath = join(dir, "workload.stamp");
  const files = Array.from({ length: options.files }, (_, n) => join("targets", `pods-${String(n).padStart(2, "0")}.json`));
  if (!existsSync(stampPath) || readFileSync(stampPath, "utf8") !== stamp) {
    rmSync(join(dir, "targets"), { recursive: true, force: true });
    writeWorkload(dir, options);
    writeFileSync(stampPath, stamp);
  }
  copyFileSync(join(HERE, "prometheus.yml"), join(dir, "prometheus.yml"));
  const inputBytes = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
  return { dir, config: "prometheus.yml", targets: options.targets, files, inputBytes };
}
