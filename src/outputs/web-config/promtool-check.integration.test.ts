/**
 * `promsd check web-config --profile=v2.42` against `promtool check web-config` (Prometheus 2.42, whose
 * exporter-toolkit is 0.8): the same SUCCESS/FAILED verdict and exit code for every exporter-toolkit testdata
 * file. The profile's differences from v3 (no inline cert/key, no client_allowed_sans, no rate_limit) show up
 * here as files promtool 2.42 refuses.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { runCli } from "../../cli/run.js";
import { run, TOOLKIT_FIXTURES } from "./test-support.js";

// Go checks the HTTP/2 cipher requirement when serving, not in promtool's check; promsd refuses it at load.
const CHECKED_ONLY_AT_SERVE_TIME = new Set(["web_config_noAuth_noHTTP2Cipher.bad.yml"]);

test("promsd check web-config --profile=v2.42 gives promtool 2.42's verdict on every exporter-toolkit file", async () => {
  const files = readdirSync(TOOLKIT_FIXTURES).filter((f) => /\.ya?ml$/.test(f) && !CHECKED_ONLY_AT_SERVE_TIME.has(f)).sort();
  const promtool = await Promise.all(files.map((f) => run("promtool", ["check", "web-config", f], { cwd: TOOLKIT_FIXTURES })));
  const mismatches: string[] = [];
  const previous = process.cwd();
  process.chdir(TOOLKIT_FIXTURES);
  try {
    for (const [i, file] of files.entries()) {
      let stderr = "";
      const code = await runCli(["check", "web-config", "--profile=v2.42", file], { stdout: () => {}, stderr: (t) => void (stderr += t) });
      const want = /SUCCESS/.test(promtool[i]?.stderr ?? "") ? "SUCCESS" : "FAILED";
      const got = /SUCCESS/.test(stderr) ? "SUCCESS" : "FAILED";
      if (want !== got || code !== promtool[i]?.code) mismatches.push(`${file}: promtool ${want} (${promtool[i]?.code}), promsd ${got} (${code}): ${stderr.trim()}`);
    }
  } finally {
    process.chdir(previous);
  }
  assert.deepEqual(mismatches, []);
  assert.ok(files.length > 30);
});
