import assert from "node:assert/strict";
import { watch as fsWatch } from "node:fs";
import { appendFile, mkdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Registry } from "prom-client";
import { ConfigLocation } from "../../yaml/location.js";
import { yamlNodeFromValue } from "../../yaml/yaml-node.js";
import type { Logger } from "../../logging.js";
import type { TargetGroup } from "../../model/target-group.js";
import type { Profile } from "../../profile.js";
import { tempDir, waitFor } from "../../testing/index.js";
import { sleep } from "../polling.js";
import { parseFileSdConfig } from "./config.js";
import { createFileDiscoverer, type FileDiscovererOptions } from "./discoverer.js";
import { fileProvider } from "./provider.js";

const DEADLINE = { timeoutMs: 5000 };

interface LogLine { level: string; msg: string; fields: Record<string, unknown> }

function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: string) => (fields: Record<string, unknown>, msg: string) => void lines.push({ level, msg, fields });
  const logger: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => logger };
  return logger;
}

/** A running discoverer: every update it yielded, the per-source state a consumer keeps, logs and metrics. */
interface Run {
  readonly updates: (readonly TargetGroup[])[];
  readonly state: Map<string, TargetGroup>;
  readonly logs: LogLine[];
  readonly registry: Registry;
  readonly stop: AbortController;
  readonly finished: Promise<void>;
  /** Waits until the state holds exactly these sources with targets (empty groups count as absent). */
  settle(want: Readonly<Record<string, TargetGroup>>, description?: string): Promise<void>;
  metric(name: string): Promise<number>;
}

interface StartOptions {
  readonly files: readonly string[];
  readonly refreshInterval?: string;
  readonly profile?: Profile;
  readonly discoverer?: FileDiscovererOptions;
  readonly registry?: Registry;
}

function start(t: TestContext, dir: string, options: StartOptions): Run {
  const config = parseFileSdConfig(
    yamlNodeFromValue({ files: options.files, refresh_interval: options.refreshInterval ?? "1h" }),
    new ConfigLocation("prometheus.yml", 1, "file_sd_configs[0]"),
    { configDir: dir, profile: options.profile ?? "v3" },
  );
  const logs: LogLine[] = [];
  const registry = options.registry ?? new Registry();
  const deps = { logger: recordingLogger(logs), registry, jobNames: ["j"], fetch: globalThis.fetch, sleep };
  const discoverer = createFileDiscoverer(config, deps, { debounceMs: 20, ...options.discoverer });
  const stop = new AbortController();
  const updates: (readonly TargetGroup[])[] = [];
  const state = new Map<string, TargetGroup>();
  const finished = (async () => {
    for await (const update of discoverer.discover(stop.signal)) {
      updates.push(update);
      for (const group of update) state.set(group.source, group);
    }
  })();
  t.after(async () => {
    stop.abort();
    await finished;
  });
  const live = (): Record<string, TargetGroup> => Object.fromEntries([...state].filter(([, g]) => g.targets.length > 0));
  return {
    updates, state, logs, registry, stop, finished,
    settle: async (want, description = JSON.stringify(Object.keys(want))) => {
      await waitFor(() => {
        try {
          assert.deepEqual(live(), want);
          return true;
        } catch {
          return false;
        }
      }, { ...DEADLINE, description: `state ${description}` }).catch((error: unknown) => {
        assert.deepEqual(live(), want); // show the difference
        throw error;
      });
    },
    metric: async (name) => {
      const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      // For a summary, its _count series; otherwise the sum over all series.
      const values = metric?.values ?? [];
      const counts = values.filter((v) => "metricName" in v && String(v.metricName).endsWith("_count"));
      return (counts.length > 0 ? counts : values).reduce((sum, v) => sum + v.value, 0);
    },
  };
}

function group(path: string, index: number, targets: string[], labels: Record<string, string> = {}): [string, TargetGroup] {
  return [`${path}:${index}`, { source: `${path}:${index}`, labels: { ...labels, __meta_filepath: path }, targets: targets.map((a) => ({ __address__: a })) }];
}

