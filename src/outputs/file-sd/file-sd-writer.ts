/**
 * file_sd output (issue 3, item 3): one `<job>.json` per job in `dir`, in the http_sd final view format
 * (core.md 6.1), so an unmodified Prometheus can consume it with `file_sd_configs`. Files are replaced
 * atomically (a hidden temp file in the same directory, then rename) and only when their content changed, so
 * Prometheus's file watcher never reads half a file and is not woken for nothing. The temp name starts with
 * "." and ends in ".tmp", so a `*.json` glob never matches it. A job that leaves the config loses its file.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../logging.js";
import type { TargetsView } from "../../targets/types.js";
import { encodeSdGroups, finalGroups } from "../http-sd/groups.js";
import type { DaemonMetrics } from "../metrics/daemon-metrics.js";

export interface FileSdWriterOptions {
  readonly dir: string;
  readonly targets: TargetsView;
  readonly logger: Logger;
  readonly metrics?: DaemonMetrics;
}

/** A file name for a job: percent-encodes everything but `A-Z a-z 0-9 - _ .`, so no name escapes `dir`. */
export function fileNameForJob(jobName: string): string {
  const safe = encodeURIComponent(jobName).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${safe}.json`;
}

export class FileSdWriter {
  readonly #options: FileSdWriterOptions;
  /** Content last written (or found on disk) per file name. */
  readonly #written = new Map<string, string>();
  readonly #dirty = new Set<string>();
  #pass: Promise<void> = Promise.resolve();
  #tempCounter = 0;

  constructor(options: FileSdWriterOptions) {
    this.#options = options;
  }

  /** Creates `dir`, writes every job, then follows changes until `signal` aborts. */
  async start(signal: AbortSignal): Promise<void> {
    await mkdir(this.#options.dir, { recursive: true });
    this.#options.targets.subscribe((changed) => this.#schedule(changed), signal);
    this.#schedule(this.#options.targets.jobNames());
    await this.flush();
  }

  /** Resolves when every change seen so far is on disk. */
  async flush(): Promise<void> {
    let pass: Promise<void>;
    do {
      pass = this.#pass;
      await pass;
    } while (pass !== this.#pass);
  }

  #schedule(jobNames: readonly string[]): void {
    for (const name of jobNames) this.#dirty.add(name);
    this.#pass = this.#pass.then(() => this.#writeDirty());
  }

  async #writeDirty(): Promise<void> {
    const jobs = [...this.#dirty];
    this.#dirty.clear();
    const configured = new Set(this.#options.targets.jobNames());
    for (const jobName of jobs) {
      try {
        if (configured.has(jobName)) await this.#writeJob(jobName);
        else await this.#removeJob(jobName);
      } catch (error) {
        this.#options.metrics?.fileSdWriteErrors.inc({ job: jobName });
        this.#options.logger.error({ job: jobName, dir: this.#options.dir, err: error }, "Writing file_sd output failed");
      }
    }
  }

  async #writeJob(jobName: string): Promise<void> {
    const job = this.#options.targets.job(jobName);
    // Not every provider delivered yet (however long that takes): keep whatever a previous run left, and
    // write no file at all for a job never delivered, so consumers see no blink and no false emptiness.
    if (!job || !this.#options.targets.delivery(jobName).isComplete) return;
    const name = fileNameForJob(jobName);
    const path = join(this.#options.dir, name);
    const content = `${encodeSdGroups(finalGroups(job))}\n`;
    if (!this.#written.has(name)) {
      const existing = await readFile(path, "utf8").catch(() => undefined);
      if (existing !== undefined) this.#written.set(name, existing);
    }
    if (this.#written.get(name) === content) return;
    const temp = join(this.#options.dir, `.${name}.${process.pid}.${++this.#tempCounter}.tmp`);
    try {
      await writeFile(temp, content);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.#written.set(name, content);
    this.#options.metrics?.fileSdWrites.inc({ job: jobName });
    this.#options.logger.debug({ job: jobName, path, targets: job.active.length }, "Wrote file_sd output");
  }

  async #removeJob(jobName: string): Promise<void> {
    const name = fileNameForJob(jobName);
    if (!this.#written.delete(name)) return; // only files this writer wrote
    await rm(join(this.#options.dir, name), { force: true });
    this.#options.logger.info({ job: jobName }, "Removed file_sd output of a job that left the config");
  }
}
