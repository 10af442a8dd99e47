/**
 * Service-discovery page, to at least Prometheus's: each running provider with a health badge that is not
 * green while it reports errors or has not delivered, its jobs and its config as the YAML the user wrote
 * (secrets as `<secret>`); then, per job, every target with its discovered labels beside its target labels
 * (or why it was dropped or failed), paginated.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { fetchJobTargets, type JobSummary, type JobTargets, type Labels, type ProviderInfo } from "./api";
import { formatTime, LabelList, Pager, useNow } from "./labels";
import { useLive } from "./live";
import { HEALTH_TEXT, providerHealth, useProviders } from "./providers";
import { describeRule } from "./targets-page";

const PAGE_SIZE = 50;

export function SdPage() {
  const live = useLive();
  const { providers, error } = useProviders();
  useNow(5000);
  return (
    <section>
      <h2>Service discovery</h2>
      {error && <p class="error">{error}</p>}
      {!providers && !error && <p class="muted" data-testid="loading">Loading providers…</p>}
      {providers && providers.length === 0 && <p class="muted">No providers running.</p>}
      {providers?.map((p) => <ProviderCard key={p.name} provider={p} />)}
      <h2>Targets by job</h2>
      {live.jobs.map((job) => <JobTargetsTable key={job.name} summary={job} version={live.versions[job.name] ?? 0} />)}
    </section>
  );
}

/** Longer configs (HTTP client settings) start folded. */
const OPEN_CONFIG_LINES = 12;

function ProviderCard({ provider: p }: { provider: ProviderInfo }) {
  const configText = p.configYaml ?? JSON.stringify(p.config, null, 2);
  const health = providerHealth(p);
  return (
    <div class="provider" data-provider={p.name}>
      <h3>
        <span class="provider-name">{p.name}</span> <span class="badge">{p.mechanism}</span>
        <span class={`badge state-${health}`} data-testid="state" data-health={health}>{HEALTH_TEXT[health]}</span>
      </h3>
      <table class="facts">
        <tbody>
          <tr><th>Jobs</th><td data-testid="jobs">{p.jobs.join(", ")}</td></tr>
          <tr><th>Initial set received</th><td data-testid="initial">{p.hasInitialSet ? "yes" : p.isWaiting ? "no, still waiting: its jobs answer 503 on http_sd" : "no"}</td></tr>
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
        <summary>Config{p.configYaml === null ? " (parsed)" : ""}</summary>
        <pre class="config" data-testid="config">{configText}</pre>
      </details>
    </div>
  );
}

interface SdRow {
  key: string;
  discovered: Labels;
  target?: Labels;
  why?: string;
}

function sdRows(data: JobTargets): SdRow[] {
  const targetLabels = (labels: Labels): Labels => Object.fromEntries(Object.entries(labels).filter(([name]) => !name.startsWith("__")));
  return [
    ...data.active.map((t) => ({ key: `a/${t.source}/${t.index}/${t.scrapeUrl}`, discovered: t.discoveredLabels, target: targetLabels(t.labels) })),
    ...data.dropped.map((t) => ({ key: `d/${t.source}/${t.index}`, discovered: t.discoveredLabels, why: `Dropped by relabel_configs[${t.droppedByRule}]${t.rule ? `: ${describeRule(t.rule)}` : ""}` })),
    ...data.failed.map((t) => ({ key: `f/${t.source}/${t.index}`, discovered: t.discoveredLabels, why: `Failed: ${t.reason}` })),
  ];
}

/** One job as Prometheus's service-discovery page shows it: discovered labels | target labels, per target. */
function JobTargetsTable({ summary, version }: { summary: JobSummary; version: number }) {
  const [isOpen, setOpen] = useState(true);
  const [data, setData] = useState<JobTargets | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [page, setPage] = useState(0);
  useEffect(() => {
    if (!isOpen) return undefined;
    const abort = new AbortController();
    fetchJobTargets(summary.name, abort.signal).then(
      (d) => { setData(d); setError(undefined); },
      (e: unknown) => { if (!abort.signal.aborted) setError(String(e)); },
    );
    return () => abort.abort();
  }, [summary.name, version, isOpen]);
  const rows = useMemo(() => (data ? sdRows(data) : []), [data]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  return (
    <div class="sd-job job" data-sd-job={summary.name}>
      <h3 class="job-header" onClick={() => setOpen(!isOpen)}>
        <button class="toggle" aria-expanded={isOpen} aria-label={`${isOpen ? "Collapse" : "Expand"} job ${summary.name}`}>{isOpen ? "▾" : "▸"}</button>
        <span class="job-name">{summary.name}</span>
        <span class="muted small">{summary.active} active / {summary.dropped + summary.active + summary.failed} discovered</span>
      </h3>
      {isOpen && (
        <div class="job-body">
          {error && <p class="error">{error}</p>}
          {!data && !error && <p class="muted">Loading targets…</p>}
          {data && rows.length === 0 && <p class="muted">{data.isComplete ? "No targets discovered." : `Waiting for the initial targets of ${data.waitingFor.join(", ") || "its providers"}.`}</p>}
          {rows.length > 0 && (
            <table class="sd-targets" data-testid="sd-targets">
              <thead><tr><th>Discovered labels</th><th>Target labels</th></tr></thead>
              <tbody>
                {rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE).map((row) => (
                  <tr key={row.key} class="sd-row">
                    <td class="discovered"><LabelList labels={row.discovered} /></td>
                    <td class="target">{row.target ? <LabelList labels={row.target} /> : <span class="why">{row.why}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager page={current} pages={pages} total={rows.length} onPage={setPage} />
        </div>
      )}
    </div>
  );
}
