import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import {
  createLimiter,
  createTempDir,
  goDuration,
  isPromtoolInstalled, assertPromtoolInstalled,
  parseSdOutput,
  runPromtoolSd,
  tempDir,
  waitFor,
  writeFiles,
} from "./index.js";

test("waitFor: resolves with the first truthy value when the condition becomes true", async () => {
  let calls = 0;
  const value = await waitFor(() => (++calls >= 3 ? `done after ${calls}` : false), { timeoutMs: 1000, intervalMs: 1 });
  assert.equal(value, "done after 3");
});

test("waitFor: treats a throwing predicate as not yet and reports its last error on timeout", async () => {
  await assert.rejects(
    waitFor(() => readFileSync("/nonexistent/promsd-file", "utf8"), { timeoutMs: 30, description: "file" }),
    (error: unknown) => error instanceof Error && /file not met within 30 ms; last error: ENOENT/.test(error.message),
  );
});

test("waitFor: checks at least once when the timeout is zero", async () => {
  assert.equal(await waitFor(() => 42, { timeoutMs: 0 }), 42);
  await assert.rejects(waitFor(() => false, { timeoutMs: 0 }), /condition not met within 0 ms/);
});

test("waitFor: rejects with the signal's reason when aborted", async () => {
  const stop = new AbortController();
  setTimeout(() => stop.abort(new Error("stopped by test")), 5);
  await assert.rejects(waitFor(() => false, { timeoutMs: 5000, signal: stop.signal }), /stopped by test/);
});

test("tempDir: writes nested files and removes the directory after the test", async (t) => {
  let path = "";
  await t.test("inner", async (inner) => {
    path = await tempDir(inner);
    await writeFiles(path, { "a/b/c.json": "[]", "prometheus.yml": "x" });
    assert.equal(readFileSync(join(path, "a/b/c.json"), "utf8"), "[]");
  });
  assert.notEqual(path, "");
  assert.equal(existsSync(path), false);
});

test("createTempDir: remove() is idempotent", async () => {
  const dir = await createTempDir();
  await writeFile(join(dir.path, "x"), "y");
  await dir.remove();
  await dir.remove();
  assert.equal(existsSync(dir.path), false);
});

test("createLimiter: never runs more than the limit at once and keeps every result", async () => {
  const limit = createLimiter(2);
  let running = 0;
  let peak = 0;
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        running++;
        peak = Math.max(peak, running);
        await delay(i % 3);
        running--;
        return i * 2;
      }),
    ),
  );
  assert.equal(peak, 2);
  assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => i * 2));
});

test("createLimiter: a failing job frees its slot", async () => {
  const limit = createLimiter(1);
  await assert.rejects(limit(() => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await limit(() => Promise.resolve("next")), "next");
});

test("goDuration: formats whole seconds and milliseconds the way Go parses them", () => {
  assert.equal(goDuration(1000), "1s");
  assert.equal(goDuration(1500), "1500ms");
  assert.throws(() => goDuration(0), RangeError);
});

const parseCases: { name: string; text: string; entries?: unknown; error?: RegExp }[] = [
  { name: "empty array", text: "[]", entries: [] },
  {
    name: "kept, dropped and failed entries",
    text: '[{"discoveredLabels":{"a":"1"},"labels":{"b":"2"}},{"discoveredLabels":{"a":"1"},"labels":{}},{"discoveredLabels":{},"labels":{},"error":{}}]',
    entries: [
      { discoveredLabels: { a: "1" }, labels: { b: "2" } },
      { discoveredLabels: { a: "1" }, labels: {} },
      { discoveredLabels: {}, labels: {}, error: {} },
    ],
  },
  { name: "not JSON", text: "panic: send on closed channel", error: /not JSON/ },
  { name: "an object", text: "{}", error: /not a JSON array/ },
  { name: "a non-string label", text: '[{"discoveredLabels":{},"labels":{"a":1}}]', error: /labels is not an object of strings/ },
  { name: "a non-empty error", text: '[{"discoveredLabels":{},"labels":{},"error":{"m":"x"}}]', error: /error is/ },
  { name: "an unknown key", text: '[{"discoveredLabels":{},"labels":{},"x":1}]', error: /unexpected keys x/ },
];
for (const c of parseCases) {
  test(`parseSdOutput: ${c.name}`, () => {
    const result = parseSdOutput(c.text);
    if (c.error) {
      assert.equal(result.entries, undefined);
      assert.match(result.parseError ?? "", c.error);
    } else {
      assert.deepEqual(result, { entries: c.entries, parseError: undefined });
    }
  });
}

test("runPromtoolSd: runs the reference promtool in the config's folder", async (t) => {
  assertPromtoolInstalled();
  const dir = await tempDir(t);
  await writeFiles(dir, {
    "prometheus.yml": "scrape_configs:\n- job_name: j\n  file_sd_configs: [{files: [sd/a.json]}]\n",
    "sd/a.json": '[{"targets": ["a:1"], "labels": {"env": "<x>"}}]',
  });
  const run = await runPromtoolSd(dir, "prometheus.yml", "j", { timeoutMs: 500 });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.deepEqual(run.entries, [
    {
      discoveredLabels: {
        __address__: "a:1",
        __meta_filepath: "sd/a.json",
        __metrics_path__: "/metrics",
        __scheme__: "http",
        __scrape_interval__: "1m",
        __scrape_timeout__: "10s",
        env: "<x>",
        job: "j",
      },
      labels: {
        __address__: "a:1",
        __metrics_path__: "/metrics",
        __scheme__: "http",
        __scrape_interval__: "1m",
        __scrape_timeout__: "10s",
        env: "<x>",
        instance: "a:1",
        job: "j",
      },
    },
  ]);
  assert.ok(run.stdout.includes("\\u003cx\\u003e"), "promtool escapes < and > like Go's encoder");
  const missing = await runPromtoolSd(dir, "prometheus.yml", "nope", { timeoutMs: 500 });
  assert.equal(missing.exitCode, 1);
  assert.equal(missing.entries, undefined);
  assert.match(missing.stderr, /^Job nope not found\. Select one of:\n\tj\n/);
});
