/**
 * Targets page: every job with its counts and staleness (last update, providers still waiting or reporting
 * errors); per job, active / dropped / failed targets in compact rows: final labels without the internal
 * `__*` ones (a toggle shows them, as Prometheus's page hides them), the discovered labels folded beside them,
 * a text filter, "why dropped", and a link into the relabel debugger. Lists are paginated (PAGE_SIZE rows), so
 * 10,000 targets cost one fetch and a filter pass, never 10,000 DOM rows.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { fetchJobTargets, type JobSummary, type JobTargets, type Labels, type ProviderInfo } from "./api";
import { debugHref, formatTime, LabelList, matchesFilter, Pager, searchText, useNow } from "./labels";
import { useLive } from "./live";
import { providerHealth, useProviders } from "./providers";

const PAGE_SIZE = 50;
type Tab = "active" | "dropped" | "failed";

export function TargetsPage() {
  const live = useLive();
  const { providers } = useProviders();
  useNow(5000); // "updated 12s ago" keeps counting
  const [filter, setFilter] = useState("");
  const [showInternal, setShowInternal] = useState(false);
  return (
    <section>
      <h2>Targets</h2>
      <div class="toolbar">
        <input
          type="search"
          data-testid="filter"
          placeholder='Filter by labels, e.g. env="prod" or 10.0.0'
          value={filter}
          onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
        />
        <label class="check">
          <input type="checkbox" data-testid="show-internal" checked={showInternal} onChange={(e) => setShowInternal((e.target as HTMLInputElement).checked)} />
          show internal labels (__*__)
        </label>
      </div>
      {live.jobs.length === 0 && <p class="muted" data-testid="loading">{live.connected ? "No jobs configured." : "Connecting…"}</p>}
      {live.jobs.map((job) => (
        <JobSection
          key={job.name}
          summary={job}
          version={live.versions[job.name] ?? 0}
          filter={filter}
          showInternal={showInternal}
          providers={(providers ?? []).filter((p) => p.jobs.includes(job.name))}
        />
      ))}
    </section>
  );
}

/** Final labels as Prometheus's targets page shows them: without `__address__`, `__scheme__`, … unless asked. */
function visibleLabels(labels: Labels, showInternal: boolean): Labels {
  if (showInternal) return labels;
  const out: Labels = {};
  for (const [name, value] of Object.entries(labels)) if (!name.startsWith("__")) out[name] = value;
  return out;
}

/** The job's staleness: providers still waiting for their initial set, and providers reporting errors. */
function JobHealth({ summary, providers }: { summary: JobSummary; providers: ProviderInfo[] }) {
  const failing = providers.filter((p) => providerHealth(p) === "errors");
  return (
    <>
      {!summary.isComplete && (
        <p class="warn" data-testid="job-waiting">
          {summary.waitingFor.length > 0
            ? `Waiting for the initial targets of ${summary.waitingFor.join(", ")}: http_sd answers 503 for this job until they arrive.`
            : "The initial targets are being built."}
        </p>
      )}
      {failing.map((p) => (
        <p key={p.name} class="error small" data-testid="job-errors">
          {p.name}: {p.lastError?.message} ({p.errorCount} errors, last {formatTime(p.lastError?.atMs)}; targets shown are the last good ones)
        </p>
      ))}
    </>
  );
}

interface Row {
  key: string;
  search: string;
  discovered: Labels;
  final?: Labels;
  title: string;
  why?: string;
}

function rowsOf(data: JobTargets, tab: Tab): Row[] {
  switch (tab) {
    case "active":
      return data.active.map((t) => ({ key: `${t.source}/${t.index}/${t.scrapeUrl}`, search: searchText(t.discoveredLabels, t.labels), discovered: t.discoveredLabels, final: t.labels, title: t.scrapeUrl }));
    case "dropped":
      return data.dropped.map((t) => ({
        key: `${t.source}/${t.index}`,
        search: searchText(t.discoveredLabels),
        discovered: t.discoveredLabels,
        title: t.discoveredLabels["__address__"] ?? "(no address)",
        why: t.rule
          ? `dropped by relabel_configs[${t.droppedByRule}]: ${describeRule(t.rule)}`
          : `dropped by relabel_configs[${t.droppedByRule}]`,
      }));
    case "failed":
      return data.failed.map((t) => ({ key: `${t.source}/${t.index}`, search: searchText(t.discoveredLabels), discovered: t.discoveredLabels, title: t.discoveredLabels["__address__"] ?? "(no address)", why: `target building failed: ${t.reason}` }));
  }
}

