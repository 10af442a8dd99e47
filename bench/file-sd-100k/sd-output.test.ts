import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ArrayElementSplitter, compareSdOutputs, summarizeSdOutput } from "./sd-output.js";

const PROMTOOL_STYLE = `[
  {
    "discoveredLabels": {
      "__address__": "a:1",
      "odd": "br}ace\\" [x] {y"
    },
    "labels": {
      "__address__": "a:1",
      "instance": "a:1"
    }
  },
  {
    "discoveredLabels": {
      "__address__": "b:1"
    },
    "labels": {}
  },
  {
    "discoveredLabels": {},
    "labels": {},
    "error": {}
  }
]`;

const splitCases: { name: string; chunkSize: number }[] = [
  { name: "whole input in one chunk", chunkSize: 1 << 20 },
  { name: "chunks of one character", chunkSize: 1 },
  { name: "chunks of seven characters", chunkSize: 7 },
];
for (const c of splitCases) {
  test(`ArrayElementSplitter: yields each element intact with ${c.name}`, () => {
    const splitter = new ArrayElementSplitter();
    const elements: unknown[] = [];
    for (let i = 0; i < PROMTOOL_STYLE.length; i += c.chunkSize) {
      splitter.push(PROMTOOL_STYLE.slice(i, i + c.chunkSize), (text) => elements.push(JSON.parse(text)));
    }
    splitter.finish();
    assert.deepEqual(elements, JSON.parse(PROMTOOL_STYLE));
  });
}

test("ArrayElementSplitter: throws on finish when the array is truncated", () => {
  const splitter = new ArrayElementSplitter();
  splitter.push(PROMTOOL_STYLE.slice(0, 40), () => undefined);
  assert.throws(() => splitter.finish(), /truncated/);
});

async function withFiles<T>(files: Record<string, string>, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "sd-output-test-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("summarizeSdOutput: counts kept, dropped and failed entries", async () => {
  const s = await withFiles({ "a.json": PROMTOOL_STYLE }, (dir) => summarizeSdOutput(join(dir, "a.json")));
  assert.deepEqual([s.entries, s.kept, s.dropped, s.failed], [3, 1, 1, 1]);
});

const reordered = JSON.stringify([
  { discoveredLabels: {}, labels: {}, error: {} },
  { labels: {}, discoveredLabels: { __address__: "b:1" } },
  { discoveredLabels: { odd: "br}ace\" [x] {y", __address__: "a:1" }, labels: { instance: "a:1", __address__: "a:1" } },
]);
const relabelled = PROMTOOL_STYLE.replace('"instance": "a:1"', '"instance": "other"');

const compareCases: { name: string; other: string; valid: boolean; sameDiscovered: boolean; mismatches: number }[] = [
  { name: "equal when only order, key order and whitespace differ", other: reordered, valid: true,
    sameDiscovered: true, mismatches: 0 },
  { name: "invalid when one label value differs", other: relabelled, valid: false, sameDiscovered: true, mismatches: 2 },
  { name: "invalid when an entry is missing", other: "[]", valid: false, sameDiscovered: false, mismatches: 3 },
];
for (const c of compareCases) {
  test(`compareSdOutputs: ${c.name}`, async () => {
    const [a, b] = await withFiles({ "a.json": PROMTOOL_STYLE, "b.json": c.other }, (dir) =>
      Promise.all([summarizeSdOutput(join(dir, "a.json")), summarizeSdOutput(join(dir, "b.json"))]));
    const result = compareSdOutputs(a, b);
    assert.deepEqual(
      [result.valid, result.sameDiscoveredLabels, result.labelMismatches],
      [c.valid, c.sameDiscovered, c.mismatches],
    );
  });
}
