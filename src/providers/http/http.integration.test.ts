/**
 * HTTP SD against references:
 * - differential: the reference promtool 2.42 and `promsd sd --profile=v2.42` poll the same fake endpoint
 *   on 127.0.0.1 and must print the same targets (sorted: promtool prints in Go map order) for a corpus of
 *   answers: lists with labels, empty lists, `null`, and bad answers (status, content type, body);
 * - promsd consuming promsd: a Daemon serves `/api/v1/sd/<job>` and both an http_sd discoverer and a second
 *   Daemon whose job uses http_sd read it.
 */
import assert from "node:assert/strict";
import type { IncomingHttpHeaders } from "node:http";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { Daemon } from "../../daemon/daemon.js";
import { DEFAULT_FLAGS } from "../../daemon/flags.js";
import { startServer } from "../../http/test-support.js";
import { silentLogger } from "../../logging.js";
import type { TargetGroup } from "../../model/target-group.js";
import {
  assertSameSdEntries,
  createLimiter,
  parseConfigYaml,
  runPromtoolAndPromsd,
  tempDir,
  testDeps,
  waitFor,
  writeOneJobConfig,
} from "../../testing/index.js";
import { parseHttpSdConfig } from "./config.js";
import { createHttpSdDiscoverer } from "./discoverer.js";

const JSON_TYPE = "application/json";
const CORPUS: { name: string; status?: number; contentType?: string; body: string }[] = [
  { name: "groups with labels", body: '[{"targets": ["10.0.10.2:9100", "10.0.10.3:9100"], "labels": {"__meta_datacenter": "london", "env": "prod"}}, {"targets": ["10.0.40.2:9093"], "labels": {"__meta_datacenter": "newyork"}}]' },
  { name: "__meta_url from the server is overwritten", body: '[{"targets": ["a:1"], "labels": {"__meta_url": "http://spoofed/"}}]' },
  { name: "labels that change target building", body: '[{"targets": ["b:2", "c"], "labels": {"__scheme__": "https", "__metrics_path__": "/m", "job": "other", "instance": "i"}}]' },
  { name: "empty and missing pieces", body: '[{"targets": []}, {"labels": {"x": "y"}}, {"targets": ["d:4"], "labels": {"empty": ""}}]' },
  { name: "targets that fail target building", body: '[{"targets": ["", "e:5/path", "[::1]", "f:6"]}]' },
  { name: "duplicate targets across groups", body: '[{"targets": ["g:7"]}, {"targets": ["g:7"]}]' },
  { name: "case-insensitive group keys", body: '[{"Targets": ["h:8"], "LABELS": {"k": "v"}}]' },
  { name: "empty list", body: "[]" },
  { name: "null", body: "null" },
  { name: "charset parameter", contentType: "application/json; charset=UTF-8", body: '[{"targets": ["i:9"]}]' },
  { name: "quoted charset", contentType: 'Application/JSON;Charset="utf-8"', body: '[{"targets": ["j:10"]}]' },
  { name: "500", status: 500, body: '[{"targets": ["no:1"]}]' },
  { name: "204", status: 204, body: "" },
  { name: "text/plain", contentType: "text/plain", body: '[{"targets": ["no:2"]}]' },
  { name: "charset=utf8", contentType: "application/json; charset=utf8", body: '[{"targets": ["no:3"]}]' },
  { name: "unknown field", body: '[{"target": ["no:4"]}]' },
  { name: "null element", body: '[{"targets": ["no:5"]}, null]' },
  { name: "object instead of list", body: '{"targets": ["no:6"]}' },
  { name: "legacy label name in 2.42", body: '[{"targets": ["no:7"], "labels": {"service.name": "x"}}]' },
  { name: "truncated JSON", body: '[{"targets": ["no:8"]' },
  { name: "empty body", body: "" },
];

test("http_sd (oracle): promtool 2.42 and promsd sd print the same targets for every answer", async (t) => {
  const limit = createLimiter(2);
  let compared = 0;
  await Promise.all(CORPUS.map((c) => limit(async () => {
    const seen: IncomingHttpHeaders[] = [];
    const endpoint = await startServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(c.status ?? 200, { "content-type": c.contentType ?? JSON_TYPE }).end(c.body);
    });
    try {
      const dir = await tempDir(t);
      const url = `${endpoint.origin}/sd?case=${encodeURIComponent(c.name)}`;
      await writeOneJobConfig(dir, "http_sd_configs", `url: '${url}'\nrefresh_interval: 30s`);
      const want = assertSameSdEntries(await runPromtoolAndPromsd(dir, { timeoutMs: 2000 }), c.name);
      compared += want.length;
      assert.equal(seen.length, 2, `${c.name}: one request from each`);
      for (const headers of seen) {
        assert.equal(headers["accept"], "application/json");
        assert.equal(headers["x-prometheus-refresh-interval-seconds"], "30");
        assert.equal(headers["accept-encoding"], undefined);
      }
    } finally {
      await endpoint.close();
    }
  })));
  assert.ok(compared >= 12, `only ${compared} targets compared`);
});

