/**
 * The differential test: for every case under cases/ and every job its case.json names, run the reference
 * `promtool check service-discovery` (2.42) and `promsd sd --profile=v2.42` the same way and require the same
 * output. Only the documented 2.42 quirks are normalised (see compare.ts): entry order, and the
 * discoveredLabels aliasing bug. promsd's stdout must also be byte-identical to what Go would print for
 * its own entries (escaping, indentation, no trailing newline).
 *
 * Parallelism: two promtool and two promsd processes at a time, in separate queues. promtool sleeps through
 * its whole --timeout (1 s here) and costs almost no CPU, so it overlaps with promsd's start-up work; each
 * test awaits its own runs, which were queued when the file loaded.
 */
import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { createLimiter, createTempDir, runPromsdSd, runPromtoolSd, type SdEntry, type SdRun } from "../../src/testing/index.js";
import { compareEntries, describeMismatch, isMatch, labelsKey, trueDiscoveredConfig } from "./compare.js";
import { CONFIG_FILE, checkExpectation, loadCases, type DifferentialCase, type JobExpectation } from "./corpus.js";
import { renderPromtoolJson } from "./go-json.js";

const TIMEOUT_MS = 1000;
const PROFILE = "v2.42";
const cases = loadCases();
const promtoolQueue = createLimiter(2);
const promsdQueue = createLimiter(2);
const cleanups: (() => Promise<void>)[] = [];
after(() => Promise.all(cleanups.map((cleanup) => cleanup())));

interface JobRuns {
  readonly promtool: Promise<SdRun>;
  readonly promsd: Promise<SdRun>;
}

// Queue every run now, in test order, so the two slots never idle while a test is being checked.
const runs = new Map<string, JobRuns>();
for (const c of cases) {
  for (const job of c.jobs.keys()) {
    const promtool = settle(promtoolQueue(() => runPromtoolSd(c.dir, CONFIG_FILE, job, { timeoutMs: TIMEOUT_MS })));
    const promsd = settle(promsdQueue(() => runPromsdSd(c.dir, CONFIG_FILE, job, { timeoutMs: TIMEOUT_MS, profile: PROFILE })));
    runs.set(`${c.name}/${job}`, { promtool, promsd });
  }
}

/** Keeps a rejected run from becoming an unhandled rejection before its test awaits it. */
function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function runsOf(c: DifferentialCase, job: string): JobRuns {
  const found = runs.get(`${c.name}/${job}`);
  assert.ok(found, `no runs queued for ${c.name}/${job}`);
  return found;
}

describe("differential corpus", () => {
  test("has at least 45 cases, each naming jobs its prometheus.yml defines", async () => {
    assert.ok(cases.length >= 45, `only ${cases.length} cases`);
    for (const c of cases) {
      const config = await readConfig(c);
      for (const [job, want] of c.jobs) {
        if (want.exitCode === 0) assert.ok(config.has(job), `${c.name}: job ${job} is not in ${CONFIG_FILE}`);
      }
    }
  });

  test("no job mixes static_configs with another mechanism or uses one promtool cannot resolve", async () => {
    for (const c of cases) {
      for (const [job, keys] of await readConfig(c)) {
        const mechanisms = keys.filter((k) => k === "static_configs" || k.endsWith("_sd_configs"));
        assert.ok(mechanisms.every((k) => k === "static_configs" || k === "file_sd_configs"), `${c.name}/${job}: ${mechanisms.join(", ")}`);
        assert.ok(!(mechanisms.includes("static_configs") && mechanisms.length > 1), `${c.name}/${job} mixes mechanisms (promtool 2.42 panics)`);
      }
    }
  });
});

for (const c of cases) {
  describe(`differential: ${c.name}`, () => {
    for (const [job, want] of c.jobs) {
      test(`promtool prints what case.json expects for job ${job}`, async () => {
        const run = await runsOf(c, job).promtool;
        checkPromtoolRun(c, job, want, run);
      });
      test(`promsd --profile=${PROFILE} prints what promtool prints for job ${job}`, async (t) => {
        const { promtool, promsd } = runsOf(c, job);
        const [reference, candidate] = await Promise.all([promtool, promsd]);
        const aliased = await comparePromsdRun(c, job, want, reference, candidate);
        if (aliased > 0) t.diagnostic(`${aliased} entries matched after the Appendix C discoveredLabels normalisation`);
      });
    }
  });
}

