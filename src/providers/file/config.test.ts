import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigLocation } from "../../yaml/location.js";
import { parseYaml, yamlNodeFromValue } from "../../yaml/yaml-node.js";
import { ConfigError } from "../../errors.js";
import type { Profile } from "../../profile.js";
import { FILE_SD_DEFAULTS, parseFileSdConfig } from "./config.js";

const at = new ConfigLocation("prometheus.yml", 4, "scrape_configs[0].file_sd_configs[0]");
const parse = (value: unknown, configDir = "/etc/promsd", profile: Profile = "v3") =>
  parseFileSdConfig(yamlNodeFromValue(value), at, { configDir, profile });

// file.md 1.1: patterns as written; "accepted" rows and "rejected" rows of the spec's table.
const accepted = ["targets/*.json", "*.yaml", "/etc/sd/node_*.yml", "a.JSON", "dir/t?.json", "dir/[ab].json", "a/*b*.json", "**.json", "dir/.json", "d?r/x.json", "[ab]/x.json", "x.YML", "x.YAML"];
const rejected = ["*/x.json", "dir/*/x.json", "targets/*", "x.txt", "x.Json", "x.jsonl", "", "a.json/"];

for (const pattern of accepted) {
  test(`file config: pattern ${JSON.stringify(pattern)} is accepted`, () => {
    assert.equal(parse({ files: [pattern] }).files.length, 1);
  });
}
for (const pattern of rejected) {
  test(`file config: pattern ${JSON.stringify(pattern)} is rejected with Prometheus's message`, () => {
    assert.throws(() => parse({ files: ["ok.json", pattern] }), (e: unknown) =>
      e instanceof ConfigError && e.problem === `path name ${JSON.stringify(pattern)} is not valid for file discovery`);
  });
}

const joins: [string, string, string][] = [
  ["/etc/promsd", "sd/*.yml", "/etc/promsd/sd/*.yml"],
  ["/etc/promsd", "/abs/x.json", "/abs/x.json"],
  [".", "sd/web.json", "sd/web.json"],
  [".", "./a/../b.json", "b.json"],
  ["/etc/promsd/", "../x.json", "/etc/x.json"],
  ["", "x.json", "x.json"],
];
for (const [dir, pattern, want] of joins) {
  test(`file config: ${pattern} in ${JSON.stringify(dir)} resolves to ${want}`, () => {
    assert.deepEqual(parse({ files: [pattern] }, dir).files, [want]);
  });
}

const failures: { name: string; yaml: string; problem: string }[] = [
  { name: "missing files", yaml: "refresh_interval: 1m", problem: "file service discovery config must contain at least one path name" },
  { name: "empty files", yaml: "files: []", problem: "file service discovery config must contain at least one path name" },
  { name: "null file", yaml: "files: [~]", problem: 'path name "" is not valid for file discovery' },
  { name: "unknown key", yaml: "files: [a.json]\nfoo: 1", problem: "yaml: unmarshal errors:\n  line 2: field foo not found in type file.plain" },
  { name: "files as a scalar", yaml: "files: a.json", problem: "yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `a.json` into []string" },
  { name: "zero refresh interval", yaml: "files: [a.json]\nrefresh_interval: 0s", problem: "refresh_interval must be greater than 0" },
  { name: "bad duration", yaml: "files: [a.json]\nrefresh_interval: 5", problem: 'not a valid duration string: "5"' },
];
for (const c of failures) {
  test(`file config: ${c.name} fails`, () => {
    assert.throws(() => parseFileSdConfig(parseYaml(c.yaml, "p.yml"), at, { configDir: ".", profile: "v3" }), (e: unknown) => e instanceof ConfigError && e.problem === c.problem);
  });
}

test("file config: refresh_interval defaults to 5m and the scheme follows the profile", () => {
  assert.deepEqual(parse({ files: ["a.json"] }), { files: ["/etc/promsd/a.json"], refreshIntervalMs: FILE_SD_DEFAULTS.refreshIntervalMs, scheme: "utf8" });
  assert.equal(FILE_SD_DEFAULTS.refreshIntervalMs, 300_000);
  assert.deepEqual(parse({ files: ["a.json"], refresh_interval: "30s" }, ".", "v2.42"), { files: ["a.json"], refreshIntervalMs: 30_000, scheme: "legacy" });
});
