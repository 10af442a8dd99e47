/**
 * Go's time.ParseDuration (what go-yaml v2 uses for a time.Duration given as a string): a sequence of
 * decimal numbers with units ns, us, µs, ms, s, m, h, optionally signed; "0" alone needs no unit.
 */
const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds (fractional for sub-millisecond values), or undefined when `text` is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/s.exec(text);
  const sign = match?.[1] === "-" ? -1 : 1;
  const rest = match?.[2] ?? "";
  if (rest === "0") return 0;
  if (rest === "" || rest.length > 256) return undefined;
  let total = 0;
  const part = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let index = 0;
  while (index < rest.length) {
    part.lastIndex = index;
    const found = part.exec(rest);
    if (!found) return undefined;
    total += Number(found[1]) * (UNIT_MS[found[2] ?? ""] ?? NaN);
    index = part.lastIndex;
  }
  return Number.isFinite(total) ? sign * total : undefined;
}
