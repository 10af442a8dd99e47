import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { silentLogger, type Logger } from "../logging.js";
import { recordingLogger, type LogRecord } from "../manager/manager-harness.js";
import { tempDir, waitFor } from "../testing/index.js";
import { Daemon } from "./daemon.js";
import { DEFAULT_FLAGS, parseDaemonFlags, type DaemonFlags } from "./flags.js";

const STATIC_CONFIG = `
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["10.0.0.1:9100", "10.0.0.2:9100"]
        labels: {env: prod}
    relabel_configs:
      - source_labels: [__address__]
        regex: "10.0.0.2:.*"
        action: drop
  - job_name: web
    basic_auth: {username: u, password: hunter2}
    static_configs:
      - targets: ["web-0:8080"]
`;

async function startDaemon(t: { after(fn: () => unknown): void }, config: string | undefined, flags: Partial<DaemonFlags> = {}, initialTimeoutMs?: number, logger: Logger = silentLogger) {
  const dir = await tempDir(t);
  const configFile = join(dir, "prometheus.yml");
  if (config !== undefined) await writeFile(configFile, config);
  const daemon = new Daemon({
    flags: {
      ...DEFAULT_FLAGS,
      configFile: config === undefined ? undefined : configFile,
      listenAddress: "127.0.0.1:0",
      discoveryUpdateIntervalMs: 0,
      discoveryReloadIntervalMs: 0,
      ...flags,
    },
    logger,
    ...(initialTimeoutMs === undefined ? {} : { initialTimeoutMs }),
  });
  t.after(() => daemon.close());
  await daemon.start();
  return { daemon, dir, configFile };
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.json();
}

async function sdTargets(daemon: Daemon, job: string): Promise<string[]> {
  const res = await fetch(`${daemon.url}/api/v1/sd/${job}`);
  if (res.status !== 200) return [];
  return ((await res.json()) as { targets: string[] }[]).flatMap((g) => g.targets);
}

test("daemon: serves discovered targets over http_sd, the targets API and /metrics", async (t) => {
  const { daemon } = await startDaemon(t, STATIC_CONFIG);
  await waitFor(async () => (await sdTargets(daemon, "node")).length === 1, { timeoutMs: 15_000, description: "node targets" });
  assert.deepEqual(await getJson(`${daemon.url}/api/v1/sd/node`), [
    { targets: ["10.0.0.1:9100"], labels: { __metrics_path__: "/metrics", __scheme__: "http", env: "prod", instance: "10.0.0.1:9100", job: "node" } },
  ]);
  const discovered = (await getJson(`${daemon.url}/api/v1/sd/node?view=discovered`)) as { targets: string[] }[];
  assert.deepEqual(discovered.flatMap((g) => g.targets), ["10.0.0.1:9100", "10.0.0.2:9100"]);
  const targets = (await getJson(`${daemon.url}/api/v1/targets`)) as { data: { activeTargets: { scrapePool: string; scrapeUrl: string }[]; droppedTargets: unknown[]; droppedTargetCounts: Record<string, number> } };
  assert.deepEqual(targets.data.activeTargets.map((a) => [a.scrapePool, a.scrapeUrl]), [["node", "http://10.0.0.1:9100/metrics"], ["web", "http://web-0:8080/metrics"]]);
  assert.deepEqual(targets.data.droppedTargetCounts, { node: 1, web: 0 });
  await waitFor(async () => (await fetch(`${daemon.url}/-/ready`)).status === 200, { timeoutMs: 15_000, description: "ready" });
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  for (const name of ["process_cpu_seconds_total", "prometheus_sd_received_updates_total", "prometheus_sd_discovered_targets", "promsd_targets", "promsd_config_last_reload_successful 1"]) {
    assert.ok(metrics.includes(name), name);
  }
  assert.match(metrics, /promsd_targets\{job="node",state="dropped"\} 1/);
  // Every Prometheus binary has <name>_build_info; promsd's carries node's version where Go's would be.
  assert.match(metrics, /^promsd_build_info\{version="\d+\.\d+\.\d+[^"]*",revision="[^"]+",branch="[^"]+",nodeversion="v\d+[^"]*",platform="\w+\/\w+"\} 1$/m);
});

