/**
 * Go's `strings.ToLower` / `strings.ToUpper`: per code point, **simple** Unicode case mapping (spec core.md
 * 3.5). JavaScript's `toLowerCase`/`toUpperCase` apply full and context-sensitive mappings instead
 * (`ß` → `SS`, `İ` → `i̇`, final sigma), so we map one code point at a time and fall back to a table where
 * the full mapping of a single code point is longer than one code point.
 */

/**
 * Simple mappings of the code points whose full mapping (SpecialCasing.txt, unconditional part) has more
 * than one code point. Code points listed there without a simple mapping map to themselves.
 */
const SIMPLE_LOWER: ReadonlyMap<number, number> = new Map([[0x130, 0x69]]);
const SIMPLE_UPPER: ReadonlyMap<number, number> = new Map<number, number>([
  ...range(0x1f80, 0x1f87, 0x1f88),
  ...range(0x1f90, 0x1f97, 0x1f98),
  ...range(0x1fa0, 0x1fa7, 0x1fa8),
  [0x1fb3, 0x1fbc],
  [0x1fc3, 0x1fcc],
  [0x1ff3, 0x1ffc],
]);

function range(first: number, last: number, firstTarget: number): [number, number][] {
  const out: [number, number][] = [];
  for (let cp = first; cp <= last; cp++) out.push([cp, firstTarget + (cp - first)]);
  return out;
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

export function goToLower(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  return mapCodePoints(text, (ch) => ch.toLowerCase(), SIMPLE_LOWER);
}

export function goToUpper(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toUpperCase();
  return mapCodePoints(text, (ch) => ch.toUpperCase(), SIMPLE_UPPER);
}

function mapCodePoints(text: string, map: (ch: string) => string, simple: ReadonlyMap<number, number>): string {
  let out = "";
  for (const ch of text) {
    const mapped = map(ch);
    if (mapped.length <= 2 && mapped.codePointAt(0) !== undefined && String.fromCodePoint(mapped.codePointAt(0) ?? 0) === mapped) {
      out += mapped; // exactly one code point: the full mapping equals the simple one
      continue;
    }
    const cp = ch.codePointAt(0) ?? 0;
    const target = simple.get(cp);
    out += target === undefined ? ch : String.fromCodePoint(target);
  }
  return out;
}
