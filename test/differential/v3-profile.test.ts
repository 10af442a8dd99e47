/**
 * `promsd sd` with its default profile (v3) must differ from promtool 2.42 exactly where the spec says
 * (core.md Appendix B, 4.1/4.2, 3.2, 3.5, 1.3, 6.5): no default ports, a discovered `__param_` is kept, `.`
 * matches a newline, UTF-8 label names and `(?<name>)` groups are accepted, a port-less address with an odd
 * scheme does not fail, an empty replacement deletes the expanded target label, and (3.13+) every target
 * carries the three histogram labels. These are explicit expectations on corpus cases, not promtool equality.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { runPromsdSd, type SdEntry } from "../../src/testing/index.js";
import { CASES_DIR, CONFIG_FILE } from "./corpus.js";

const HISTOGRAM_DEFAULTS = {
  __always_scrape_classic_histograms__: "false",
  __convert_classic_histograms_to_nhcb__: "false",
  __scrape_native_histograms__: "false",
} as const;

/** The default discovered labels of a target in job `job` of a config with default global settings. */
function discovered(job: string, address: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    __address__: address,
    __metrics_path__: "/metrics",
    __scheme__: "http",
    __scrape_interval__: "1m",
    __scrape_timeout__: "10s",
    job,
    ...HISTOGRAM_DEFAULTS,
    ...extra,
  };
}

async function runV3(caseName: string, job: string): Promise<readonly SdEntry[]> {
  const run = await runPromsdSd(join(CASES_DIR, caseName), CONFIG_FILE, job, { timeoutMs: 5000 });
  assert.equal(run.exitCode, 0, `promsd sd ${caseName}/${job} failed: ${run.stderr}`);
  assert.ok(run.entries, `promsd sd ${caseName}/${job}: ${run.parseError}`);
  return run.entries;
}

/** The single entry whose discovered `__address__` is `address`. */
function entryFor(entries: readonly SdEntry[], address: string): SdEntry {
  const found = entries.filter((e) => e.discoveredLabels["__address__"] === address);
  assert.equal(found.length, 1, `expected one entry for ${address}, got ${JSON.stringify(entries, null, 1)}`);
  return found[0] as SdEntry;
}

test("v3 sd: a port-less address gets no default port (2.42 appends :80 / :443)", async () => {
  const entries = await runV3("schemes", "https-job");
  assert.equal(entries.length, 5);
  for (const address of ["noport", "[::1]", "::1", "h:", "a:1"]) {
    const want = discovered("https-job", address, { __scheme__: "https" });
    assert.deepEqual(entryFor(entries, address), { discoveredLabels: want, labels: { ...want, instance: address } });
  }
});

test("v3 sd: a discovered __param_ is not overwritten by params (2.42 writes the first configured value)", async () => {
  const entries = await runV3("params", "params");
  const filepath = { __meta_filepath: "targets.json" };
  const p = discovered("params", "p:1", { ...filepath, __param_module: "c", __param_format: "prometheus", __meta_module: "from-meta" });
  const q = discovered("params", "q:1", { ...filepath, __param_module: "a", __param_format: "prometheus", __param_other: "o" });
  const withoutMeta = ({ __meta_filepath: _f, __meta_module: _m, ...rest }: Record<string, string>): Record<string, string> => rest;
  assert.deepEqual(entryFor(entries, "p:1"), { discoveredLabels: p, labels: { ...withoutMeta(p), instance: "p:1" } });
  assert.deepEqual(entryFor(entries, "q:1"), { discoveredLabels: q, labels: { ...withoutMeta(q), instance: "q:1" } });
  assert.equal(entries.length, 2);
});

test("v3 sd: '.' matches a newline (2.42 anchors without the s flag)", async () => {
  const entries = await runV3("regex-newline-dot", "newline");
  const multiLine = entryFor(entries, "nl:1").labels;
  assert.equal(multiLine["dot_crosses_newline"], "yes");
  assert.equal(multiLine["first_group"], "line1\nline2");
  assert.equal(multiLine["dot_s_flag"], "yes");
  assert.equal(multiLine["explicit_newline"], "yes");
  const kept = await runV3("regex-newline-dot", "newline-keep");
  assert.deepEqual(kept.map((e) => e.labels["instance"]).sort(), ["flat:1", "nl:1"], "'.+' keeps the multi-line value too");
});

test("v3 sd: UTF-8 label names in static_configs are accepted (2.42 refuses the config)", async () => {
  const entries = await runV3("unicode-label-name-config-error", "utf8-names");
  const want = discovered("utf8-names", "a:1", { café: "x" });
  assert.deepEqual(entries, [{ discoveredLabels: want, labels: { ...want, instance: "a:1" } }]);
});

test("v3 sd: (?<name>...) groups compile (2.42's regexp engine rejects them)", async () => {
  const entries = await runV3("config-error-named-group-syntax", "j");
  assert.equal(entries.length, 1);
  assert.equal(entries[0]?.labels["x"], "a:1");
});

test("v3 sd: a relabeled non-http scheme on a port-less address is not an error (2.42: invalid scheme)", async () => {
  const entries = await runV3("schemes", "scheme-relabeled");
  assert.deepEqual(entries.filter((e) => e.error !== undefined), []);
  const ftp = entryFor(entries, "ftp-noport").labels;
  assert.equal(ftp["__address__"], "ftp-noport");
  assert.equal(ftp["__scheme__"], "ftp");
  assert.equal(ftp["instance"], "ftp-noport");
  assert.equal(entryFor(entries, "upper-noport").labels["__scheme__"], "HTTPS");
  assert.equal(entryFor(entries, "tls-noport").labels["instance"], "tls-noport");
});

test("v3 sd: an empty replacement deletes the EXPANDED target label (2.42 deletes the literal template)", async () => {
  const entries = await runV3("replace-dynamic-target", "dynamic");
  const c = entryFor(entries, "c:1");
  assert.equal(c.discoveredLabels["b"], "old");
  assert.equal(c.labels["b"], undefined);
});

test("v3 sd: a failed target keeps its discoveredLabels (3.2+; 2.42 prints {})", async () => {
  const entries = await runV3("failed-targets", "url-in-file");
  const failures = entries.filter((e) => e.error !== undefined);
  assert.ok(failures.length > 0, "url-in-file has failing targets");
  for (const failure of failures) {
    assert.deepEqual(failure.labels, {});
    assert.equal(failure.discoveredLabels["job"], "url-in-file", JSON.stringify(failure));
  }
  assert.ok(failures.some((f) => f.discoveredLabels["__address__"] === "http://example.com/metrics"));
});