export function describeRule(rule: Record<string, string | string[]>): string {
  const parts = [`action: ${String(rule["action"])}`];
  const sources = rule["source_labels"];
  if (Array.isArray(sources)) parts.push(`source_labels: [${sources.join(", ")}]`);
  if (rule["regex"] !== undefined) parts.push(`regex: ${String(rule["regex"])}`);
  if (rule["target_label"] !== undefined) parts.push(`target_label: ${String(rule["target_label"])}`);
  return parts.join(", ");
}

function JobSection({ summary, version, filter, showInternal, providers }: { summary: JobSummary; version: number; filter: string; showInternal: boolean; providers: ProviderInfo[] }) {
  const [isOpen, setOpen] = useState(true);
  const [tab, setTab] = useState<Tab>("active");
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

  const rows = useMemo(() => (data ? rowsOf(data, tab) : []), [data, tab]);
  const shown = useMemo(() => (filter.trim() === "" ? rows : rows.filter((r) => matchesFilter(r.search, filter))), [rows, filter]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  useEffect(() => setPage(0), [filter, tab]);

  return (
    <div class="job" data-job={summary.name}>
      <h3 class="job-header" onClick={() => setOpen(!isOpen)}>
        <button class="toggle" aria-expanded={isOpen} aria-label={`${isOpen ? "Collapse" : "Expand"} job ${summary.name}`}>{isOpen ? "▾" : "▸"}</button>
        <span class="job-name">{summary.name}</span>
        <span class="count active" data-count="active">{summary.active} active</span>
        <span class="count dropped" data-count="dropped">{summary.dropped} dropped</span>
        <span class="count failed" data-count="failed">{summary.failed} failed</span>
        <span class="muted small" data-testid="updated">{summary.updatedAtMs === undefined ? "nothing discovered yet" : `updated ${formatTime(summary.updatedAtMs)}`}</span>
      </h3>
      {isOpen && (
        <div class="job-body">
          <JobHealth summary={summary} providers={providers} />
          <div class="tabs">
            {(["active", "dropped", "failed"] as const).map((t) => (
              <button key={t} class={t === tab ? "tab selected" : "tab"} data-tab={t} onClick={() => setTab(t)}>
                {t} ({t === "active" ? summary.active : t === "dropped" ? summary.dropped : summary.failed})
              </button>
            ))}
            {filter.trim() !== "" && <span class="muted" data-testid="match-count">{shown.length} of {rows.length} match</span>}
          </div>
          {error && <p class="error">{error}</p>}
          {!data && !error && <p class="muted" data-testid="loading">Loading targets…</p>}
          {data && tab === "dropped" && data.droppedCount > data.dropped.length && (
            <p class="muted">Showing {data.dropped.length} of {data.droppedCount} dropped targets (keep_dropped_targets).</p>
          )}
          {data && shown.length === 0 && (data.isComplete || rows.length > 0) && <p class="muted">No {tab} targets{filter.trim() === "" ? "" : " match the filter"}.</p>}
          {shown.length > 0 && (
            <table class="targets" data-testid="targets-table">
              <thead>
                <tr>
                  <th>Target</th>
                  <th>{tab === "active" ? "Labels" : "Why"}</th>
                  <th>Discovered labels</th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE).map((row) => (
                  <tr key={row.key} class="target-row">
                    <td class="target-title">
                      <span>{row.title}</span> <a class="debug-link" href={debugHref(summary.name, row.discovered)}>debug</a>
                    </td>
                    <td class="final">{row.final ? <LabelList labels={visibleLabels(row.final, showInternal)} /> : <span class="why">{row.why}</span>}</td>
                    <td class="discovered">
                      <details>
                        <summary>{Object.keys(row.discovered).length} discovered labels</summary>
                        <LabelList labels={row.discovered} />
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager page={current} pages={pages} total={shown.length} onPage={setPage} />
        </div>
      )}
    </div>
  );
}