/** Writes a file the way atomic writers do: a temporary file beside it (not matching the pattern), then rename. */
async function writeAtomically(path: string, content: string): Promise<void> {
  await writeFile(`${path}.tmp`, content);
  await rename(`${path}.tmp`, path);
}

// Spec file.md 7: the worked examples, with the temp directory standing in for /etc/promsd.
const F1_YAML = "- targets: ['localhost:9090', 'example.org:443']\n  labels:\n    foo: bar\n\n- targets: ['my.domain']\n";
const F1_JSON = '[\n  {"targets": ["localhost:9090", "example.org:443"], "labels": {"foo": "bar"}},\n  {"targets": ["my.domain"]}\n]\n';
const F2_YAML = "- targets: ['my.domain']\n- targets: ['localhost:9090']\n  labels:\n    foo: bar\n    fred: baz\n- targets: ['example.org:443']\n  labels:\n    scheme: https\n";
const f1 = (path: string) => Object.fromEntries([group(path, 0, ["localhost:9090", "example.org:443"], { foo: "bar" }), group(path, 1, ["my.domain"])]);

test("file: F1 reads YAML and JSON files into groups with sources and __meta_filepath", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  await writeFile(join(dir, "sd/valid.yml"), F1_YAML);
  await writeFile(join(dir, "sd/valid.json"), F1_JSON);
  const run = start(t, dir, { files: ["sd/*.yml", "sd/*.json"] });
  await run.settle({ ...f1(`${dir}/sd/valid.yml`), ...f1(`${dir}/sd/valid.json`) });
  assert.equal(run.updates.length, 1, "the initial set arrives as one update");
  assert.deepEqual(run.updates[0]?.map((g) => g.source), [`${dir}/sd/valid.yml:0`, `${dir}/sd/valid.yml:1`, `${dir}/sd/valid.json:0`, `${dir}/sd/valid.json:1`]);
});

test("file: the initial set is yielded even when no file matches", async (t) => {
  const dir = await tempDir(t);
  const run = start(t, dir, { files: ["sd/*.json", "missing.yml"] });
  await waitFor(() => run.updates.length === 1, DEADLINE);
  assert.deepEqual(run.updates[0], []);
  // The watch is added after the update was taken, so wait for its failure before looking at the logs.
  await waitFor(() => run.logs.some((l) => l.msg === "Error adding file watch"), DEADLINE);
  assert.deepEqual(run.logs.filter((l) => l.level === "error").map((l) => [l.msg, l.fields.err]), [["Error adding file watch", "no such file or directory"]], "a missing file is not an error");
});

test("file: F2 an atomically replaced file grows to three groups", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  const path = join(dir, "sd/valid.yml");
  await writeFile(path, F1_YAML);
  const run = start(t, dir, { files: ["sd/*.yml"] });
  await run.settle(f1(path));
  await writeAtomically(path, F2_YAML);
  await run.settle(Object.fromEntries([group(path, 0, ["my.domain"]), group(path, 1, ["localhost:9090"], { foo: "bar", fred: "baz" }), group(path, 2, ["example.org:443"], { scheme: "https" })]));
});

test("file: F3 keeps last good groups when YAML breaks, then shrinks when it is fixed", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  const path = join(dir, "sd/valid.yml");
  await writeFile(path, F1_YAML);
  const run = start(t, dir, { files: ["sd/*.yml"] });
  await run.settle(f1(path));
  await writeFile(path, "- targets");
  await waitFor(() => run.logs.some((l) => l.msg === "Error reading file"), DEADLINE);
  const failure = run.logs.find((l) => l.msg === "Error reading file");
  assert.equal(failure?.fields.path, path);
  assert.match(String(failure?.fields.err), /^yaml: unmarshal errors:\n {2}line 1: cannot unmarshal !!str `targets` into struct/);
  assert.ok((await run.metric("prometheus_sd_file_read_errors_total")) >= 1);
  await run.settle(f1(path), "F1 kept after the error");
  await appendFile(path, ': ["localhost:9091"]');
  await run.settle(Object.fromEntries([group(path, 0, ["localhost:9091"])]));
  assert.deepEqual(run.state.get(`${path}:1`)?.targets, [], "the vanished index got an empty group");
});

