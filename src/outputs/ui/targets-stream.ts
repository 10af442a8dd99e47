/**
 * `GET /api/v1/targets/stream`: server-sent events announcing target changes (issue 7; core.md 7.1). The web UI
 * listens to it, and so can scripts (`curl -N`). Every event is one `targets` event whose data is one line of
 * JSON:
 *
 *   event: targets
 *   data: {"changed":["node"],"jobs":[{"name":"node","active":2,"dropped":1,"failed":0,"updatedAtMs":1764250000000,"isComplete":true,"waitingFor":[]}]}
 *
 * The first event, sent on connect, lists every job with `changed` = all job names. Later events are sent
 * whenever target building changed some jobs; `jobs` always holds the summary of every configured job (in
 * config order) and `changed` the jobs whose targets changed. A comment line (`: keep-alive`) goes out every
 * 15 s so proxies keep the connection open. Fetch details from `/api/v1/promsd/targets?job=<name>`.
 */
import type { TargetsView } from "../../targets/types.js";
import type { HttpResponse, ResponseStream } from "../http/router.js";

export const TARGETS_STREAM_PATH = "/api/v1/targets/stream";
const KEEP_ALIVE_MS = 15_000;
/** EventSource reconnect delay the server asks for. */
const RETRY_MS = 2_000;

export interface JobSummary {
  readonly name: string;
  readonly active: number;
  readonly dropped: number;
  readonly failed: number;
  /** Undefined (omitted) when the job was not built yet. */
  readonly updatedAtMs?: number;
  /** False until each of the job's providers delivered an initial set (http_sd answers 503 until then). */
  readonly isComplete: boolean;
  /** The providers the job still waits for. */
  readonly waitingFor: readonly string[];
}

/** Counts per job, in config order. */
export function jobSummaries(targets: TargetsView): JobSummary[] {
  return targets.jobNames().map((name) => {
    const job = targets.job(name);
    const { isComplete, waitingFor } = targets.delivery(name);
    if (!job) return { name, active: 0, dropped: 0, failed: 0, isComplete, waitingFor };
    return { name, active: job.active.length, dropped: job.droppedCount, failed: job.failed.length, updatedAtMs: job.updatedAtMs, isComplete, waitingFor };
  });
}

/** One SSE frame; JSON never contains a raw newline, so `data` is a single line. */
export function targetsEvent(targets: TargetsView, changed: readonly string[]): string {
  return `event: targets\ndata: ${JSON.stringify({ changed, jobs: jobSummaries(targets) })}\n\n`;
}

export function targetsStreamHandler(targets: TargetsView, options: { keepAliveMs?: number } = {}): () => HttpResponse {
  const keepAliveMs = options.keepAliveMs ?? KEEP_ALIVE_MS;
  const stream: ResponseStream = {
    start(write, signal) {
      write(`retry: ${RETRY_MS}\n\n`);
      write(targetsEvent(targets, targets.jobNames()));
      targets.subscribe((changed) => write(targetsEvent(targets, changed)), signal);
      const timer = setInterval(() => write(": keep-alive\n\n"), keepAliveMs);
      timer.unref();
      signal.addEventListener("abort", () => clearInterval(timer), { once: true });
    },
  };
  return () => ({ status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" }, body: "", stream });
}
