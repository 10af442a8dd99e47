/** Service-discovery page: each running provider, the jobs sharing it, its config (secrets masked) and state. */
import { useEffect, useState } from "preact/hooks";
import { fetchProviders, type ProviderInfo } from "./api";
import { formatTime } from "./labels";
import { useLive } from "./live";

/** Provider state changes (errors, refreshes) without target changes too, so the page also polls. */
const POLL_MS = 5000;

export function SdPage() {
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
  return (
    <section>
      <h2>Service discovery</h2>
      {error && <p class="error">{error}</p>}
      {providers && providers.length === 0 && <p class="muted">No providers running.</p>}
      {providers?.map((p) => <ProviderCard key={p.name} provider={p} />)}
    </section>
  );
}

/** Longer configs (HTTP client settings) start folded. */
const OPEN_CONFIG_LINES = 12;

function ProviderCard({ provider: p }: { provider: ProviderInfo }) {
  const configText = JSON.stringify(p.config, null, 2);
  return (
    <div class="provider" data-provider={p.name}>
      <h3>
        <span class="provider-name">{p.name}</span> <span class="badge">{p.mechanism}</span>{" "}
        <span class={`badge state-${p.state}`} data-testid="state">{p.state}</span>
      </h3>
      <table class="facts">
        <tbody>
          <tr><th>Jobs</th><td data-testid="jobs">{p.jobs.join(", ")}</td></tr>
          <tr><th>Initial set received</th><td data-testid="initial">{p.hasInitialSet ? "yes" : "no"}</td></tr>
          <tr><th>Last update</th><td>{formatTime(p.lastUpdateMs)}</td></tr>
          <tr><th>Updates received</th><td>{p.updatesReceived}</td></tr>
          <tr><th>Groups / targets contributed</th><td data-testid="contributes">{p.groupCount} groups, {p.targetCount} targets</td></tr>
          <tr><th>Errors reported</th><td data-testid="error-count">{p.errorCount}</td></tr>
          <tr>
            <th>Last error</th>
            <td data-testid="last-error" class={p.lastError ? "error" : "muted"}>
              {p.lastError ? `${p.lastError.message} (${formatTime(p.lastError.atMs)})` : "none"}
            </td>
          </tr>
        </tbody>
      </table>
      <details open={configText.split("\n").length <= OPEN_CONFIG_LINES}>
        <summary>Config</summary>
        <pre class="config" data-testid="config">{configText}</pre>
      </details>
    </div>
  );
}