test("file: F4 a deleted file empties all its groups", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  const path = join(dir, "sd/valid.yml");
  await writeFile(path, F1_YAML);
  const run = start(t, dir, { files: ["sd/*.yml"] });
  await run.settle(f1(path));
  await rm(path);
  await run.settle({});
  assert.deepEqual([...run.state.keys()].sort(), [`${path}:0`, `${path}:1`]);
});

test("file: F5 invalid files never emit, in YAML and JSON", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  await writeFile(join(dir, "sd/invalid.yml"), "- targets: ['localhost:9090', 'example.org:443']\n  labels:\n    foo: bar\n\n- null\n");
  await writeFile(join(dir, "sd/invalid.json"), '[{"targets": ["localhost:9090"], "labels": {"foo": "bar"}}, null]');
  const run = start(t, dir, { files: ["sd/*.yml", "sd/*.json"] });
  await waitFor(() => run.updates.length === 1, DEADLINE);
  assert.deepEqual(run.updates[0], []);
  assert.deepEqual(run.logs.filter((l) => l.msg === "Error reading file").map((l) => l.fields.err), ["nil target group item found", "nil target group item found"]);
  assert.equal(await run.metric("prometheus_sd_file_read_errors_total"), 2);
});

test("file: F6 __meta_filepath overrides the file's own; JSON keys are case-insensitive, YAML keys are not", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  await writeFile(join(dir, "sd/x.json"), '[{"Targets": ["a:1"], "LABELS": {"__meta_filepath": "fake", "team": "x"}}]');
  await writeFile(join(dir, "sd/x.yml"), "- Targets: ['a:1']\n");
  const run = start(t, dir, { files: ["sd/*.json", "sd/*.yml"] });
  await run.settle(Object.fromEntries([group(`${dir}/sd/x.json`, 0, ["a:1"], { team: "x" })]));
  assert.match(String(run.logs.find((l) => l.msg === "Error reading file")?.fields.err), /field Targets not found in type struct/);
});

for (const [profile, accepted] of [["v3", true], ["v2.42", false]] as const) {
  test(`file: F7 UTF-8 label names are ${accepted ? "accepted" : "rejected"} in profile ${profile}`, async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, "sd"));
    const path = join(dir, "sd/u.yml");
    await writeFile(path, "- {targets: ['a:1'], labels: {service.name: checkout}}\n");
    const run = start(t, dir, { files: ["sd/*.yml"], profile });
    await waitFor(() => run.updates.length === 1, DEADLINE);
    if (accepted) assert.deepEqual(run.updates[0], [group(path, 0, ["a:1"], { "service.name": "checkout" })[1]]);
    else assert.equal(run.logs.find((l) => l.msg === "Error reading file")?.fields.err, '"service.name" is not a valid label name');
  });
}

test("file: a new file matching the glob is picked up by the directory watch", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd"));
  const run = start(t, dir, { files: ["sd/*.json"] }); // the periodic refresh is an hour away
  await waitFor(() => run.updates.length === 1, DEADLINE);
  await writeAtomically(join(dir, "sd/new.json"), '[{"targets": ["n:1"]}]');
  await run.settle(Object.fromEntries([group(`${dir}/sd/new.json`, 0, ["n:1"])]));
  await writeFile(join(dir, "sd/other.txt"), "unrelated files in the directory only cause a refresh");
  await writeFile(join(dir, "sd/new.json"), '[{"targets": ["n:2"]}, {"targets": ["n:3"]}]');
  await run.settle(Object.fromEntries([group(`${dir}/sd/new.json`, 0, ["n:2"]), group(`${dir}/sd/new.json`, 1, ["n:3"])]));
});

