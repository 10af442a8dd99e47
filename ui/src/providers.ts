/** The running providers, shared by the targets and service-discovery pages, and how healthy each one is. */
import { useEffect, useState } from "preact/hooks";
import { fetchProviders, type ProviderInfo } from "./api";
import { useLive } from "./live";

/** Provider state changes (errors, refreshes) without target changes too, so the pages also poll. */
const POLL_MS = 5000;

export function useProviders(): { providers: ProviderInfo[] | undefined; error: string | undefined } {
  const live = useLive();
  const [poll, setPoll] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setPoll((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const [providers, setProviders] = useState<ProviderInfo[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const abort = new AbortController();
    fetchProviders(abort.signal).then(
      (p) => { setProviders(p); setError(undefined); },
      (e: unknown) => { if (!abort.signal.aborted) setError(String(e)); },
    );
    return () => abort.abort();
  }, [live.tick, poll]);
  return { providers, error };
}

export type Health = "running" | "waiting" | "errors" | "ended" | "failed" | "stopped" | "created";

/**
 * What a provider's badge says. A provider whose last error is newer than its last update is not "running"
 * (green): it says "errors" (red); one that has not delivered its initial set says "waiting".
 */
export function providerHealth(p: ProviderInfo): Health {
  const hasFreshError = p.lastError !== null && (p.lastUpdateMs === null || p.lastError.atMs >= p.lastUpdateMs);
  if (p.state === "running" || p.state === "created") {
    if (hasFreshError) return "errors";
    return p.isWaiting ? "waiting" : "running";
  }
  return p.state as Health;
}

export const HEALTH_TEXT: Record<Health, string> = {
  running: "running",
  waiting: "waiting for its initial set",
  errors: "running with errors",
  ended: "ended (delivered once)",
  failed: "failed",
  stopped: "stopped",
  created: "starting",
};
