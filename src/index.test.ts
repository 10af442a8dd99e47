import assert from "node:assert/strict";
import { test } from "node:test";
import * as promsd from "./index.js";

test("index: the public API loads a config and builds its targets", () => {
  const config = promsd.parseConfigText("scrape_configs:\n- job_name: node\n  static_configs: [{targets: ['a:1']}]\n", "prometheus.yml");
  const job = config.scrapeConfigs[0];
  assert.ok(job);
  const groups = job.sdConfigs.flatMap((sd) => (sd.provider === promsd.staticProvider.name ? (sd.config as promsd.StaticConfig).groups : []));
  const built = promsd.buildJobTargets(job, groups, "v3");
  assert.equal(built.active[0]?.scrapeUrl, "http://a:1/metrics");
  assert.deepEqual(promsd.relabel({ a: "b" }, []), { a: "b" });
});

test("index: exports the contracts' runtime values", () => {
  for (const name of ["DiscoveryManager", "TargetSync", "ConfigError", "builtinProviders", "fileProvider", "formatPromtool", "scrapeUrl", "decodeGroupsJson"] as const) {
    assert.ok(promsd[name] !== undefined, name);
  }
  assert.ok(promsd.builtinProviders.some((p) => p.name === "static"));
});
