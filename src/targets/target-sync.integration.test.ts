/**
 * TargetSync wired to the real DiscoveryManager and the real static and file providers, as the daemon wires
 * them: manager snapshots in, built targets and change notifications out.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { Registry } from "prom-client";
import { parseConfigText } from "../config/prometheus-config.js";
import { silentLogger } from "../logging.js";
import { DiscoveryManager } from "../manager/manager.js";
import { builtinProviders } from "../providers/index.js";
import { tempDir, waitFor, writeFiles } from "../testing/index.js";
import { TargetSync } from "./target-sync.js";

test("TargetSync: follows the discovery manager for static and file_sd jobs", async (t) => {
  const dir = await tempDir(t);
  await writeFiles(dir, { "targets/a.json": '[{"targets": ["f:1"]}]' });
  const config = parseConfigText(
    "scrape_configs:\n- job_name: static\n  static_configs: [{targets: ['s:1']}]\n" +
      "- job_name: files\n  file_sd_configs: [{files: [targets/*.json], refresh_interval: 1s}]\n",
    join(dir, "prometheus.yml"),
  );
  const registry = new Registry();
  const manager = new DiscoveryManager({ providers: builtinProviders, logger: silentLogger, registry, updateIntervalMs: 0 });
  t.after(() => manager.close());
  const stop = new AbortController();
  t.after(() => stop.abort());
  const sync = new TargetSync({ source: manager, scrapeConfigs: config.scrapeConfigs, profile: "v3", reloadIntervalMs: 0, registry, signal: stop.signal });
  const changed = new Set<string>();
  sync.subscribe((jobs) => jobs.forEach((j) => changed.add(j)), stop.signal);
  manager.applyConfig(config.scrapeConfigs);

  const instances = (job: string) => sync.job(job)?.active.map((a) => a.labels["instance"]).sort() ?? [];
  await waitFor(() => instances("static").length === 1 && instances("files").length === 1, { timeoutMs: 20_000 });
  assert.deepEqual(instances("static"), ["s:1"]);
  assert.deepEqual(instances("files"), ["f:1"]);
  assert.deepEqual([...changed].sort(), ["files", "static"]);

  changed.clear();
  await writeFile(join(dir, "targets/a.json"), '[{"targets": ["f:1", "f:2"]}]');
  await waitFor(() => instances("files").length === 2, { timeoutMs: 20_000 });
  assert.deepEqual(instances("files"), ["f:1", "f:2"]);
  assert.ok(changed.has("files") && !changed.has("static"), `changed: ${[...changed].join(",")}`);
});