test("file: truncating a YAML file to zero bytes deletes its groups; shrinking 3 → 1 empties the rest", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "a.yml");
  await writeFile(path, "- targets: [a]\n- targets: [b]\n- targets: [c]\n");
  const run = start(t, dir, { files: ["*.yml"] });
  await run.settle(Object.fromEntries([group(path, 0, ["a"]), group(path, 1, ["b"]), group(path, 2, ["c"])]));
  await writeFile(path, "- targets: [z]\n");
  await run.settle(Object.fromEntries([group(path, 0, ["z"])]));
  const shrink = run.updates.at(-1) ?? [];
  assert.deepEqual(shrink.map((g) => [g.source, g.targets.length]), [[`${path}:0`, 1], [`${path}:1`, 0], [`${path}:2`, 0]]);
  await writeFile(path, "");
  await run.settle({});
});

test("file: without a usable watch the periodic refresh still finds changes, and the failure is logged", async (t) => {
  const dir = await tempDir(t);
  const failingWatch = (() => {
    throw Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" });
  }) as unknown as typeof fsWatch; // a stand-in with watch's signature that always fails
  const run = start(t, dir, { files: ["sd/*.json"], refreshInterval: "50ms", discoverer: { watch: failingWatch } });
  await waitFor(() => run.logs.some((l) => l.msg === "Error adding file watch"), DEADLINE);
  await mkdir(join(dir, "sd")); // the directory appears only after the start
  await writeFile(join(dir, "sd/late.json"), '[{"targets": ["l:1"]}]');
  await run.settle(Object.fromEntries([group(`${dir}/sd/late.json`, 0, ["l:1"])]));
  assert.ok((await run.metric("prometheus_sd_file_watcher_errors_total")) >= 1);
});

test("file: a directory created after the start is watched from the next refresh on", async (t) => {
  const dir = await tempDir(t);
  const run = start(t, dir, { files: ["sd/*.json"], refreshInterval: "100ms" });
  await waitFor(() => run.logs.some((l) => l.msg === "Error adding file watch"), DEADLINE);
  await mkdir(join(dir, "sd"));
  await writeFile(join(dir, "sd/a.json"), '[{"targets": ["a:1"]}]');
  await run.settle(Object.fromEntries([group(`${dir}/sd/a.json`, 0, ["a:1"])]));
});

test("file: a file matched by a literal pattern is re-read after rename-over and survives delete/recreate", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "targets.json");
  await writeFile(path, '[{"targets": ["a:1"]}]');
  const run = start(t, dir, { files: ["targets.json"] });
  await run.settle(Object.fromEntries([group(path, 0, ["a:1"])]));
  await writeAtomically(path, '[{"targets": ["b:1"]}]');
  await run.settle(Object.fromEntries([group(path, 0, ["b:1"])]));
  await rm(path);
  await run.settle({});
  await writeFile(path, '[{"targets": ["c:1"]}]');
  await run.settle(Object.fromEntries([group(path, 0, ["c:1"])]));
});