test("http_sd (oracle): promtool 2.42 and promsd send the same Authorization, even for unvalidated 2.42 blocks", async (t) => {
  const cases = [
    "basic_auth: {username: u, password: p}",
    "authorization: {type: Token, credentials: c}",
    "bearer_token_file: tok",
    "bearer_token: x\nbearer_token_file: tok",
    "basic_auth: {username: u, password: p}\nbearer_token: x",
    "authorization: {credentials: c}\nbearer_token_file: tok",
  ];
  const limit = createLimiter(2);
  await Promise.all(cases.map((extra) => limit(async () => {
    const seen: { agent: string; authorization: string }[] = [];
    const endpoint = await startServer((request, response) => {
      seen.push({ agent: request.headers["user-agent"] ?? "", authorization: request.headers.authorization ?? "" });
      response.writeHead(200, { "content-type": JSON_TYPE }).end("[]");
    });
    try {
      const dir = await tempDir(t);
      await writeFile(join(dir, "tok"), "file-token\n");
      await writeOneJobConfig(dir, "http_sd_configs", `url: '${endpoint.origin}/sd'\n${extra}`);
      const { promtool, promsd } = await runPromtoolAndPromsd(dir, { timeoutMs: 1000 });
      assert.equal(promtool.exitCode, 0, promtool.stderr);
      assert.equal(promsd.exitCode, 0, promsd.stderr);
      const byProgram = (prefix: string): string | undefined => seen.find((s) => s.agent.startsWith(prefix))?.authorization;
      assert.ok(byProgram("Prometheus/"), `${extra}: promtool asked`);
      assert.equal(byProgram("promsd/"), byProgram("Prometheus/"), extra);
    } finally {
      await endpoint.close();
    }
  })));
});

async function startDaemon(t: TestContext, config: string): Promise<Daemon> {
  const dir = await tempDir(t);
  const configFile = join(dir, "prometheus.yml");
  await writeFile(configFile, config);
  const daemon = new Daemon({
    flags: { ...DEFAULT_FLAGS, configFile, listenAddress: "127.0.0.1:0", discoveryUpdateIntervalMs: 0, discoveryReloadIntervalMs: 0 },
    logger: silentLogger,
  });
  t.after(() => daemon.close());
  await daemon.start();
  return daemon;
}

const STATIC_JOB = `scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['10.0.0.1:9100', '10.0.0.2:9100']
        labels: {env: prod}
      - targets: ['10.0.0.3:9100']
        labels: {env: dev}
`;

test("http_sd: promsd consumes promsd's own /api/v1/sd/<job>", async (t) => {
  const upstream = await startDaemon(t, STATIC_JOB);
  const url = `${upstream.url.replace(/\/$/, "")}/api/v1/sd/node`;
  const config = parseConfigYaml(parseHttpSdConfig, `url: '${url}'\nrefresh_interval: 1s`, { configDir: "/" });
  const stop = new AbortController();
  t.after(() => stop.abort());
  const updates = createHttpSdDiscoverer(config, testDeps({ jobNames: ["node"], sleep: async () => true })).discover(stop.signal);
  let last: readonly TargetGroup[] = [];
  for await (const groups of updates) {
    last = groups;
    if (groups.flatMap((g) => g.targets).length === 3) break;
  }
  const byAddress = new Map(last.flatMap((g) => g.targets.map((target) => [target["__address__"], { ...g.labels, ...target }] as const)));
  assert.deepEqual([...byAddress.keys()].sort(), ["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100"]);
  assert.equal(byAddress.get("10.0.0.3:9100")?.["env"], "dev");
  assert.equal(byAddress.get("10.0.0.1:9100")?.["job"], "node");
  assert.equal(byAddress.get("10.0.0.1:9100")?.["__meta_url"], url);

  // A second daemon whose job reads the first through http_sd serves the same final targets.
  const downstream = await startDaemon(t, `scrape_configs:\n  - job_name: node\n    http_sd_configs:\n      - url: '${url}'\n        refresh_interval: 1s\n`);
  const finalView = async (daemon: Daemon): Promise<string[]> => {
    const response = await fetch(`${daemon.url.replace(/\/$/, "")}/api/v1/sd/node`);
    const groups = (await response.json()) as { targets: string[]; labels: Record<string, string> }[]; // the http_sd wire format
    return groups.flatMap((g) => g.targets.map((target) => JSON.stringify([target, Object.entries(g.labels).sort()]))).sort();
  };
  const want = await finalView(upstream);
  await waitFor(async () => JSON.stringify(await finalView(downstream)) === JSON.stringify(want), { timeoutMs: 20_000, description: "downstream daemon serves upstream's targets" });
});
