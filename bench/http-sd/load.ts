/**
 * The load generator of the http-sd bench, a child process of run.ts so that the coordinator's own work
 * (rewriting the input every second, mirroring promsd's bodies for the baseline) never delays a poller.
 * On `{ event: "run", ...LoadSpec }` it runs `concurrency` keep-alive pollers against one server for
 * `seconds` and answers `{ event: "result", ...LoadResult }`; it exits on a failed request (non-200/304) and
 * when the coordinator disconnects.
 */
import { Agent } from "node:http";
import { httpGet } from "./http-get.js";
import { summarizeLatencies, type LatencySummary } from "./stats.js";

export interface LoadSpec {
  readonly port: number;
  readonly path: string;
  readonly concurrency: number;
  readonly seconds: number;
  /** Send If-None-Match with the ETag of the poller's previous answer, as a cache-aware consumer does. */
  readonly conditional: boolean;
  readonly gzip: boolean;
}

export interface LoadResult extends LatencySummary {
  readonly elapsedSeconds: number;
  readonly notModified: number;
  readonly bytes: number;
  /** Distinct ETags seen: how many versions of the body the pollers observed while the input changed. */
  readonly versions: number;
  readonly clientCpuSeconds: number;
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency });
  const latencies: number[] = [];
  const etags = new Set<string>();
  let notModified = 0;
  let bytes = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + spec.seconds * 1000;
  const poller = async (): Promise<void> => {
    let etag: string | undefined;
    while (performance.now() < deadline) {
      const headers: Record<string, string> = {};
      if (spec.conditional && etag !== undefined) headers["if-none-match"] = etag;
      if (spec.gzip) headers["accept-encoding"] = "gzip";
      const t0 = performance.now();
      const res = await httpGet({ agent, port: spec.port, path: spec.path, headers });
      latencies.push(performance.now() - t0);
      if (res.status === 304) notModified++;
      else if (res.status !== 200) throw new Error(`${spec.path}: HTTP ${res.status}`);
      if (res.etag !== undefined) etags.add((etag = res.etag));
      bytes += res.bytes;
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, poller));
  const elapsedSeconds = (performance.now() - started) / 1000;
  agent.destroy();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...summarizeLatencies(latencies), elapsedSeconds, notModified, bytes, versions: etags.size,
    clientCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}

process.on("message", (message: { event: string } & LoadSpec) => {
  if (message.event !== "run") return;
  runLoad(message).then(
    (result) => process.send?.({ event: "result", ...result }),
    (error: unknown) => {
      // Exiting makes the coordinator's wait for "result" fail at once with this process's exit code.
      console.error(error);
      process.exit(1);
    },
  );
});
process.on("disconnect", () => process.exit(0));
