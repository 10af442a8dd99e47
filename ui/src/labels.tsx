/** Label sets as chips. Values are rendered as text by Preact (never as markup): label values are untrusted. */
import { useEffect, useState } from "preact/hooks";
import { sortedLabelNames, type Labels } from "./api";

/** Re-renders the component every `ms`, so relative times ("12s ago") stay true. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

export function LabelList({ labels, hideMeta = false }: { labels: Labels; hideMeta?: boolean }) {
  const names = sortedLabelNames(labels).filter((n) => !hideMeta || !n.startsWith("__meta_"));
  if (names.length === 0) return <span class="muted">(none)</span>;
  return (
    <ul class="labels">
      {names.map((name) => (
        <li key={name} class={name.startsWith("__") ? "label internal" : "label"} data-label={name}>
          <span class="label-name">{name}</span>=<span class="label-value">{labels[name]}</span>
        </li>
      ))}
    </ul>
  );
}

/** `name="value"` strings of a label set, lower-cased, for the text filter. */
export function searchText(...sets: Labels[]): string {
  const parts: string[] = [];
  for (const labels of sets) for (const [name, value] of Object.entries(labels)) parts.push(`${name}="${value}"`);
  return parts.join("\n").toLowerCase();
}

/** Every whitespace-separated term must occur in the text. */
export function matchesFilter(text: string, filter: string): boolean {
  const terms = filter.toLowerCase().split(/\s+/).filter((t) => t !== "");
  return terms.every((t) => text.includes(t));
}

export function debugHref(job: string, labels: Labels): string {
  return `#/debug?job=${encodeURIComponent(job)}&labels=${encodeURIComponent(JSON.stringify(labels))}`;
}

export function Pager({ page, pages, total, onPage }: { page: number; pages: number; total: number; onPage: (p: number) => void }) {
  if (pages <= 1) return null;
  return (
    <div class="pager" data-testid="pager">
      <button disabled={page === 0} onClick={() => onPage(0)}>«</button>
      <button disabled={page === 0} onClick={() => onPage(page - 1)}>‹ prev</button>
      <span>
        page {page + 1} of {pages} ({total} targets)
      </span>
      <button disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>next ›</button>
      <button disabled={page >= pages - 1} onClick={() => onPage(pages - 1)}>»</button>
    </div>
  );
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "never";
  const ago = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return `${new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z")} (${ago}s ago)`;
}
