/**
 * Targets page: every job with its counts; per job, active / dropped / failed targets with discovered labels
 * beside final labels, a text filter, "why dropped", and a link into the relabel debugger. Lists are paginated
 * (PAGE_SIZE rows), so 10,000 targets cost one fetch and a filter pass, never 10,000 DOM rows.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import { fetchJobTargets, type JobSummary, type JobTargets, type Labels } from "./api";
import { debugHref, formatTime, LabelList, matchesFilter, Pager, searchText } from "./labels";
import { useLive } from "./live";

const PAGE_SIZE = 50;
type Tab = "active" | "dropped" | "failed";

export function TargetsPage() {
  const live = useLive();
  const [filter, setFilter] = useState("");
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
      </div>
      {live.jobs.length === 0 && <p class="muted">{live.connected ? "No jobs configured." : "Connecting…"}</p>}
      {live.jobs.map((job) => (
        <JobSection key={job.name} summary={job} version={live.versions[job.name] ?? 0} filter={filter} />
      ))}
    </section>
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

function JobSection({ summary, version, filter }: { summary: JobSummary; version: number; filter: string }) {
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
        <span class="muted small">{summary.updatedAtMs === undefined ? "nothing discovered yet" : `updated ${formatTime(summary.updatedAtMs)}`}</span>
      </h3>
      {isOpen && (
        <div class="job-body">
          <div class="tabs">
            {(["active", "dropped", "failed"] as const).map((t) => (
              <button key={t} class={t === tab ? "tab selected" : "tab"} data-tab={t} onClick={() => setTab(t)}>
                {t} ({t === "active" ? summary.active : t === "dropped" ? summary.dropped : summary.failed})
              </button>
            ))}
            {filter.trim() !== "" && <span class="muted" data-testid="match-count">{shown.length} of {rows.length} match</span>}
          </div>
          {error && <p class="error">{error}</p>}
          {data && tab === "dropped" && data.droppedCount > data.dropped.length && (
            <p class="muted">Showing {data.dropped.length} of {data.droppedCount} dropped targets (keep_dropped_targets).</p>
          )}
          {data && shown.length === 0 && <p class="muted">No {tab} targets{filter.trim() === "" ? "" : " match the filter"}.</p>}
          {shown.length > 0 && (
            <table class="targets" data-testid="targets-table">
              <thead>
                <tr>
                  <th>Target</th>
                  <th>Discovered labels</th>
                  <th>{tab === "active" ? "Final labels" : "Why"}</th>
                </tr>
              </thead>
              <tbody>
                {shown.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE).map((row) => (
                  <tr key={row.key} class="target-row">
                    <td class="target-title">
                      <div>{row.title}</div>
                      <a class="debug-link" href={debugHref(summary.name, row.discovered)}>debug relabeling</a>
                    </td>
                    <td><LabelList labels={row.discovered} /></td>
                    <td>{row.final ? <LabelList labels={row.final} /> : <span class="why">{row.why}</span>}</td>
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