test("daemon: status/config never shows a secret", async (t) => {
  const { daemon } = await startDaemon(t, STATIC_CONFIG);
  const body = (await getJson(`${daemon.url}/api/v1/status/config`)) as { data: { yaml: string } };
  assert.ok(!body.data.yaml.includes("hunter2"));
  assert.match(body.data.yaml, /password: <secret>/);
});

test("daemon: POST /-/reload of a broken config keeps the running config and providers, metric 0; fixed, it applies, metric 1", async (t) => {
  const parsed = parseDaemonFlags(["--web.enable-lifecycle"]);
  assert.ok(parsed !== "help" && parsed !== "version");
  const { daemon, configFile } = await startDaemon(t, STATIC_CONFIG, { enableLifecycle: parsed.enableLifecycle });
  await waitFor(async () => (await sdTargets(daemon, "web")).length === 1, { timeoutMs: 15_000, description: "web targets" });
  const providersBefore = daemon.manager.providerStatuses().map((p) => p.name).sort();
  await writeFile(configFile, `${STATIC_CONFIG}\n  - job_name: broken\n    scrape_interval: 5\n`);
  const res = await fetch(`${daemon.url}/-/reload`, { method: "POST" });
  assert.equal(res.status, 500);
  assert.match(await res.text(), /prometheus\.yml:\d+/);
  assert.deepEqual(daemon.manager.providerStatuses().map((p) => p.name).sort(), providersBefore);
  assert.deepEqual(await sdTargets(daemon, "web"), ["web-0:8080"]);
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /promsd_config_last_reload_successful 0/);
  assert.match(metrics, /promsd_config_reloads_total\{result="failure"\} 1/);
  assert.deepEqual(await sdTargets(daemon, "node"), ["10.0.0.1:9100"]);
  assert.equal((await fetch(`${daemon.url}/api/v1/sd/broken`)).status, 404, "the broken job never got in");

  // Fixed (and changed): the next reload applies it and the metric goes back to 1.
  await writeFile(configFile, `${STATIC_CONFIG}\n  - job_name: fixed\n    static_configs: [{targets: ["fixed-0:1"]}]\n`);
  const fixed = await fetch(`${daemon.url}/-/reload`, { method: "POST" });
  assert.equal(fixed.status, 200, await fixed.text());
  await waitFor(async () => (await sdTargets(daemon, "fixed")).length === 1, { timeoutMs: 15_000, description: "the fixed config's new job" });
  assert.deepEqual(await sdTargets(daemon, "fixed"), ["fixed-0:1"]);
  assert.deepEqual(await sdTargets(daemon, "web"), ["web-0:8080"]);
  const after = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(after, /promsd_config_last_reload_successful 1/);
  assert.match(after, /promsd_config_reloads_total\{result="success"\} 1/);
});

test("daemon: a good reload keeps unchanged providers running and applies the rest", async (t) => {
  const { daemon, configFile } = await startDaemon(t, STATIC_CONFIG);
  await waitFor(async () => (await sdTargets(daemon, "web")).length === 1, { timeoutMs: 15_000, description: "web targets" });
  const before = new Map(daemon.manager.providerStatuses().map((p) => [p.jobs.join(","), p.name]));
  // web unchanged; node's targets change; a new job appears.
  await writeFile(configFile, STATIC_CONFIG.replace('"10.0.0.2:9100"', '"10.0.0.3:9100"') + `  - job_name: extra\n    static_configs: [{targets: ["x:1"]}]\n`);
  await daemon.reload();
  const after = new Map(daemon.manager.providerStatuses().map((p) => [p.jobs.join(","), p.name]));
  // v3 names providers by a lifetime counter (core.md 2.2): an unchanged name means "not restarted".
  assert.equal(after.get("web"), before.get("web"));
  assert.notEqual(after.get("node"), before.get("node"));
  await waitFor(async () => (await sdTargets(daemon, "extra")).length === 1, { timeoutMs: 15_000, description: "extra targets" });
  assert.deepEqual(await sdTargets(daemon, "node"), ["10.0.0.1:9100", "10.0.0.3:9100"]);
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text();
  assert.match(metrics, /promsd_config_last_reload_successful 1/);
});

