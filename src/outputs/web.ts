/**
 * Every HTTP endpoint of the daemon on one Router. The outputs only see what they need (a TargetsView, the
 * latest discovered groups, the job's rules, a config renderer), never the manager (STYLE 2.6), so the whole
 * surface can be tested in-process with a fake view.
 */
import type { Registry } from "prom-client";
import type { Logger } from "../logging.js";
import type { ProviderStatus } from "../manager/manager.js";
import type { TargetGroup } from "../model/target-group.js";
import type { Profile } from "../profile.js";
import type { TargetsView } from "../targets/types.js";
import type { GlobalUrlOptions } from "./api/global-url.js";
import { relabelStepsHandler, type RelabelRulesOf } from "./api/relabel-steps.js";
import { healthy, ready, statusConfig, type WaitingProvider } from "./api/status.js";
import { TargetsApi } from "./api/targets-api.js";
import { homePage } from "./home/home.js";
import { HTTP_SD_PATH_PREFIX, HttpSdOutput } from "./http-sd/http-sd.js";
import { Router, textResponse } from "./http/router.js";
import { addLifecycleRoutes, type LifecycleOptions } from "./lifecycle/lifecycle.js";
import type { DaemonMetrics } from "./metrics/daemon-metrics.js";
import { addUiRoutes } from "./ui/ui-routes.js";
import type { SdAllocationOptions } from "./http-sd/allocation.js";

export interface WebOptions {
  readonly targets: TargetsView;
  readonly profile: Profile;
  readonly discoveredGroups: (jobName: string) => readonly TargetGroup[] | undefined;
  readonly relabelRules: RelabelRulesOf;
  /** The running config as YAML with secrets masked. */
  readonly renderConfig: () => string;
  /** `?consumer=` allocation on http_sd; undefined: off. */
  readonly allocation?: SdAllocationOptions;
  readonly isReady: () => boolean;
  /** Providers that have not delivered their initial set yet (named on /-/ready). */
  readonly waitingProviders?: () => readonly WaitingProvider[];
  readonly globalUrl: () => GlobalUrlOptions;
  readonly registry: Registry;
  readonly metrics: DaemonMetrics;
  readonly lifecycle: LifecycleOptions;
  readonly logger: Logger;
  /** The web UI (issue 7) at `/`; without it `/` is the plain placeholder page. */
  readonly ui?: {
    readonly providerStatuses: () => readonly ProviderStatus[];
    readonly providerConfigYaml?: (provider: ProviderStatus) => string | undefined;
    readonly uiDir?: string;
  };
}

export function createWebRouter(options: WebOptions): Router {
  const router = new Router({
    onError: (error, request) => options.logger.error({ err: error, path: request.url.pathname }, "HTTP handler failed"),
  });
  const httpSd = new HttpSdOutput({ targets: options.targets, discoveredGroups: options.discoveredGroups, metrics: options.metrics, ...(options.allocation ? { allocation: options.allocation } : {}) });
  const api = new TargetsApi({ targets: options.targets, profile: options.profile, globalUrl: options.globalUrl });
  if (options.ui) {
    addUiRoutes(router, { targets: options.targets, relabelRules: options.relabelRules, fallbackPage: () => homePage(options.targets), ...options.ui });
  } else {
    router.get("/", () => homePage(options.targets));
  }
  router
    .get(HTTP_SD_PATH_PREFIX, (request) => httpSd.handle(request), { isPrefix: true })
    .get("/api/v1/targets", (request) => api.targets(request))
    .get("/api/v1/targets/failed", (request) => api.failedTargets(request))
    .get("/api/v1/targets/relabel_steps", relabelStepsHandler(options.relabelRules))
    .get("/api/v1/scrape_pools", () => api.scrapePools())
    .get("/api/v1/status/config", () => statusConfig(options.renderConfig))
    .get("/-/healthy", healthy)
    .get("/-/ready", () => ready(options.isReady, options.waitingProviders))
    .get("/metrics", async () => textResponse(await options.registry.metrics(), 200, options.registry.contentType));
  addLifecycleRoutes(router, options.lifecycle);
  return router;
}
