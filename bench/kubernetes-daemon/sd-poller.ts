/**
 * Polls one job's http_sd output the way a consuming Prometheus would, but with `If-None-Match`: an
 * unchanged list costs the daemon a 304. Each new body is scanned as it streams (sd-scan.ts).
 */
import { Agent, get } from "node:http";
import { SdBodyScanner, type SdScan } from "./sd-scan.js";

export interface SdPoll {
  readonly status: number;
  /** Date.now() when the response headers arrived: the body was built by then. */
  readonly respondedAtMs: number;
  /** Milliseconds from the request to the end of the body. */
  readonly durationMs: number;
  readonly bytes: number;
  /** Only for a 200. */
  readonly scan?: SdScan;
}

/** A daemon that does not answer within this long is reported as stuck instead of hanging the bench. */
const POLL_TIMEOUT_MS = 900_000;

export class SdPoller {
  readonly #url: string;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  #etag: string | undefined;

  constructor(daemonUrl: string, jobName: string) {
    this.#url = `${daemonUrl}/api/v1/sd/${encodeURIComponent(jobName)}`;
  }

  poll(): Promise<SdPoll> {
    const started = performance.now();
    const headers = this.#etag === undefined ? {} : { "if-none-match": this.#etag };
    return new Promise((resolve, reject) => {
      const request = get(this.#url, { agent: this.#agent, headers, signal: AbortSignal.timeout(POLL_TIMEOUT_MS) }, (response) => {
        const respondedAtMs = Date.now();
        const status = response.statusCode ?? 0;
        const scanner = status === 200 ? new SdBodyScanner() : undefined;
        let bytes = 0;
        response.setEncoding("utf8");
        response.on("data", (text: string) => {
          bytes += Buffer.byteLength(text);
          scanner?.push(text);
        });
        response.on("end", () => {
          if (status === 200) this.#etag = response.headers.etag;
          const scan = scanner?.end();
          const durationMs = performance.now() - started;
          resolve(scan === undefined ? { status, respondedAtMs, durationMs, bytes } : { status, respondedAtMs, durationMs, bytes, scan });
        });
        response.on("error", reject);
      });
      request.on("error", reject);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
