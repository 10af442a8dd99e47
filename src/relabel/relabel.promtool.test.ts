/**
 * Differential test against the real Prometheus 2.42 (`/usr/bin/promtool check service-discovery`): a
 * batch of the spec 3.8 vectors that apply to 2.42 become one job each (static_configs: the input as group
 * labels plus an `__address__` target), and promtool's `labels` / dropped-ness per job are compared with
 * promsd's relabel() under the v2.42 profile on the same discovered label set.
 *
 * Only what is comparable is compared: promtool adds job/__scheme__/... defaults before relabeling (we add
 * the same), then removes __meta_*, adds a default port and `instance`, and fails targets without
 * `__address__` or a scrape interval/timeout (we model just that much of target building here).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { promisify } from "node:util";
import { ConfigLocation } from "../yaml/location.js";
import { parseYaml, type YamlNode } from "../yaml/yaml-node.js";
import { ConfigError } from "../errors.js";
import { canonicalLabels, type LabelSet } from "../model/labels.js";
import { parseRelabelConfigs } from "./config.js";
import { loadRelabelVectors, type RelabelVector } from "./fixtures/load-vectors.js";
import { relabel } from "./relabel.js";

const PROMTOOL = "/usr/bin/promtool";
const MAX_JOBS = 25;
const PARALLELISM = 4;
const DEFAULT_ADDRESS = "promsd-test:1";

const run = promisify(execFile);

/** Up to MAX_JOBS vectors that apply to 2.42: every one whose profiles disagree, then an even spread. */
function pickVectors(): RelabelVector[] {
  const applicable = loadRelabelVectors().filter((v) => v.profiles.includes("v2.42"));
  const differing = applicable.filter((v) => v.profiles.length === 1 || JSON.stringify(v.expect.get("v3")) !== JSON.stringify(v.expect.get("v2.42")));
  const rest = applicable.filter((v) => !differing.includes(v));
  const room = MAX_JOBS - differing.length;
  const spread = rest.filter((_, i) => Math.floor((i * room) / rest.length) !== Math.floor(((i - 1) * room) / rest.length));
  return [...differing, ...spread].slice(0, MAX_JOBS);
}

/** Flow-style YAML for a node; scalars are quoted unless plain and harmless, so uint64 fields stay numbers. */
function toFlowYaml(node: YamlNode): string {
  switch (node.kind) {
    case "map":
      return `{${node.entries.map((e) => `${e.key}: ${toFlowYaml(e.value)}`).join(", ")}}`;
    case "seq":
      return `[${node.items.map(toFlowYaml).join(", ")}]`;
    case "scalar":
      if (node.isNull) return "null";
      return !node.isQuoted && /^[0-9]+$/.test(node.text) ? node.text : JSON.stringify(node.text);
  }
}

function jobName(index: number): string {
  return `v${index}`;
}

function writeConfig(dir: string, vectors: readonly RelabelVector[]): string {
  const jobs = vectors.map((v, i) => {
    const { __address__: address = DEFAULT_ADDRESS, ...groupLabels } = v.input;
    const labels = Object.entries(groupLabels).map(([k, val]) => `${k}: ${JSON.stringify(val)}`).join(", ");
    const rules = v.rules.map((r) => `      - ${toFlowYaml(r.value)}`).join("\n");
    return `  - job_name: ${jobName(i)}\n    static_configs:\n      - targets: [${JSON.stringify(address)}]\n        labels: {${labels}}\n    relabel_configs:\n${rules}`;
  });
  const path = join(dir, "prometheus.yml");
  writeFileSync(path, `global:\n  scrape_interval: 15s\n  scrape_timeout: 10s\nscrape_configs:\n${jobs.join("\n")}\n`);
  return path;
}

interface PromtoolEntry {
  readonly discoveredLabels: LabelSet;
  readonly labels: LabelSet;
  readonly error?: unknown;
}

async function promtoolTargets(configPath: string, job: string): Promise<PromtoolEntry[]> {
  const { stdout } = await run(PROMTOOL, ["check", "service-discovery", "--timeout=1s", configPath, job], { timeout: 30_000 });
  return JSON.parse(stdout) as PromtoolEntry[]; // promtool's documented JSON output
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

type Outcome = { kind: "dropped" } | { kind: "failed" } | { kind: "kept"; labels: LabelSet };

/** What promtool should print for promsd's relabel result, per the comparable part of 2.42 target building. */
function expectedOutcome(vector: RelabelVector, job: string): Outcome {
  const discovered = canonicalLabels({
    __address__: DEFAULT_ADDRESS, __metrics_path__: "/metrics", __scheme__: "http", __scrape_interval__: "15s",
    __scrape_timeout__: "10s", job, ...vector.input,
  });
  const rules = parseRelabelConfigs(vector.rules, { profile: "v2.42", scheme: "legacy" }, "target");
  const result = relabel(discovered, rules);
  if (result === undefined) return { kind: "dropped" };
  const { __address__: address, __scrape_interval__: interval, __scrape_timeout__: timeout } = result;
  if (address === undefined || interval === undefined || timeout === undefined) return { kind: "failed" };
  const withPort = address.includes(":") ? address : `${address}:${result.__scheme__ === "https" ? 443 : 80}`;
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(result)) if (!name.startsWith("__meta_")) labels[name] = value;
  labels.__address__ = withPort;
  labels.instance ??= withPort;
  return { kind: "kept", labels };
}

function observedOutcome(entries: readonly PromtoolEntry[]): Outcome {
  assert.equal(entries.length, 1, `one target expected, got ${JSON.stringify(entries)}`);
  const [entry] = entries as [PromtoolEntry];
  if (entry.error !== undefined) return { kind: "failed" };
  if (Object.keys(entry.labels).length === 0) return { kind: "dropped" };
  return { kind: "kept", labels: entry.labels };
}

