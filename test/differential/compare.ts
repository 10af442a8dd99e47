/**
 * Compares what promtool 2.42 and promsd (profile v2.42) print for one job, normalising ONLY the two
 * documented 2.42 quirks:
 *  1. entry order (Go map order): entries are compared as multisets;
 *  2. the discoveredLabels aliasing bug (core.md Appendix C): promtool may show, for a kept or dropped
 *     target, discovered labels that relabeling corrupted (sometimes they even equal ANOTHER target's true
 *     set). A left-over promtool entry is accepted when a left-over promsd entry has the same `labels` and
 *     `error` and discoveredLabels that are one of the job's true discovered label sets; and, over the whole
 *     job, promsd may not print a true set more often than promtool's truth run does. The true sets come
 *     from a second promtool run of the same case in which the job's rules are replaced by a single `drop`
 *     (see `trueDiscoveredConfig`).
 * Everything else must be identical.
 */
import { parseDocument, isMap, isSeq, isScalar, isPair } from "yaml";
import type { SdEntry } from "../../src/testing/promtool.js";

type Labels = Readonly<Record<string, string>>;

/** A canonical string for a label set (names sorted), for set and multiset lookups. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.keys(labels).sort().map((name) => [name, labels[name]]));
}

/** A canonical string for a whole entry. */
export function entryKey(entry: SdEntry): string {
  return JSON.stringify([labelsKey(entry.discoveredLabels), labelsKey(entry.labels), entry.error !== undefined]);
}

export interface EntryComparison {
  readonly onlyPromtool: readonly SdEntry[];
  readonly onlyPromsd: readonly SdEntry[];
  /** Pairs accepted only because promtool's discoveredLabels were corrupted (Appendix C). */
  readonly aliased: readonly { readonly promtool: SdEntry; readonly promsd: SdEntry }[];
  /** Discovered label sets promsd printed more often than the job really has them. */
  readonly overused: readonly string[];
}

/**
 * Multiset comparison. `trueDiscovered` (labelsKey → how many sources have that set) enables the
 * Appendix C normalisation; leave it undefined when the job has no relabel rules (then no aliasing is
 * possible and none is excused).
 */
export function compareEntries(
  promtool: readonly SdEntry[],
  promsd: readonly SdEntry[],
  trueDiscovered?: ReadonlyMap<string, number>,
): EntryComparison {
  const remaining = new Map<string, SdEntry[]>();
  for (const entry of promsd) {
    const key = entryKey(entry);
    remaining.set(key, [...(remaining.get(key) ?? []), entry]);
  }
  const onlyPromtool: SdEntry[] = [];
  for (const entry of promtool) {
    const same = remaining.get(entryKey(entry));
    if (same && same.length > 0) same.pop();
    else onlyPromtool.push(entry);
  }
  let onlyPromsd = [...remaining.values()].flat();
  const aliased: { promtool: SdEntry; promsd: SdEntry }[] = [];
  if (trueDiscovered === undefined) return { onlyPromtool, onlyPromsd, aliased, overused: [] };
  const stillOnlyPromtool: SdEntry[] = [];
  for (const entry of onlyPromtool) {
    const partner = onlyPromsd.find(
      (candidate) =>
        entry.error === undefined &&
        candidate.error === undefined &&
        labelsKey(candidate.labels) === labelsKey(entry.labels) &&
        trueDiscovered.has(labelsKey(candidate.discoveredLabels)),
    );
    if (partner) {
      aliased.push({ promtool: entry, promsd: partner });
      onlyPromsd = onlyPromsd.filter((candidate) => candidate !== partner);
    } else stillOnlyPromtool.push(entry);
  }
  return { onlyPromtool: stillOnlyPromtool, onlyPromsd, aliased, overused: overusedSets(promsd, trueDiscovered) };
}

function overusedSets(promsd: readonly SdEntry[], trueDiscovered: ReadonlyMap<string, number>): string[] {
  const used = new Map<string, number>();
  for (const entry of promsd) {
    if (entry.error !== undefined) continue; // 2.42 prints {} for failed targets
    const key = labelsKey(entry.discoveredLabels);
    used.set(key, (used.get(key) ?? 0) + 1);
  }
  return [...used]
    .filter(([key, count]) => count > (trueDiscovered.get(key) ?? 0))
    .map(([key, count]) => `${key} printed ${count}x, the job has it ${trueDiscovered.get(key) ?? 0}x`);
}