test("daemon: a removed job disappears from every output", async (t) => {
  const { daemon, configFile } = await startDaemon(t, STATIC_CONFIG);
  await waitFor(async () => (await sdTargets(daemon, "web")).length === 1, { timeoutMs: 15_000, description: "web targets" });
  await writeFile(configFile, STATIC_CONFIG.slice(0, STATIC_CONFIG.indexOf("  - job_name: web")));
  await daemon.reload();
  assert.equal((await fetch(`${daemon.url}/api/v1/sd/web`)).status, 404);
  assert.deepEqual(((await getJson(`${daemon.url}/api/v1/scrape_pools`)) as { data: { scrapePools: string[] } }).data.scrapePools, ["node"]);
});

test("daemon: without --config.file it runs the embedded default config", async (t) => {
  const { daemon } = await startDaemon(t, undefined);
  assert.deepEqual([...daemon.targets.jobNames()], ["promsd", "targets"]);
  await waitFor(async () => (await sdTargets(daemon, "promsd")).length === 1, { timeoutMs: 15_000, description: "promsd target" });
  assert.deepEqual(await sdTargets(daemon, "promsd"), ["127.0.0.1:0"]);
});

test("daemon: writes file_sd output when --output.file-sd.dir is set", async (t) => {
  const dir = await tempDir(t);
  const { daemon } = await startDaemon(t, STATIC_CONFIG, { fileSdDir: join(dir, "out") });
  const text = await waitFor(() => readFile(join(dir, "out", "web.json"), "utf8"), { timeoutMs: 15_000, description: "web.json" });
  assert.deepEqual(JSON.parse(text), await getJson(`${daemon.url}/api/v1/sd/web`));
});

test("daemon: start and close are idempotent; a bad config fails start", async (t) => {
  const { daemon } = await startDaemon(t, STATIC_CONFIG);
  await Promise.all([daemon.start(), daemon.start()]);
  await Promise.all([daemon.close(), daemon.close()]);
  await assert.rejects(fetch(`${daemon.url}/-/healthy`));
  await assert.rejects(startDaemon(t, "scrape_configs:\n  - job_name: a\n    scrape_interval: 5\n"), /prometheus\.yml:3/);
});

test("daemon: keep_dropped_targets limits the dropped list but not droppedTargetCounts", async (t) => {
  const config = `
scrape_configs:
  - job_name: d
    keep_dropped_targets: 2
    static_configs: [{targets: ["a:1", "b:1", "c:1", "d:1"]}]
    relabel_configs: [{source_labels: [__address__], regex: "a:1", action: keep}]
`;
  const { daemon } = await startDaemon(t, config);
  type Body = { data: { activeTargets: unknown[]; droppedTargets: { discoveredLabels: Record<string, string> }[]; droppedTargetCounts: Record<string, number> } };
  const body = await waitFor(async () => {
    const b = (await getJson(`${daemon.url}/api/v1/targets`)) as Body;
    return b.data.activeTargets.length === 1 ? b : undefined;
  }, { timeoutMs: 15_000, description: "targets built" });
  assert.deepEqual(body.data.droppedTargets.map((d) => d.discoveredLabels["__address__"]), ["b:1", "c:1"]);
  assert.deepEqual(body.data.droppedTargetCounts, { d: 3 });
});

