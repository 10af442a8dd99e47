/**
 * Shared ground for the property-based fuzz tests (`*.fuzz.test.ts`, beside the parser each one fuzzes):
 * a fixed seed and a case count (FUZZ_SEED, FUZZ_RUNS; `npm run fuzz` raises the count), inputs that are
 * random or mutations of valid seeds, and the common property: a parser returns or throws one of its typed
 * errors, within a time bound, with output bounded by its input.
 */
import assert from "node:assert/strict";
import fc from "fast-check";

/** Cases per parser: a few thousand in `npm test`, FUZZ_RUNS for long runs. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261208);
/** A case slower than this is a hang (the inputs are a few KB at most). */
export const CASE_TIME_LIMIT_MS = 2000;

export function fuzzParameters<T>(): fc.Parameters<T> {
  return { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, endOnFailure: true };
}

/** Text made from `seeds` by a few random edits (delete, insert, duplicate, replace): mostly almost-valid input. */
export function mutatedText(seeds: readonly string[], alphabet: fc.Arbitrary<string> = fc.string({ maxLength: 8 })): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 16 }), alphabet, fc.constantFrom("delete", "insert", "duplicate", "replace"));
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 6 })).map(([seed, edits]) => {
    let text = seed;
    for (const [position, length, insert, kind] of edits) {
      const at = text.length === 0 ? 0 : position % text.length;
      if (kind === "delete") text = text.slice(0, at) + text.slice(at + length);
      else if (kind === "insert") text = text.slice(0, at) + insert + text.slice(at);
      else if (kind === "duplicate") text = text.slice(0, at + length) + text.slice(at, at + length) + text.slice(at + length);
      else text = text.slice(0, at) + insert + text.slice(at + insert.length);
    }
    return text;
  });
}

/** Bytes made from `seeds` by random byte edits. */
export function mutatedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Buffer> {
  const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "insert", "delete"));
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 8 })).map(([seed, edits]) => {
    const bytes = [...seed];
    for (const [position, value, kind] of edits) {
      const at = bytes.length === 0 ? 0 : position % bytes.length;
      if (kind === "set" && bytes.length > 0) bytes[at] = value;
      else if (kind === "insert") bytes.splice(at, 0, value);
      else bytes.splice(at, 1);
    }
    return Buffer.from(bytes);
  });
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `parse(input)`; passes when it returns, or throws an instance of one of `allowed`. Fails on any
 * other exception, or when one case takes longer than CASE_TIME_LIMIT_MS. Returns the result (or undefined).
 */
export function parsesOrThrowsTyped<I, O>(parse: (input: I) => O, input: I, allowed: readonly ErrorClass[]): O | undefined {
  const started = performance.now();
  try {
    return parse(input);
  } catch (error) {
    if (!allowed.some((type) => error instanceof type)) {
      assert.fail(`untyped error ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ""}` : String(error)} for input ${show(input)}`);
    }
    return undefined;
  } finally {
    const elapsed = performance.now() - started;
    if (elapsed >= CASE_TIME_LIMIT_MS) assert.fail(`one case took ${Math.round(elapsed)} ms (a hang?) for input ${show(input)}`);
  }
}

function show(input: unknown): string {
  const text = Buffer.isBuffer(input) ? input.toString("hex") : (JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? String(input));
  return text.slice(0, 500);
}

/** Runs a property with the shared parameters and reports how many cases ran. */
export function runFuzz<T>(t: { diagnostic(message: string): void }, name: string, arbitrary: fc.Arbitrary<T>, property: (input: T) => void): void {
  fc.assert(fc.property(arbitrary, property), fuzzParameters<[T]>());
  t.diagnostic(`${name}: ${FUZZ_RUNS} cases clean (seed ${FUZZ_SEED})`);
}

export { fc };
