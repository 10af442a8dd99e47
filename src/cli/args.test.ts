import assert from "node:assert/strict";
import { test } from "node:test";
import { parseArgs, parseGoDuration, UsageError } from "./args.js";

// Go time.ParseDuration results in ms, and its error texts.
const durations: readonly (readonly [string, number | string])[] = [
  ["300ms", 300], ["1.5s", 1500], ["2m30s", 150_000], ["1h", 3_600_000], ["0", 0], ["-1s", -1000], ["+2s", 2000],
  [".5s", 500], ["1.s", 1000], ["1500us", 1.5], ["1µs", 0.001], ["1h1m1s1ms", 3_661_001],
  ["1d", 'time: unknown unit "d" in duration "1d"'],
  ["1", 'time: missing unit in duration "1"'],
  ["", 'time: invalid duration ""'],
  ["s", 'time: invalid duration "s"'],
  [".s", 'time: invalid duration ".s"'],
  ["1x", 'time: unknown unit "x" in duration "1x"'],
];

for (const [text, want] of durations) {
  test(`parseGoDuration: ${JSON.stringify(text)}`, () => {
    if (typeof want === "number") assert.equal(parseGoDuration(text), want);
    else assert.throws(() => parseGoDuration(text), new UsageError(want));
  });
}

test("parseArgs: flags anywhere, = or separate value, -- ends flags", () => {
  const args = parseArgs(["--timeout", "2s", "c.yml", "--explain", "--profile=v2.42", "job", "--", "--x"], ["timeout", "profile"], ["explain"]);
  assert.deepEqual(args.positional, ["c.yml", "job", "--x"]);
  assert.deepEqual([...args.values], [["timeout", "2s"], ["profile", "v2.42"]]);
  assert.deepEqual([...args.flags], ["explain"]);
});

test("parseArgs: unknown flags and missing values are usage errors", () => {
  assert.throws(() => parseArgs(["--nope"], [], []), /unknown long flag '--nope'/);
  assert.throws(() => parseArgs(["--timeout"], ["timeout"], []), /expected argument for flag --timeout/);
});