test("daemon: close leaves no sockets, timers or watchers behind", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "t.json"), '[{"targets": ["f:1"]}]');
  const config = `scrape_configs:\n  - job_name: f\n    file_sd_configs: [{files: ["${join(dir, "t.json")}"]}]\n`;
  // Long-lived handles only; one-shot requests (FSReqPromise, CloseReq) of other cleanup come and go.
  const LONG_LIVED = new Set(["TCPServerWrap", "TCPSocketWrap", "FSEventWrap", "StatWatcher", "Timeout", "Immediate"]);
  const handles = (): string[] => process.getActiveResourcesInfo().filter((r) => LONG_LIVED.has(r)).sort();
  const baseline = handles();
  const { daemon } = await startDaemon(t, config, { discoveryReloadIntervalMs: 50, discoveryUpdateIntervalMs: 50, fileSdDir: join(dir, "out") });
  await waitFor(async () => (await sdTargets(daemon, "f")).length === 1, { timeoutMs: 15_000, description: "file target" });
  await daemon.close();
  await waitFor(() => {
    const now = handles();
    // waitFor's own pause timer is not running while the predicate runs.
    return JSON.stringify(now) === JSON.stringify(baseline) ? now : undefined;
  }, { timeoutMs: 15_000, description: `handles back to ${JSON.stringify(baseline)}` });
});

test("daemon: an unrelated reload keeps a file_sd provider running, so its targets never blink", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "t.json"), '[{"targets": ["f:1", "f:2"]}]');
  const fileJob = `scrape_configs:\n  - job_name: f\n    file_sd_configs: [{files: ["${join(dir, "t.json")}"]}]\n`;
  const { daemon, configFile } = await startDaemon(t, fileJob, { discoveryReloadIntervalMs: 20, discoveryUpdateIntervalMs: 20 });
  await waitFor(() => daemon.targets.job("f")?.active.length === 2, { timeoutMs: 15_000, description: "file targets" });
  const seen: number[] = [];
  const stop = new AbortController();
  t.after(() => stop.abort());
  daemon.targets.subscribe((jobs) => {
    if (jobs.includes("f")) seen.push(daemon.targets.job("f")?.active.length ?? -1);
  }, stop.signal);
  const providerBefore = daemon.manager.providerStatuses().find((p) => p.jobs.includes("f"))?.name;
  await writeFile(configFile, `${fileJob}  - job_name: other\n    static_configs: [{targets: ["o:1"]}]\n`);
  await daemon.reload();
  await waitFor(() => daemon.targets.job("other")?.active.length === 1, { timeoutMs: 15_000, description: "new job built" });
  assert.equal(daemon.manager.providerStatuses().find((p) => p.jobs.includes("f"))?.name, providerBefore);
  assert.ok(seen.every((n) => n === 2), `f's targets blinked: ${JSON.stringify(seen)}`);
  assert.equal(daemon.targets.job("f")?.active.length, 2);
});

test("daemon: before its targets are built, http_sd answers 503 (consumers keep theirs) and /-/ready 503", async (t) => {
  const { daemon } = await startDaemon(t, STATIC_CONFIG, { discoveryReloadIntervalMs: 60_000 });
  const sd = await fetch(`${daemon.url}/api/v1/sd/node`);
  assert.equal(sd.status, 503);
  assert.equal(((await sd.json()) as { errorType: string }).errorType, "unavailable");
  assert.equal((await fetch(`${daemon.url}/-/ready`)).status, 503);
  assert.equal((await fetch(`${daemon.url}/-/healthy`)).status, 200);
});