test("file: metrics record mtimes per file, scans and read errors", async (t) => {
  const dir = await tempDir(t);
  const path = join(dir, "a.json");
  await writeFile(path, "[]");
  const registry = new Registry();
  const run = start(t, dir, { files: ["*.json"], registry });
  await waitFor(() => run.updates.length === 1, DEADLINE);
  const mtimes = async () => (await registry.getSingleMetric("prometheus_sd_file_mtime_seconds")?.get())?.values ?? [];
  const [series] = await mtimes();
  assert.equal(series?.labels.filename, path);
  assert.ok(Math.abs((series?.value ?? 0) - Date.now() / 1000) < 60);
  assert.ok((await run.metric("prometheus_sd_file_scan_duration_seconds")) >= 1);
  await rm(path);
  await waitFor(async () => (await mtimes()).length === 0, { ...DEADLINE, description: "mtime series removed" });
  run.stop.abort();
  await run.finished;
  assert.match(await registry.metrics(), /# TYPE prometheus_sd_file_read_errors_total counter/);
});

test("file: a burst of events costs few refreshes (level-triggered, debounced)", async (t) => {
  const dir = await tempDir(t);
  const run = start(t, dir, { files: ["*.json"], discoverer: { debounceMs: 200 } });
  await waitFor(() => run.updates.length === 1, DEADLINE);
  const scansBefore = await run.metric("prometheus_sd_file_scan_duration_seconds");
  for (let i = 0; i < 20; i++) await writeFile(join(dir, `f${i}.json`), `[{"targets": ["h:${i}"]}]`);
  await waitFor(() => run.state.size === 20, DEADLINE);
  const scans = (await run.metric("prometheus_sd_file_scan_duration_seconds")) - scansBefore;
  assert.ok(scans < 20, `20 file writes caused ${scans} refreshes`);
});

test("file: stops on abort and leaves no watcher or timer behind", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "a"));
  await mkdir(join(dir, "b"));
  await writeFile(join(dir, "a/x.json"), '[{"targets": ["x:1"]}]');
  // Only the kinds a discoverer can own: directory watchers and timers (the test runner's pipes come and go).
  const owned = () => process.getActiveResourcesInfo().filter((r) => r === "FSEventWrap" || r === "Timeout").sort();
  const baseline = owned();
  const run = start(t, dir, { files: ["a/*.json", "b/*.yml"], refreshInterval: "30ms" });
  await run.settle(Object.fromEntries([group(`${dir}/a/x.json`, 0, ["x:1"])]));
  const watchers = () => owned().filter((r) => r === "FSEventWrap").length - baseline.filter((r) => r === "FSEventWrap").length;
  await waitFor(() => watchers() === 2, { ...DEADLINE, description: "one watcher per directory" });
  await writeFile(join(dir, "b/y.yml"), "- targets: [y:1]\n"); // an event whose debounce may be pending at abort
  run.stop.abort();
  await run.finished;
  await waitFor(() => {
    const now = owned();
    return JSON.stringify(now) === JSON.stringify(baseline) ? true : undefined;
  }, { ...DEADLINE, description: `active resources back to ${JSON.stringify(baseline)}` });
});

test("file: the provider definition parses a config and creates a working discoverer", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "a.json"), '[{"targets": ["a:1"]}]');
  assert.equal(fileProvider.name, "file");
  assert.equal(fileProvider.configKey, "file_sd_configs");
  const config = fileProvider.parseConfig(yamlNodeFromValue({ files: ["*.json"] }), ConfigLocation.root("p.yml"), { configDir: dir, profile: "v3" });
  const discoverer = fileProvider.createDiscoverer(config, { logger: recordingLogger([]), registry: new Registry(), jobNames: ["j"], fetch: globalThis.fetch, sleep });
  const stop = new AbortController();
  for await (const update of discoverer.discover(stop.signal)) {
    assert.deepEqual(update, [group(join(dir, "a.json"), 0, ["a:1"])[1]]);
    stop.abort();
  }
});

test("file: a malformed glob, a directory and a dangling symlink are logged with Prometheus's texts", async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, "sd/dir.json"), { recursive: true });
  await symlink("nowhere", join(dir, "sd/dangling.json"));
  await writeFile(join(dir, "sd/ok.json"), '[{"targets": ["ok:1"]}]');
  const run = start(t, dir, { files: ["sd/[.json", "sd/*.json"] });
  await run.settle(Object.fromEntries([group(`${dir}/sd/ok.json`, 0, ["ok:1"])]));
  const errors = run.logs.filter((l) => l.level === "error").map((l) => [l.msg, l.fields.glob ?? l.fields.path, l.fields.err]);
  assert.deepEqual(errors, [
    ["Error expanding glob", `${dir}/sd/[.json`, "syntax error in pattern"],
    ["Error reading file", `${dir}/sd/dangling.json`, `open ${dir}/sd/dangling.json: no such file or directory`],
    ["Error reading file", `${dir}/sd/dir.json`, `read ${dir}/sd/dir.json: is a directory`],
  ]);
  assert.equal(await run.metric("prometheus_sd_file_read_errors_total"), 2);
});