/** Whether the comparison found nothing to complain about. */
export function isMatch(comparison: EntryComparison): boolean {
  return comparison.onlyPromtool.length + comparison.onlyPromsd.length + comparison.overused.length === 0;
}

/** A readable report: every unmatched entry, each promtool one next to its closest promsd counterpart. */
export function describeMismatch(comparison: EntryComparison): string {
  const lines: string[] = [];
  const unpaired = new Set(comparison.onlyPromsd);
  for (const entry of comparison.onlyPromtool) {
    const closest = closestEntry(entry, [...unpaired]);
    lines.push(`- promtool printed ${describeEntry(entry)}`);
    if (closest) {
      unpaired.delete(closest);
      lines.push(`  closest promsd entry differs in:`);
      for (const difference of entryDifferences(entry, closest)) lines.push(`    ${difference}`);
    } else lines.push("  promsd printed nothing like it");
  }
  for (const entry of unpaired) lines.push(`- promsd printed ${describeEntry(entry)}, promtool did not`);
  for (const text of comparison.overused) lines.push(`- promsd discoveredLabels ${text}`);
  return lines.join("\n");
}

function describeEntry(entry: SdEntry): string {
  const kind = entry.error !== undefined ? "failed" : Object.keys(entry.labels).length === 0 ? "dropped" : "kept";
  const shown = kind === "kept" ? entry.labels : entry.discoveredLabels;
  return `${kind} entry ${JSON.stringify(shown)}`;
}

function closestEntry(entry: SdEntry, candidates: readonly SdEntry[]): SdEntry | undefined {
  let best: SdEntry | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const score = entryDifferences(entry, candidate).length;
    if (score < bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

/** `labels.instance: promtool "a:80", promsd "a"` style lines. */
export function entryDifferences(promtool: SdEntry, promsd: SdEntry): string[] {
  const out: string[] = [];
  if ((promtool.error === undefined) !== (promsd.error === undefined)) {
    out.push(`error: promtool ${promtool.error ? "{}" : "(none)"}, promsd ${promsd.error ? "{}" : "(none)"}`);
  }
  for (const field of ["discoveredLabels", "labels"] as const) {
    const a = promtool[field];
    const b = promsd[field];
    for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (a[name] !== b[name]) out.push(`${field}.${name}: promtool ${show(a[name])}, promsd ${show(b[name])}`);
    }
  }
  return out;
}

function show(value: string | undefined): string {
  return value === undefined ? "(absent)" : JSON.stringify(value);
}

/**
 * The config text with `job`'s `relabel_configs` replaced by `[{action: drop}]`: every target is then
 * dropped unchanged, so promtool prints each true discovered label set (a rule that changes nothing cannot
 * trigger the aliasing bug, and the list stays non-empty, so load-time checks stay the same). Returns
 * undefined when the job has no relabel_configs. The edit is made on the source text so every other
 * scalar keeps its exact spelling.
 */
export function trueDiscoveredConfig(configText: string, job: string): string | undefined {
  const doc = parseDocument(configText, { keepSourceTokens: true, schema: "failsafe", uniqueKeys: false });
  const jobs = doc.get("scrape_configs");
  if (!isSeq(jobs)) return undefined;
  for (const item of jobs.items) {
    if (!isMap(item) || String(item.get("job_name")) !== job) continue;
    const pair = item.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === "relabel_configs");
    if (!pair || !isScalar(pair.key) || !pair.key.range || !isSeq(pair.value) || !pair.value.range) return undefined;
    const start = pair.key.range[0];
    const end = pair.value.range[1];
    // A block sequence's range runs up to the next token: keep that line break and indentation.
    const tail = /\s*$/.exec(configText.slice(start, end))?.[0] ?? "";
    return `${configText.slice(0, start)}relabel_configs: [{action: drop}]${tail}${configText.slice(end)}`;
  }
  return undefined;
}
