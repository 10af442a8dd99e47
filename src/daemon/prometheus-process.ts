/**
 * Test support: starts the reference Prometheus server (Debian's 2.42, /usr/bin/prometheus) on loopback with
 * a given config, waits until it is ready, and stops it by PID. Used by the end-to-end tests that check real
 * Prometheus servers consume promsd's http_sd and file_sd outputs.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { waitFor } from "../testing/index.js";

export const PROMETHEUS_PATH = "/usr/bin/prometheus";

export function isPrometheusInstalled(): boolean {
  return existsSync(PROMETHEUS_PATH);
}

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface ActiveTargetJson {
  readonly labels: Record<string, string>;
  readonly scrapePool: string;
  readonly scrapeUrl: string;
}

export class PrometheusProcess {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  #log = "";

  private constructor(child: ChildProcess, readonly url: string) {
    this.#child = child;
    child.stderr?.on("data", (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-20_000);
    });
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  /** Writes `configYaml` into `dir`, starts Prometheus on a free loopback port and waits for /-/ready. */
  static async start(dir: string, configYaml: string): Promise<PrometheusProcess> {
    await mkdir(join(dir, "data"), { recursive: true });
    const configFile = join(dir, "prometheus.yml");
    await writeFile(configFile, configYaml);
    const port = await freeLoopbackPort();
    const child = spawn(
      PROMETHEUS_PATH,
      [`--config.file=${configFile}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
      { cwd: dir, stdio: ["ignore", "ignore", "pipe"] },
    );
    const prometheus = new PrometheusProcess(child, `http://127.0.0.1:${port}`);
    try {
      await waitFor(async () => (await fetch(`${prometheus.url}/-/ready`)).status === 200, { timeoutMs: 20_000, intervalMs: 100, description: "prometheus ready" });
    } catch (error) {
      await prometheus.stop();
      throw new Error(`prometheus did not start: ${prometheus.#log.slice(-2000)}`, { cause: error });
    }
    return prometheus;
  }

  /** The last part of the server's log, for failure messages. */
  get log(): string {
    return this.#log;
  }

  async activeTargets(): Promise<ActiveTargetJson[]> {
    const res = await fetch(`${this.url}/api/v1/targets?state=active`);
    const body = (await res.json()) as { data: { activeTargets: ActiveTargetJson[] } };
    return body.data.activeTargets;
  }

  /** Stops the process by PID (SIGTERM, then SIGKILL after 5 s); idempotent. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGTERM");
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
      await this.#exited;
      clearTimeout(timer);
    }
  }
}
