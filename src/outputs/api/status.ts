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

export function ready(isReady: () => boolean): HttpResponse {
  return isReady() ? textResponse("promsd is Ready.\n") : textResponse("Service Unavailable\n", 503);
}