test("daemon: a job whose provider never delivered answers 503 everywhere, also after the initial-set timeout", async (t) => {
  const dir = await tempDir(t);
  const outDir = join(dir, "out");
  // Nothing listens on 127.0.0.1:1: the Consul agent is "down" for the whole test.
  const config = `scrape_configs:
  - job_name: consul
    consul_sd_configs: [{server: "127.0.0.1:1", refresh_interval: 1s, token: s3cret-token}]
  - job_name: node
    static_configs: [{targets: ["10.0.0.1:9100"]}]
`;
  const { daemon } = await startDaemon(t, config, { fileSdDir: outDir }, 200);
  // The timeout ends the daemon's wait: ready, but it still names the provider that did not deliver.
  await waitFor(async () => (await fetch(`${daemon.url}/-/ready`)).status === 200, { timeoutMs: 15_000, description: "ready after the timeout" });
  await waitFor(async () => (await sdTargets(daemon, "node")).length === 1, { timeoutMs: 15_000, description: "node served" });
  const readyText = await (await fetch(`${daemon.url}/-/ready`)).text();
  assert.match(readyText, /Still waiting for the initial targets of:\n {2}consul\/\d+ \(jobs: consul\)/);
  for (const path of ["/api/v1/sd/consul", "/api/v1/sd/consul?view=discovered", "/api/v1/targets?scrapePool=consul"]) {
    const res = await fetch(`${daemon.url}${path}`);
    assert.equal(res.status, 503, path);
    const body = (await res.json()) as { errorType: string; error: string; waitingFor: string[] };
    assert.equal(body.errorType, "unavailable", path);
    assert.match(body.waitingFor.join(","), /^consul\/\d+$/, path);
    assert.match(body.error, /waiting for the initial targets of consul\/\d+/, path);
  }
  const all = (await getJson(`${daemon.url}/api/v1/targets`)) as { data: { activeTargets: { scrapePool: string }[]; droppedTargetCounts: Record<string, number> } };
  assert.deepEqual(all.data.activeTargets.map((a) => a.scrapePool), ["node"], "a job never delivered is left out of the listing");
  assert.deepEqual(all.data.droppedTargetCounts, { consul: 0, node: 0 });
  const providers = (await getJson(`${daemon.url}/api/v1/promsd/providers`)) as { data: { providers: { mechanism: string; isWaiting: boolean }[] } };
  assert.deepEqual(providers.data.providers.map((p) => [p.mechanism, p.isWaiting]), [["consul", true], ["static", false]]);
  // Each provider's config as the YAML the user wrote, secrets masked (the UI shows this, not promsd's parsed form).
  const consulYaml = (providers.data.providers[0] as unknown as { configYaml: string }).configYaml;
  assert.equal(consulYaml, "server: 127.0.0.1:1\nrefresh_interval: 1s\ntoken: <secret>\n");
  const job = (await getJson(`${daemon.url}/api/v1/promsd/targets?job=consul`)) as { data: { isComplete: boolean; waitingFor: string[] } };
  assert.equal(job.data.isComplete, false);
  assert.equal(job.data.waitingFor.length, 1);
  await waitFor(async () => (await readdir(outDir)).includes("node.json"), { timeoutMs: 15_000, description: "node.json written" });
  assert.deepEqual(await readdir(outDir), ["node.json"], "no empty consul.json for a job never delivered");
});

test("daemon: listening beyond loopback warns that the UI and APIs are reachable without authentication", async (t) => {
  const quiet: LogRecord[] = [];
  await startDaemon(t, STATIC_CONFIG, {}, undefined, recordingLogger(quiet));
  assert.deepEqual(quiet.filter((r) => /without authentication/.test(r.message)), [], "127.0.0.1: no warning");
  const logs: LogRecord[] = [];
  // Bound on every interface for a moment; the test itself only talks to 127.0.0.1.
  const { daemon } = await startDaemon(t, STATIC_CONFIG, { listenAddress: "0.0.0.0:0" }, undefined, recordingLogger(logs));
  const warning = logs.find((r) => r.level === "warn" && /without authentication/.test(r.message));
  assert.match(warning?.message ?? "", /^Listening on non-loopback address 0\.0\.0\.0: the web UI and every API/);
  await daemon.close();
});
