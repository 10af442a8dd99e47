/**
 * `POST|PUT /-/reload` and `POST|PUT /-/quit`, only with --web.enable-lifecycle (as in Prometheus, which
 * answers 403 otherwise). A failed reload answers 500 with the error, the running config stays.
 */
import { textResponse, type HttpResponse, type Router } from "../http/router.js";

export interface LifecycleOptions {
  readonly isEnabled: boolean;
  /** Rejects with the reason when the new config is broken. */
  readonly reload: () => Promise<void>;
  readonly quit: () => void;
}

const DISABLED = (): HttpResponse => textResponse("Lifecycle API is not enabled.\n", 403);

export function addLifecycleRoutes(router: Router, options: LifecycleOptions): void {
  const reload = async (): Promise<HttpResponse> => {
    if (!options.isEnabled) return DISABLED();
    try {
      await options.reload();
      return textResponse("");
    } catch (error) {
      return textResponse(`failed to reload config: ${error instanceof Error ? error.message : String(error)}\n`, 500);
    }
  };
  const quit = (): HttpResponse => {
    if (!options.isEnabled) return DISABLED();
    options.quit();
    return textResponse("Requesting termination... Goodbye!\n");
  };
  for (const method of ["POST", "PUT"]) {
    router.add(method, "/-/reload", reload);
    router.add(method, "/-/quit", quit);
  }
}
