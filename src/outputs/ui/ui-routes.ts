/** Mounts the web UI (issue 7): its static files, its JSON endpoints and the live targets stream. */
import type { ProviderStatus } from "../../manager/manager.js";
import type { TargetsView } from "../../targets/types.js";
import type { RelabelRulesOf } from "../api/relabel-steps.js";
import type { HttpResponse, Router } from "../http/router.js";
import { StaticAssets, defaultUiDir } from "./static-assets.js";
import { TARGETS_STREAM_PATH, targetsStreamHandler } from "./targets-stream.js";
import { jobTargetsHandler, providersHandler } from "./ui-api.js";

export interface UiOptions {
  readonly targets: TargetsView;
  readonly relabelRules: RelabelRulesOf;
  readonly providerStatuses: () => readonly ProviderStatus[];
  /** See UiApiOptions.providerConfigYaml. */
  readonly providerConfigYaml?: (provider: ProviderStatus) => string | undefined;
  /** What `/` shows when the UI was not built (the plain placeholder page). */
  readonly fallbackPage?: () => HttpResponse;
  /** The built UI; default dist/ui/. */
  readonly uiDir?: string;
}

/** Prometheus's page paths, as its users type them, and the UI pages that answer them. */
export const PROMETHEUS_PAGE_REDIRECTS: Readonly<Record<string, string>> = {
  "/targets": "/#/targets",
  "/service-discovery": "/#/sd",
};

function redirectTo(location: string): HttpResponse {
  return { status: 302, headers: { location, "content-type": "text/plain; charset=utf-8" }, body: `Found: ${location}\n` };
}

export function addUiRoutes(router: Router, options: UiOptions): Router {
  const assets = new StaticAssets(options.uiDir ?? defaultUiDir(), options.fallbackPage);
  for (const [path, location] of Object.entries(PROMETHEUS_PAGE_REDIRECTS)) router.get(path, () => redirectTo(location));
  return router
    .get("/", (request) => assets.handle(request))
    .get("/assets/", (request) => assets.handle(request), { isPrefix: true })
    .get(TARGETS_STREAM_PATH, targetsStreamHandler(options.targets))
    .get("/api/v1/promsd/targets", jobTargetsHandler(options))
    .get("/api/v1/promsd/providers", providersHandler(options));
}
