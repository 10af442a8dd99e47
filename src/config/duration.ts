/**
 * Prometheus durations (spec core.md 5.6): `0` or `<digits><unit>` groups, units y w d h m s ms, largest
 * first, each at most once. Values are whole milliseconds. The parse error texts differ by profile.
 */
import type { Profile } from "../profile.js";
import { goQuote } from "../model/go-quote.js";

export class DurationError extends Error {
  override readonly name = "DurationError";
}

const MS_PER = { y: 31_536_000_000, w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof MS_PER;
const UNIT_ORDER: readonly Unit[] = ["y", "w", "d", "h", "m", "s", "ms"];
/** Go's time.Duration limit (2^63-1 ns) in nanoseconds, as BigInt for exact overflow checks. */
const MAX_NS = (1n << 63n) - 1n;
const LEGACY_PATTERN = /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;

/** Parses a Prometheus duration into milliseconds; throws DurationError with Prometheus's message. */
export function parseDuration(text: string, profile: Profile = "v3"): number {
  if (text === "0") return 0;
  if (text === "") throw new DurationError("empty duration string");
  return profile === "v2.42" ? parseLegacy(text) : parseV3(text);
}

function parseLegacy(text: string): number {
  const match = LEGACY_PATTERN.exec(text);
  if (!match) throw new DurationError(`not a valid duration string: ${goQuote(text)}`);
  let ns = 0n;
  UNIT_ORDER.forEach((unit, i) => {
    const digits = match[i + 1];
    if (digits !== undefined) ns += BigInt(digits) * BigInt(MS_PER[unit]) * 1_000_000n;
  });
  if (ns > MAX_NS) throw new DurationError("duration out of range");
  return Number(ns / 1_000_000n);
}

function parseV3(text: string): number {
  const invalid = () => new DurationError(`not a valid duration string: ${goQuote(text)}`);
  let rest = text;
  let ns = 0n;
  let lastUnitIndex = -1;
  while (rest !== "") {
    const digits = /^[0-9]+/.exec(rest)?.[0];
    if (digits === undefined) throw invalid();
    rest = rest.slice(digits.length);
    const unitText = /^[^0-9]+/.exec(rest)?.[0];
    if (unitText === undefined) throw invalid();
    rest = rest.slice(unitText.length);
    const unitIndex = UNIT_ORDER.indexOf(unitText as Unit);
    if (unitIndex < 0) throw new DurationError(`unknown unit ${goQuote(unitText)} in duration ${goQuote(text)}`);
    if (unitIndex <= lastUnitIndex) throw invalid();
    lastUnitIndex = unitIndex;
    const value = BigInt(digits);
    if (value >= 1n << 64n) throw invalid(); // strconv.ParseUint overflow
    const multNs = BigInt(MS_PER[UNIT_ORDER[unitIndex] as Unit]) * 1_000_000n;
    if (value > (1n << 63n) / multNs) throw new DurationError("duration out of range");
    ns += value * multNs;
    if (ns > MAX_NS) throw new DurationError("duration out of range");
  }
  return Number(ns / 1_000_000n);
}

/** Formats milliseconds the way Prometheus prints durations (`90s` → `1m30s`, `1500ms` → `1s500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  let out = "";
  let rest = ms;
  // y and w only when the remainder is an exact multiple (Prometheus model.Duration.String).
  for (const unit of ["y", "w"] as const) {
    if (rest % MS_PER[unit] === 0) {
      out += `${rest / MS_PER[unit]}${unit}`;
      return out;
    }
  }
  for (const unit of ["d", "h", "m", "s", "ms"] as const) {
    const n = Math.floor(rest / MS_PER[unit]);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * MS_PER[unit];
  }
  return out;
}
