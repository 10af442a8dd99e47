/**
 * `GET /api/v1/status/config` (core.md 5.7: the effective config as YAML, every secret as `<secret>`) and the
 * lifecycle probes `/-/healthy` and `/-/ready` (ready once every provider delivered its initial set or the
 * initial timeout passed).
 */
import { goJsonString } from "../http/go-json.js";
import { apiSuccess, textResponse, type HttpResponse } from "../http/router.js";

/** `renderConfig` must already mask secrets (the config module's renderer does). */
export function statusConfig(renderConfig: () => string): HttpResponse {
  return apiSuccess(`{"yaml":${goJsonString(renderConfig())}}`);
}

export function healthy(): HttpResponse {
  return textResponse("promsd is Healthy.\n");
}

/** A provider that has not delivered its initial set yet, and the jobs that wait for it. */
export interface WaitingProvider {
  readonly name: string;
  readonly jobs: readonly string[];
}

/**
 * 503 until ready; the body names the providers still waiting, also once ready (the initial-set timeout ends
 * the daemon's wait, not theirs: their jobs answer 503 on http_sd until they deliver).
 */
export function ready(isReady: () => boolean, waitingProviders: () => readonly WaitingProvider[] = () => []): HttpResponse {
  const waiting = waitingProviders().map((p) => `  ${p.name} (jobs: ${p.jobs.join(", ")})\n`).join("");
  const detail = waiting === "" ? "" : `Still waiting for the initial targets of:\n${waiting}`;
  return isReady() ? textResponse(`promsd is Ready.\n${detail}`) : textResponse(`Service Unavailable\n${detail}`, 503);
}
