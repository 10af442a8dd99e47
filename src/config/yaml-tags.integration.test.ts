/**
 * YAML tags, anchors and aliases as Prometheus's decoder (go-yaml v2) reads them, held against the reference
 * promtool 2.42: `check config` must accept and reject the same configs with the same message, and for the
 * accepted ones `check service-discovery` must print the same targets, so decoded values (a `!!binary` job
 * name, a `!foo` label value, a float count) are compared too, not only the verdict. Prometheus 3.x reads
 * prometheus.yml with go.yaml.in/yaml/v2 2.4.4, the same decoder (only its module path changed), so the
 * default profile must give the same outcome: every case also runs under v3.
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { promsdCheckConfig, promtoolCheckConfig } from "../testing/config-oracle.js";
import { assertPromtoolInstalled, createLimiter, runPromtoolAndPromsd, sortedSdEntries, tempDir } from "../testing/index.js";

interface TagCase {
  readonly name: string;
  readonly yaml: string;
  /** The job whose targets are compared, when not `j`. */
  readonly job?: string;
}

const job = (body: string): string => `scrape_configs:\n  - ${body.split("\n").join("\n    ")}\n`;
const withTargets = (body: string): string => job(`job_name: j\nstatic_configs: [{targets: ['a:1']}]\n${body}`);