function checkPromtoolRun(c: DifferentialCase, job: string, want: JobExpectation, run: SdRun): void {
  const where = `${c.name}/${job} (${c.notes})\n$ ${run.command}\nstderr: ${run.stderr}`;
  assert.equal(run.exitCode, want.exitCode, `exit code\n${where}`);
  for (const text of want.stderr) assert.ok(run.stderr.includes(text), `stderr lacks ${JSON.stringify(text)}\n${where}`);
  if (want.exitCode !== 0) return;
  assert.ok(run.entries, `${run.parseError}\n${where}`);
  assert.deepEqual(checkExpectation(run.entries, want), [], `promtool output is not what the case intends\n${where}\n${run.stdout}`);
  // Self-check of the byte-level renderer used on promsd's output below.
  assert.equal(renderPromtoolJson(run.entries), run.stdout, `renderPromtoolJson disagrees with promtool\n${where}`);
}

async function comparePromsdRun(
  c: DifferentialCase,
  job: string,
  want: JobExpectation,
  reference: SdRun,
  candidate: SdRun,
): Promise<number> {
  const where = `case ${c.name}, job ${job}\n$ ${candidate.command}\npromsd stderr: ${candidate.stderr.slice(0, 2000)}`;
  assert.equal(candidate.exitCode, reference.exitCode, `exit code differs (promtool stderr: ${reference.stderr})\n${where}`);
  if (reference.exitCode !== 0) {
    // Both refused: the first line and Prometheus's own wording must be there (promsd may add a location).
    for (const text of want.stderr) assert.ok(candidate.stderr.includes(text), `promsd stderr lacks ${JSON.stringify(text)}\n${where}`);
    assert.equal(candidate.stdout, "", `promsd printed to stdout although it failed\n${where}`);
    return 0;
  }
  assert.ok(reference.entries, `promtool output unusable: ${reference.parseError}`);
  assert.ok(candidate.entries, `promsd stdout is not the promtool JSON shape: ${candidate.parseError}\n${candidate.stdout.slice(0, 2000)}\n${where}`);
  assert.equal(candidate.stdout, renderPromtoolJson(candidate.entries), `promsd's bytes differ from Go's encoding of its own entries\n${where}`);
  let comparison = compareEntries(reference.entries, candidate.entries);
  if (!isMatch(comparison)) {
    const truth = await trueDiscoveredSets(c, job);
    if (truth) comparison = compareEntries(reference.entries, candidate.entries, truth);
  }
  assert.ok(isMatch(comparison), `promsd differs from promtool (${c.notes}):\n${describeMismatch(comparison)}\n${where}`);
  return comparison.aliased.length;
}

/**
 * The job's true discovered label sets (core.md Appendix C): promtool on a copy of the case whose rules
 * for this job are a single drop. Undefined when the job has no rules (then no aliasing can happen).
 */
async function trueDiscoveredSets(c: DifferentialCase, job: string): Promise<Map<string, number> | undefined> {
  const text = trueDiscoveredConfig(await readFile(join(c.dir, CONFIG_FILE), "utf8"), job);
  if (text === undefined) return undefined;
  const dir = await createTempDir("promsd-differential-");
  cleanups.push(dir.remove);
  await cp(c.dir, dir.path, { recursive: true });
  await writeFile(join(dir.path, CONFIG_FILE), text);
  const run = await promtoolQueue(() => runPromtoolSd(dir.path, CONFIG_FILE, job, { timeoutMs: TIMEOUT_MS }));
  assert.ok(run.entries, `the drop-all variant of ${c.name}/${job} failed: ${run.stderr}`);
  const dropped = run.entries.filter((e: SdEntry) => e.error === undefined && Object.keys(e.labels).length === 0);
  assert.equal(dropped.length, run.entries.length, `the drop-all variant of ${c.name}/${job} kept something`);
  const counts = new Map<string, number>();
  for (const entry of dropped) counts.set(labelsKey(entry.discoveredLabels), (counts.get(labelsKey(entry.discoveredLabels)) ?? 0) + 1);
  return counts;
}

/** job name → the keys of its scrape config. */
async function readConfig(c: DifferentialCase): Promise<Map<string, string[]>> {
  const parsed: unknown = parseYaml(await readFile(join(c.dir, CONFIG_FILE), "utf8"), { schema: "failsafe" });
  const jobs = new Map<string, string[]>();
  const scrapeConfigs = isObject(parsed) ? parsed["scrape_configs"] : undefined;
  for (const item of Array.isArray(scrapeConfigs) ? scrapeConfigs : []) {
    if (isObject(item)) jobs.set(String(item["job_name"]), Object.keys(item));
  }
  return jobs;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
