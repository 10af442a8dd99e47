/**
 * Keeps the baseline's static files equal to what promsd serves: polls each promsd URL with If-None-Match
 * and, on a new body, writes its exact bytes (and, when asked, a gzip of them at promsd's level) to the
 * served directory atomically (temp file, strictly increasing mtime, rename). It runs through both servers'
 * phases, so promsd does the same discovery and body building work in the background of the baseline's phase.
 */
import { renameSync, utimesSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { httpGet } from "./http-get.js";
import { nextMtimeSeconds } from "./stats.js";

export interface MirroredFile {
  /** promsd path, e.g. `/api/v1/sd/big?view=discovered`. */
  readonly promsdPath: string;
  /** File name under the served root. */
  readonly file: string;
  readonly gzip: boolean;
}

export interface MirrorOptions {
  readonly promsdPort: number;
  readonly root: string;
  readonly files: readonly MirroredFile[];
  readonly intervalMs: number;
  readonly signal: AbortSignal;
}

/** gzip level promsd uses (src/outputs/http-sd/http-sd.ts), so both serve bodies of the same size. */
const GZIP_LEVEL = 6;

export class Mirror {
  readonly #options: MirrorOptions;
  readonly #etags = new Map<string, string>();
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  #mtime: number | undefined;
  /** Rewrites of served files so far. */
  writes = 0;

  constructor(options: MirrorOptions) {
    this.#options = options;
  }

  /** Fetches every file once and writes those that changed; true when all are mirrored. */
  async syncOnce(): Promise<boolean> {
    let complete = true;
    for (const file of this.#options.files) {
      const etag = this.#etags.get(file.file);
      const res = await httpGet({ agent: this.#agent, port: this.#options.promsdPort, path: file.promsdPath, headers: etag ? { "if-none-match": etag } : {}, keepBody: true });
      if (res.status === 200 && res.body && res.etag) {
        this.#write(file, res.body);
        this.#etags.set(file.file, res.etag);
      } else if (res.status !== 304) complete = false;
    }
    return complete;
  }

  /** Polls until the signal aborts; errors (promsd restarting) are retried on the next tick. */
  async run(): Promise<void> {
    const { signal, intervalMs } = this.#options;
    while (!signal.aborted) {
      await this.syncOnce().catch(() => false);
      await delay(intervalMs, undefined, { signal }).catch(() => undefined);
    }
    this.#agent.destroy();
  }

  #write(file: MirroredFile, body: Buffer): void {
    this.#mtime = nextMtimeSeconds(this.#mtime, Date.now());
    const path = join(this.#options.root, file.file);
    // The .gz goes first so a gzip poller never gets a compressed copy older than the plain file beside it.
    if (file.gzip) this.#replace(`${path}.gz`, gzipSync(body, { level: GZIP_LEVEL }));
    this.#replace(path, body);
    this.writes++;
  }

  #replace(path: string, bytes: Buffer): void {
    writeFileSync(`${path}.tmp`, bytes);
    utimesSync(`${path}.tmp`, this.#mtime ?? 0, this.#mtime ?? 0);
    renameSync(`${path}.tmp`, path);
  }
}
