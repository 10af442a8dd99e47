/** Writes GitHub-flavoured markdown tables and formats the figures benchmarks report. */

export type Alignment = "left" | "right";

export interface TableColumn {
  readonly title: string;
  readonly align?: Alignment;
}

/** Escapes what would break a table cell: pipes and line breaks. */
export function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll(/\r?\n/g, " ");
}

/** A markdown table, columns padded to equal width so the source reads well too. Ends with a newline. */
export function markdownTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  for (const row of rows) {
    if (row.length !== columns.length) throw new Error(`row has ${row.length} cells, table has ${columns.length}`);
  }
  const cells = [columns.map((c) => escapeCell(c.title)), ...rows.map((r) => r.map(escapeCell))];
  const widths = columns.map((_, i) => Math.max(3, ...cells.map((r) => (r[i] as string).length)));
  const pad = (text: string, i: number): string =>
    columns[i]?.align === "right" ? text.padStart(widths[i] as number) : text.padEnd(widths[i] as number);
  const line = (r: readonly string[]): string => `| ${r.map(pad).join(" | ")} |`;
  const rule = columns.map((c, i) => {
    const dashes = "-".repeat(widths[i] as number);
    return c.align === "right" ? `${dashes.slice(1)}:` : dashes;
  });
  return [line(cells[0] as string[]), `| ${rule.join(" | ")} |`, ...cells.slice(1).map(line)].join("\n") + "\n";
}

/** `1.234 s` with three significant decimals below 10 s, two above. */
export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(seconds < 10 ? 3 : 2)} s`;
}

/** Binary megabytes with one decimal: `512.0 MiB`. */
export function formatMebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** `ours / theirs` as `0.42×`; below 1 means promsd needs less. `n/a` when the divisor is 0. */
export function formatRatio(ours: number, theirs: number): string {
  return theirs === 0 ? "n/a" : `${(ours / theirs).toFixed(2)}×`;
}
