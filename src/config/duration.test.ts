import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "./duration.js";

// Spec core.md 5.6: input → formatted back.
const roundTrips: [string, string][] = [
  ["1h30m", "1h30m"], ["90m", "1h30m"], ["90s", "1m30s"], ["5m", "5m"], ["30s", "30s"], ["100ms", "100ms"],
  ["60m", "1h"], ["3600000ms", "1h"], ["24h", "1d"], ["1d", "1d"], ["7d", "1w"], ["1w", "1w"], ["8d", "8d"],
  ["14d", "2w"], ["365d", "1y"], ["1y", "1y"], ["1y1d", "366d"], ["1500ms", "1s500ms"], ["0", "0s"], ["0s", "0s"],
  ["01h", "1h"],
];
for (const [input, formatted] of roundTrips) {
  test(`duration: ${input} formats back as ${formatted}`, () => {
    assert.equal(formatDuration(parseDuration(input)), formatted);
  });
}

test("duration: every unit once, largest first, is valid", () => {
  assert.equal(parseDuration("1y2w3d4h5m6s7ms"), 31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6_000 + 7);
});

const errors: [string, string, string][] = [
  ["", "empty duration string", "empty duration string"],
  ["30", 'not a valid duration string: "30"', 'not a valid duration string: "30"'],
  ["1h30", 'not a valid duration string: "1h30"', 'not a valid duration string: "1h30"'],
  ["30m1h", 'not a valid duration string: "30m1h"', 'not a valid duration string: "30m1h"'],
  ["1s1s", 'not a valid duration string: "1s1s"', 'not a valid duration string: "1s1s"'],
  ["-1s", 'not a valid duration string: "-1s"', 'not a valid duration string: "-1s"'],
  ["1.5m", 'unknown unit "." in duration "1.5m"', 'not a valid duration string: "1.5m"'],
  ["5x", 'unknown unit "x" in duration "5x"', 'not a valid duration string: "5x"'],
  ["1H", 'unknown unit "H" in duration "1H"', 'not a valid duration string: "1H"'],
  ["1µs", 'unknown unit "µs" in duration "1µs"', 'not a valid duration string: "1µs"'],
  ["300y", "duration out of range", "duration out of range"],
];
for (const [input, v3, v242] of errors) {
  test(`duration: "${input}" fails with the v3 and 2.42 messages`, () => {
    assert.throws(() => parseDuration(input, "v3"), { message: v3 });
    assert.throws(() => parseDuration(input, "v2.42"), { message: v242 });
  });
}