const CASES: TagCase[] = [
  // Strings: !!str keeps the text, !!binary decodes base64, unknown tags keep the text.
  { name: "!!binary job_name", yaml: job("job_name: !!binary ag==\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!binary block scalar", yaml: job("job_name: !!binary |\n  ag==\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!binary invalid base64", yaml: withTargets("relabel_configs:\n  - action: labelmap\n    replacement: !!binary \"/w==$1\"") },
  { name: "!!binary without padding", yaml: job("job_name: !!binary am9") },
  { name: "!!str on a number", job: "0x10", yaml: job("job_name: !!str 0x10\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "local tag on a string", job: "bar", yaml: job("job_name: !foo bar\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "non-specific tag", job: "bar", yaml: job("job_name: ! bar\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "verbatim tag", job: "5", yaml: job("job_name: !<tag:yaml.org,2002:str> 5\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!seq and !!map on scalars", yaml: withTargets("metrics_path: !!seq /m\nscheme: !!map https") },
  { name: "!!int on a string field", job: "0x1F", yaml: job("job_name: !!int 0x1F\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!int that is not an int", yaml: job("job_name: !!int abc") },
  { name: "!!float on an int", job: "5", yaml: job("job_name: !!float 5\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!float that is not a float", yaml: job("job_name: !!float x1") },
  { name: "!!bool that is not a bool", yaml: job("job_name: !!bool 1") },
  { name: "!!timestamp", job: "2001-12-14", yaml: job("job_name: !!timestamp 2001-12-14\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!timestamp that is not one", yaml: job("job_name: !!timestamp abc") },
  { name: "!!null on a value", yaml: job("job_name: !!null foo") },
  { name: "!!null empty", yaml: withTargets("metrics_path: !!null") },
  { name: "!!str on null", yaml: withTargets("metrics_path: !!str ~") },
  // Typed fields: bools, counts and durations decode from the resolved value, not from the text.
  { name: "quoted bool", yaml: withTargets('honor_labels: "true"') },
  { name: "!!str bool", yaml: withTargets("honor_labels: !!str true") },
  { name: "!!bool bool", yaml: withTargets("honor_labels: !!bool yes") },
  { name: "local tag on a bool", yaml: withTargets("honor_labels: !foo true") },
  { name: "!!binary bool", yaml: withTargets("honor_labels: !!binary dHJ1ZQ==") },
  { name: "quoted count", yaml: withTargets('sample_limit: "5"') },
  { name: "!!float count", yaml: withTargets("sample_limit: !!float 5") },
  { name: "!!int count in hex", yaml: withTargets("sample_limit: !!int 0x10") },
  { name: "!!str count", yaml: withTargets("label_limit: !!str 7") },
  { name: "a list in a count", yaml: withTargets("sample_limit: [1]") },
  { name: "a map in a bool", yaml: withTargets("honor_labels: {a: 1}") },
  { name: "!!binary duration", yaml: job("job_name: j\nscrape_interval: !!binary MXM=\nscrape_timeout: 1s\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "!!int duration", yaml: withTargets("scrape_interval: !!int 30") },
  { name: "!!str duration", yaml: withTargets("scrape_interval: !!str 1m") },
  // Lists and maps: elements and keys decode like fields; tags on collections are ignored.
  { name: "!!binary target", yaml: job("job_name: j\nstatic_configs: [{targets: [!!binary YToxMjM=, !!str 9090]}]") },
  { name: "bad !!int target", yaml: job("job_name: j\nstatic_configs: [{targets: [!!int a]}]") },
  { name: "!!binary label key and value", yaml: job("job_name: j\nstatic_configs: [{targets: ['a:1'], labels: {!!binary dGVhbQ==: !!binary b3Bz}}]") },
  { name: "!!binary label name not UTF-8", yaml: job("job_name: j\nstatic_configs: [{targets: ['a:1'], labels: {!!binary \"/w==\": x}}]") },
  { name: "external label value not UTF-8", yaml: "global:\n  external_labels:\n    name: !!binary \"/w==\"\n" },
  { name: "external label name not UTF-8", yaml: "global:\n  external_labels:\n    !!binary \"/w==\": value\n" },
  { name: "!!binary struct key", yaml: job("!!binary am9iX25hbWU=: j\nstatic_configs: [{targets: ['a:1']}]") },
  { name: "bad !!binary struct key", yaml: job("!!binary am9iX25hbWU: j") },
  { name: "!!seq on a map", yaml: "scrape_configs:\n  - !!seq {job_name: j, static_configs: [{targets: ['a:1']}]}\n" },
  { name: "!!map on a list", yaml: job("job_name: j\nstatic_configs: !!map [{targets: ['a:1']}]") },
  { name: "local tag on a map", yaml: job("job_name: j\nstatic_configs: [!foo {targets: ['a:1'], labels: !bar {a: b}}]") },
  { name: "!!binary relabel replacement", yaml: withTargets("relabel_configs:\n  - target_label: x\n    replacement: !!binary dmFsdWU=") },
  { name: "params with tags", yaml: withTargets("params: {module: [!!binary aHR0cA==, !!int 2]}") },
  // Merge keys, anchors and aliases.
  { name: "!!merge merge key", yaml: "x: &a {job_name: j, static_configs: [{targets: ['a:1']}]}\nscrape_configs:\n  - !!merge <<: *a\n" },
  { name: "quoted << is a field", yaml: "scrape_configs:\n  - &a {job_name: i}\n  - '<<': *a\n    job_name: j\n" },
  { name: "!!str << is a field", yaml: "scrape_configs:\n  - &a {job_name: i}\n  - !!str <<: *a\n    job_name: j\n" },
  { name: "merge of a list of maps", yaml: "scrape_configs:\n  - &a {job_name: i, scrape_interval: 7s}\n  - &b {job_name: k, metrics_path: /x}\n  - <<: [*a, *b]\n    job_name: j\n    static_configs: [{targets: ['a:1']}]\n" },
  { name: "merge of a scalar", yaml: "x: &s foo\nscrape_configs:\n  - <<: *s\n    job_name: j\n" },
  { name: "alias to an undefined anchor", yaml: withTargets("metrics_path: *nope") },
  { name: "anchor containing itself", yaml: "scrape_configs:\n  - &x {job_name: j, static_configs: [{labels: {a: *x}}]}\n" },
  { name: "a merge after a key overrides it", yaml: withTargets("relabel_configs:\n  - &r {target_label: x, replacement: merged}\n  - {replacement: own, <<: *r, target_label: y}") },
  { name: "a merged label set again", yaml: "scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: ['a:1']\n        labels: &l {team: ops}\n      - targets: ['b:1']\n        labels: {<<: *l, team: dev}\n" },
  { name: "aliased scalar", yaml: "scrape_configs:\n  - job_name: &n !!binary ag==\n    static_configs: [{targets: ['a:1'], labels: {copy: *n}}]\n" },
  { name: "alias bomb under unknown keys", yaml: billionLaughs() },
  { name: "many jobs merging one base", yaml: mergedJobs(20, 50) },
  { name: "excessive aliasing by merges", yaml: mergedJobs(200, 1000) },
];

/** `jobs` jobs that each merge (`<<: *base`) a first job with `targets` static targets. */
function mergedJobs(jobs: number, targets: number): string {
  const list = Array.from({ length: targets }, (_, i) => `'t${i}:1'`).join(", ");
  const others = Array.from({ length: jobs }, (_, i) => `  - <<: *base\n    job_name: j${i}\n`).join("");
  return `scrape_configs:\n  - &base\n    job_name: j\n    static_configs: [{targets: [${list}]}]\n${others}`;
}

/** The classic alias bomb: nine levels of nine aliases each. */
function billionLaughs(): string {
  const lines = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"];
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) {
    const name = names[i] ?? "";
    const previous = names[i - 1] ?? "";
    lines.push(`${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(",")}]`);
  }
  return `${lines.join("\n")}\nscrape_configs: [{job_name: j, static_configs: [{targets: ['a:1'], labels: {x: *i}}]}]\n`;
}

test("yaml tags (oracle): promsd accepts, rejects and decodes every tag as promtool 2.42 does, under both profiles", async (t) => {
  assertPromtoolInstalled();
  const dir = await tempDir(t);
  const mismatches: string[] = [];
  let accepted = 0;
  const limit = createLimiter(2);
  await Promise.all(CASES.map((c, i) => limit(async () => {
    const caseDir = join(dir, `c${i}`);
    await mkdir(caseDir);
    const file = "prometheus.yml";
    await writeFile(join(caseDir, file), c.yaml);
    const reference = promtoolCheckConfig(caseDir, file);
    for (const profile of ["v2.42", "v3"] as const) {
      const ours = promsdCheckConfig(caseDir, file, c.yaml, profile);
      if (ours.ok !== reference.ok || ours.message !== reference.message) {
        mismatches.push(`${c.name} (${profile}): promtool ${JSON.stringify(reference)} vs promsd ${JSON.stringify(ours)}`);
      }
    }
    if (!reference.ok || !c.yaml.includes("targets")) return;
    // Accepted: the decoded values must be the same too (job, labels, targets, paths, intervals).
    const runs = await runPromtoolAndPromsd(caseDir, { timeoutMs: 1000, job: c.job ?? "j" });
    const [want, got] = [sortedSdEntries(runs.promtool), sortedSdEntries(runs.promsd)];
    if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${c.name}: targets differ\n  promtool ${want.join("\n           ")}\n  promsd   ${got.join("\n           ")}`);
    else accepted++;
  })));
  assert.deepEqual(mismatches, []);
  assert.ok(accepted >= 20, `only ${accepted} accepted cases compared their targets`);
});

const FILE_SD_CASES: { name: string; yaml: string }[] = [
  { name: "tags in targets and labels", yaml: "- targets: [!!binary YToxMjM=, !!str 0x10, !foo 'b:2']\n  labels: {!!binary dGVhbQ==: !!binary b3Bz, env: !!int 5, x: !!null }\n" },
  { name: "bad !!binary label value", yaml: "- targets: [a:1]\n  labels: {team: !!binary '%%'}\n" },
  { name: "bad !!int target", yaml: "- targets: [!!int a]\n" },
  { name: "label name not UTF-8", yaml: "- targets: [a:1]\n  labels: {!!binary \"/w==\": x}\n" },
  { name: "tag ended by a flow indicator", yaml: "- targets: [a:1]\n  labels: {x: !!null}\n" },
  { name: "tag ended by a comma in a flow map", yaml: "- targets: [a:1]\n  labels: {x: !!null, y: !foo z}\n" },
  { name: "aliases and merges", yaml: "- &g\n  targets: [a:1]\n  labels: &l {team: ops}\n- <<: *g\n  targets: [b:2]\n- targets: [c:3]\n  labels: {<<: *l, env: prod}\n" },
  { name: "a merged label set again", yaml: "- targets: [a:1]\n  labels: &l {team: ops}\n- targets: [b:1]\n  labels: {team: dev, <<: *l}\n" },
  { name: "quoted and tagged null key", yaml: "- targets: [a:1]\n  labels: {'null': x}\n" },
];

test("yaml tags (oracle): file_sd YAML files with tags give promtool 2.42's targets, or its refusal", async (t) => {
  assertPromtoolInstalled();
  const dir = await tempDir(t);
  const mismatches: string[] = [];
  for (const [i, c] of FILE_SD_CASES.entries()) {
    const caseDir = join(dir, `f${i}`);
    await mkdir(caseDir);
    await writeFile(join(caseDir, "targets.yml"), c.yaml);
    await writeFile(join(caseDir, "prometheus.yml"), "scrape_configs:\n  - job_name: j\n    file_sd_configs: [{files: [targets.yml]}]\n");
    const runs = await runPromtoolAndPromsd(caseDir, { timeoutMs: 1000 });
    const [want, got] = [sortedSdEntries(runs.promtool), sortedSdEntries(runs.promsd)];
    if (JSON.stringify(want) !== JSON.stringify(got)) mismatches.push(`${c.name}:\n  promtool ${want.join(" ")}\n  promsd   ${got.join(" ")}`);
  }
  assert.deepEqual(mismatches, []);
});