test("relabel vs promtool 2.42: promtool is installed", () => {
  assert.ok(existsSync(PROMTOOL), `${PROMTOOL} is missing: install Debian's prometheus package (apt-get install -y prometheus)`);
});

test("relabel vs promtool 2.42: a batch of spec 3.8 vectors gives the same labels and drops", { timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(PROMTOOL), `${PROMTOOL} is missing`);
  const dir = mkdtempSync(join(tmpdir(), "promsd-relabel-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vectors = pickVectors();
  assert.ok(vectors.length >= 20 && vectors.length <= MAX_JOBS, `picked ${vectors.length} vectors`);
  const configPath = writeConfig(dir, vectors);
  const observed = await mapLimited(vectors, PARALLELISM, (_, i) => promtoolTargets(configPath, jobName(i)));
  const mismatches: string[] = [];
  for (const [i, vector] of vectors.entries()) {
    const want = expectedOutcome(vector, jobName(i));
    const got = observedOutcome(observed[i] ?? []);
    try {
      assert.deepEqual(got, want);
    } catch {
      mismatches.push(`${vector.name}: promtool ${JSON.stringify(got)}, promsd ${JSON.stringify(want)}`);
    }
  }
  assert.deepEqual(mismatches, []);
});

// ---- validation and decoding errors: `promtool check config` vs parseRelabelConfigs (v2.42) ----

/** Rule lists (one YAML list item per string) whose load result must equal promtool's. */
function validationCases(): string[][] {
  const fixture = parseYaml(readFileSync(new URL("./fixtures/validation-vectors.yaml", import.meta.url), "utf8"), "validation-vectors.yaml");
  if (fixture.kind !== "seq") throw new Error("expected a list");
  const fromFixture = fixture.items.map((item) => {
    const rule = item.kind === "map" ? item.entries.find((e) => e.key === "rule")?.value : undefined;
    if (rule === undefined) throw new Error("rule missing");
    return [toFlowYaml(rule)];
  });
  return [
    ...fromFixture,
    ["{target_label: a, sourcelabels: [b]}"], ["{action: ''}"], ["{action: , target_label: x}"], ["null"], ["{target_label: a}", "null"],
    ["{action: hashmod, target_label: h, modulus: abc}"], ["{source_labels: a, target_label: b}"], ["{target_label: a, target_label: b}"],
    ["{foo: 1, action: Foo}"], ["{regex: '(', action: Foo}"], ["{source_labels: [a], regex: '(?<n>x)', target_label: b}"],
    ["{source_labels: [a], regex: 'x(?<n>', target_label: b}"], ["{regex: a}", "{action: Foo}"], ["null", "{regex: a}"], ["null", "{action: Foo}"],
    ["{source_labels: [a, ~], target_label: t}"], ["{action: labelmap, regex: 'x', replacement: 'a${1}b'}"], ["{action: KEEP, regex: '(?i)x'}"],
    ["{source_labels: [foo.bar], target_label: b}"], ["{action: keepequal, source_labels: [a], target_label: b, separator: ''}"],
    ["{action: labeldrop, regex: a, source_labels: ~}"], ["{target_label: '${1}x', replacement: '$2'}"],
  ];
}

function validationConfig(rules: readonly string[]): string {
  return `scrape_configs:\n  - job_name: a\n    relabel_configs:\n${rules.map((r) => `      - ${r}`).join("\n")}\n`;
}

/** promsd's verdict: Prometheus's message, or "SUCCESS". */
function promsdVerdict(text: string): string {
  const root = parseYaml(text, "c.yml");
  const job = root.kind === "map" ? root.entries[0]?.value : undefined;
  const first = job?.kind === "seq" ? job.items[0] : undefined;
  const list = first?.kind === "map" ? first.entries.find((e) => e.key === "relabel_configs")?.value : undefined;
  if (list?.kind !== "seq") throw new Error("relabel_configs missing");
  const at = new ConfigLocation("c.yml", 0, "scrape_configs[0].relabel_configs");
  try {
    parseRelabelConfigs(list.items.map((value, i) => ({ value, at: at.index(i, value.line) })), { profile: "v2.42", scheme: "legacy" }, "target");
    return "SUCCESS";
  } catch (error) {
    if (error instanceof ConfigError) return error.problem;
    throw error;
  }
}

async function promtoolVerdict(dir: string, index: number, text: string): Promise<string> {
  const name = `c${index}.yml`;
  writeFileSync(join(dir, name), text);
  try {
    await run(PROMTOOL, ["check", "config", name], { cwd: dir, timeout: 30_000 });
    return "SUCCESS";
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ""; // execFile's rejection carries the output
    const match = /FAILED: parsing YAML file [^:]+: ([\s\S]*)$/.exec(stderr.trimEnd());
    if (!match?.[1]) throw new Error(`unexpected promtool output: ${stderr}`);
    return match[1];
  }
}

test("relabel vs promtool 2.42: rule validation and decoding errors match check config", { timeout: 120_000 }, async (t) => {
  assert.ok(existsSync(PROMTOOL), `${PROMTOOL} is missing`);
  const dir = mkdtempSync(join(tmpdir(), "promsd-relabel-check-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cases = validationCases().map(validationConfig);
  const observed = await mapLimited(cases, PARALLELISM, (text, i) => promtoolVerdict(dir, i, text));
  const mismatches = cases.flatMap((text, i) => {
    const want = observed[i];
    const got = promsdVerdict(text);
    return got === want ? [] : [`${text.split("\n").slice(3).join(" | ")} -> promtool ${JSON.stringify(want)}, promsd ${JSON.stringify(got)}`];
  });
  assert.deepEqual(mismatches, []);
});
