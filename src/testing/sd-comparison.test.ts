import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parseSdOutput, sortedSdEntries, tempDir, writeOneJobConfig, type SdRun } from "./index.js";

test("writeOneJobConfig: one job j with the block indented under the SD key", async (t) => {
  const dir = await tempDir(t);
  await writeOneJobConfig(dir, "http_sd_configs", "url: 'http://a/'\nbearer_token: x");
  assert.equal(
    await readFile(join(dir, "prometheus.yml"), "utf8"),
    "scrape_configs:\n  - job_name: j\n    http_sd_configs:\n      - url: 'http://a/'\n        bearer_token: x\n",
  );
});

const run = (exitCode: number, stdout: string): SdRun => ({ command: "promtool …", exitCode, stdout, stderr: "boom", ...parseSdOutput(stdout) });

test("sortedSdEntries: sorted JSON lines of a successful run; a failed run fails the test", () => {
  const b = { discoveredLabels: { __address__: "b" }, labels: {} };
  const a = { discoveredLabels: { __address__: "a" }, labels: {} };
  assert.deepEqual(sortedSdEntries(run(0, JSON.stringify([b, a]))), [JSON.stringify(a), JSON.stringify(b)]);
  assert.throws(() => sortedSdEntries(run(1, "")), /promtool …\nboom/);
  assert.throws(() => sortedSdEntries(run(0, "{}")), /not a JSON array/);
});
