/**
 * Go's `path/filepath.Glob` and `Match` on Unix (file.md 2), ported because shell-style glob libraries differ
 * where it shows: `*` matches a leading dot, `\` escapes, a literal pattern is returned as written when
 * `lstat` succeeds (a dangling symlink counts), matches are cleaned and sorted by bytes per directory, a
 * directory that cannot be read contributes nothing, and a malformed pattern is an error
 * (`syntax error in pattern`) even when it could not have matched.
 */
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path/posix";
import { compareUtf8 } from "../../model/labels.js";

export class GlobPatternError extends Error {
  constructor() {
    super("syntax error in pattern"); // Go's filepath.ErrBadPattern
    this.name = "GlobPatternError";
  }
}

const META = /[*?[\\]/;

/** Expands `pattern` like filepath.Glob; throws GlobPatternError for a malformed pattern. */
export async function goGlob(pattern: string): Promise<string[]> {
  return globWithDepth(pattern, 0);
}

async function globWithDepth(pattern: string, depth: number): Promise<string[]> {
  if (depth > 10_000) throw new GlobPatternError(); // Go's recursion guard
  goMatch(pattern, ""); // well-formedness check first, as Go does
  if (!META.test(pattern)) {
    try {
      await lstat(pattern);
      return [pattern];
    } catch {
      return [];
    }
  }
  const slash = pattern.lastIndexOf("/");
  const file = pattern.slice(slash + 1);
  const rawDir = pattern.slice(0, slash + 1);
  const dir = rawDir === "" ? "." : rawDir === "/" ? "/" : rawDir.slice(0, -1);
  if (!META.test(dir)) return globDir(dir, file, []);
  if (dir === pattern) throw new GlobPatternError();
  let matches: string[] = [];
  for (const d of await globWithDepth(dir, depth + 1)) matches = await globDir(d, file, matches);
  return matches;
}

async function globDir(dir: string, pattern: string, matches: string[]): Promise<string[]> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return matches;
    names = await readdir(dir);
  } catch {
    return matches; // Go ignores I/O errors here
  }
  names.sort(compareUtf8);
  for (const name of names) if (goMatch(pattern, name)) matches.push(join(dir, name));
  return matches;
}

/** filepath.Match with `/` as separator; throws GlobPatternError for a malformed pattern. */
export function goMatch(pattern: string, name: string): boolean {
  let pat = [...pattern];
  let rest = [...name];
  chunks: while (pat.length > 0) {
    const { star, chunk, tail } = scanChunk(pat);
    pat = tail;
    if (star && chunk.length === 0) return !rest.includes("/"); // a trailing * matches the rest unless it has a /
    const here = matchChunk(chunk, rest);
    if (here !== undefined && (here.length === 0 || pat.length > 0)) {
      rest = here;
      continue;
    }
    if (star) {
      for (let i = 0; i < rest.length && rest[i] !== "/"; i++) {
        const t = matchChunk(chunk, rest.slice(i + 1));
        if (t === undefined || (pat.length === 0 && t.length > 0)) continue;
        rest = t;
        continue chunks;
      }
    }
    // Before answering false, Go checks that the remainder of the pattern is well formed.
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.tail;
      matchChunk(next.chunk, []);
    }
    return false;
  }
  return rest.length === 0;
}

function scanChunk(pattern: readonly string[]): { star: boolean; chunk: string[]; tail: string[] } {
  let start = 0;
  while (pattern[start] === "*") start++;
  let inRange = false;
  let i = start;
  scan: for (; i < pattern.length; i++) {
    switch (pattern[i]) {
      case "\\":
        if (i + 1 < pattern.length) i++;
        break;
      case "[":
        inRange = true;
        break;
      case "]":
        inRange = false;
        break;
      case "*":
        if (!inRange) break scan;
        break;
    }
  }
  return { star: start > 0, chunk: pattern.slice(start, i), tail: pattern.slice(i) };
}

/** Matches `chunk` at the start of `s`; returns the unmatched rest, or undefined when it does not match. */
function matchChunk(chunkIn: readonly string[], sIn: readonly string[]): string[] | undefined {
  let chunk = chunkIn.slice();
  let s = sIn.slice();
  let failed = false; // after a mismatch Go keeps parsing the chunk to validate it, without reading s
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === "[") {
      const r = failed ? "" : (s.shift() ?? "");
      chunk = chunk.slice(1);
      const negated = chunk[0] === "^";
      if (negated) chunk = chunk.slice(1);
      let matched = false;
      for (let ranges = 0; ; ranges++) {
        if (chunk[0] === "]" && ranges > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = rangeChar(chunk);
        chunk = lo.rest;
        let hi = lo.char;
        if (chunk[0] === "-") {
          const h = rangeChar(chunk.slice(1));
          hi = h.char;
          chunk = h.rest;
        }
        if (r !== "" && codePoint(lo.char) <= codePoint(r) && codePoint(r) <= codePoint(hi)) matched = true;
      }
      if (matched === negated) failed = true;
    } else if (c === "?") {
      if (!failed && s.shift() === "/") failed = true;
      chunk = chunk.slice(1);
    } else {
      if (c === "\\") {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new GlobPatternError();
      }
      if (!failed && chunk[0] !== s.shift()) failed = true;
      chunk = chunk.slice(1);
    }
  }
  return failed ? undefined : s;
}

/** Go's getEsc: one range endpoint, possibly escaped; the class must go on after it. */
function rangeChar(chunk: readonly string[]): { char: string; rest: string[] } {
  let at = 0;
  if (chunk.length === 0 || chunk[0] === "-" || chunk[0] === "]") throw new GlobPatternError();
  if (chunk[0] === "\\") {
    at = 1;
    if (chunk.length === 1) throw new GlobPatternError();
  }
  const rest = chunk.slice(at + 1);
  if (rest.length === 0) throw new GlobPatternError();
  return { char: chunk[at] ?? "", rest };
}

function codePoint(ch: string): number {
  return ch.codePointAt(0) ?? 0;
}
