/**
 * Differential test against the reference promtool 2.42 (prometheus-oracle.md): many file_sd files in one
 * directory, read by `promtool check service-discovery` and by promsd's file reader under profile v2.42.
 * Every file that promtool rejects must fail with the same `err` text; every target it prints must be the
 * one promsd builds from its groups.
 */
import assert from "node:assert/strict";
import { readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { runPromtoolSd, tempDir } from "../../testing/index.js";
import { decodeFile, toTargetGroup } from "./file-reader.js";

/** [extension, content]: valid files, decoding errors of core.md 1.2 / file.md 3.2, and syntax errors. */
const FILES: readonly (readonly ["json" | "yml", string])[] = [
  ["json", '[{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}, {"targets": ["c:3"]}]'],
  ["json", '[{"Targets": ["up:1"], "LABELS": {"env": "x", "empty": null, "__meta_filepath": "fake"}}, {"targets": ["b:2"]}]'],
  ["json", '[{"targetſ": ["s:1"], "labels": {"x": "1", "x": "2"}}]'],
  ["json", '[{"targets": ["d:1"], "labels": {"a": "b"}, "labels": null}]'],
  ["json", '[{"targets": ["e\\u00e9:1", "\\ud800:2"]}]'],
  ["json", "[]"], ["json", "null"], ["json", ""], ["json", "["], ["json", "{}"], ["json", "[null]"], ["json", "[1]"],
  ["json", '[{"targets":[1]}]'], ["json", '[{"targets":"a"}]'], ["json", '[{"labels":{"a":1}}]'], ["json", '[{"labels":"x"}]'],
  ["json", '[{"labels":{"a.b":"x"}}]'], ["json", '[{"extra":1,"targets":[1]}]'], ["json", '[{"extra":1,"labels":{"a":1}}]'],
  ["json", "\ufeff[]"], ["json", "[1,]"], ["json", '{"a" 1}'], ["json", "[01]"], ["json", "[-]"], ["json", "[1.]"], ["json", "[1e+]"],
  ["json", "[nul"], ["json", '["\\'], ["json", '["\\u00'], ["json", "[\t\"\u0001\"]"], ["json", "[é]"], ["json", "[] []"], ["json", "[{,}]"],
  ["yml", "- targets: ['a:1', 'b:2']\n  labels:\n    foo: bar\n\n- targets: ['my.domain']\n"],
  ["yml", "- targets: [d:1, 9100, true, 0x10]\n  labels: {port: 0x10, flag: yes, n: ~, __meta_filepath: fake}\n"],
  ["yml", "- targets: [a]\n  labels: &x {a: b}\n- targets: [b]\n  labels: *x\n"],
  ["yml", "\ufeff- targets: [bom]\n"], ["yml", "- targets: [one]\n---\n- targets: [two]\n"], ["yml", ""], ["yml", "# only a comment\n"],
  ["yml", "~"], ["yml", "[]"], ["yml", "foo"], ["yml", "a: 1"], ["yml", "- ~\n-\n"], ["yml", "- targets"], ["yml", "- Targets: [a]"],
  ["yml", "- targets: [a]\n  labels: foo\n- targets: x\n- target: [b]\n- targets: [[1]]\n  labels: {a: [1]}\n- labels: [1]\n- 5\n- {labels: {a: 1, a: 2}}\n- {targets: [], targets: []}\n"],
  ["yml", "- {targets: x}\n- {labels: {a.b: x}}"], ["yml", "- labels:\n    a: 1\n    a:\n      2"],
  ["yml", "- targets: [verylongtargetname]\n  labels: verylongvalue"], ["yml", '- labels: "ééééééé"'],
  ["yml", "- {targets: ['a:1'], labels: {service.name: checkout}}"], ["yml", '- {targets: [q], labels: {"": x}}'],
];

test("file (oracle): promtool 2.42 and promsd agree on every file's groups and errors", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  const names = FILES.map(([ext], i) => `sd/f${String(i).padStart(2, "0")}.${ext}`);
  for (const [i, [, content]] of FILES.entries()) await writeFile(join(dir, names[i] ?? ""), content);
  await writeFile(join(dir, "prometheus.yml"), "scrape_configs:\n  - job_name: j\n    file_sd_configs:\n      - files: ['sd/*.json', 'sd/*.yml']\n");
  const run = await runPromtoolSd(dir, "prometheus.yml", "j", { timeoutMs: 1000 });
  assert.equal(run.exitCode, 0, run.stderr);
  assert.ok(run.entries, run.parseError);

  const promtoolErrors = new Map<string, string>();
  for (const match of run.stderr.matchAll(/msg="Error reading file" path=(\S+) err=("(?:[^"\\]|\\.)*"|\S+)/g)) {
    const [, path = "", err = ""] = match;
    promtoolErrors.set(path, err.startsWith('"') ? (JSON.parse(err) as string) : err); // go-logfmt quotes JSON-compatibly
  }
  const wantEntries = new Set<string>();
  for (const name of names) {
    let groups;
    try {
      groups = decodeFile(name, await readFile(join(dir, name)), "legacy").map((g, i) => toTargetGroup(name, i, g));
    } catch (error) {
      assert.equal(error instanceof Error ? error.message : error, promtoolErrors.get(name), `${name}: ${await readFile(join(dir, name), "utf8")}`);
      continue;
    }
    assert.equal(promtoolErrors.get(name), undefined, `${name} failed only in promtool`);
    for (const group of groups) for (const target of group.targets) wantEntries.add(discoveredLabels({ ...group.labels, ...target }));
  }
  const gotEntries = new Set(run.entries.filter((e) => e.error === undefined).map((e) => JSON.stringify(e.discoveredLabels)));
  assert.deepEqual([...gotEntries].sort(), [...wantEntries].sort());
});

/** promtool's discoveredLabels for a target of job `j` with default settings (oracle notes), as sorted JSON. */
function discoveredLabels(labels: Readonly<Record<string, string>>): string {
  const all: Record<string, string> = { job: "j", __scheme__: "http", __metrics_path__: "/metrics", __scrape_interval__: "1m", __scrape_timeout__: "10s", ...labels };
  const kept = Object.entries(all).filter(([, v]) => v !== "").sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify(Object.fromEntries(kept));
}
