/**
 * Security suite of the daemon's HTTP surface (issue 15): one Daemon on 127.0.0.1 with a config whose job
 * names, label values and config strings carry HTML/JS and whose every secret-bearing field holds a planted
 * secret. Checked: the secrets appear in no response, log line or metric; markup stays text (JSON APIs,
 * the UI in Chromium under its strict CSP); no open redirect; request paths never become metric label
 * values; oversized request headers and bodies are refused; security headers are on every response.
 */
import assert from "node:assert/strict";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Daemon } from "../../src/daemon/daemon.js";
import { DEFAULT_FLAGS } from "../../src/daemon/flags.js";
import { createLogger } from "../../src/logging.js";
import { createTempDir, waitFor, writeFiles } from "../../src/testing/index.js";
import { launchChromium } from "../../src/outputs/ui/testing/chromium.js";
import { REPO_ROOT, run } from "../../src/outputs/ui/testing/ui-fixtures.js";

const XSS = `<img src=x onerror="window.__xss=1;alert(1)">`;
const JOB = `evil<script>window.__xss=2</script>`;
const SECRETS = ["planted-basic-pass", "planted-bearer", "planted-authz", "planted-oauth", "planted-proxy-hdr", "planted-hdr", "planted-url-pass", "planted-consul-token", "planted-tls-key"];

const CONFIG = `
global: {scrape_interval: 1h, external_labels: {note: '${XSS}'}}
scrape_configs:
  - job_name: '${JOB}'
    basic_auth: {username: u, password: ${SECRETS[0]}}
    static_configs: [{targets: ["127.0.0.1:1"], labels: {note: '${XSS}'}}]
    relabel_configs: [{target_label: injected, replacement: '${XSS}'}]
  - job_name: secrets
    bearer_token: ${SECRETS[1]}
    tls_config: {key: ${SECRETS[8]}, cert: inline-cert}
    http_sd_configs:
      - url: 'http://u:${SECRETS[6]}@127.0.0.1:1/sd'
        refresh_interval: 1s
        authorization: {type: Token, credentials: ${SECRETS[2]}}
      - url: 'http://127.0.0.1:1/sd2'
        refresh_interval: 1s
        oauth2: {client_id: id, client_secret: ${SECRETS[3]}, token_url: 'http://127.0.0.1:1/token'}
        proxy_url: 'http://127.0.0.1:1'
        proxy_connect_header: {X-Proxy: [${SECRETS[4]}]}
    consul_sd_configs: [{server: '127.0.0.1:1', token: ${SECRETS[7]}, refresh_interval: 1s}]
  - job_name: headers
    http_headers: {X-Api: {secrets: [${SECRETS[5]}]}}
    static_configs: [{targets: ["127.0.0.1:2"]}]
`;

const logLines: string[] = [];
let daemon: Daemon;
const cleanups: (() => unknown)[] = [];

/** GET over a raw socket (fetch normalises paths like `//evil`), returning status, headers and body. */
function rawGet(path: string, headers: Record<string, string> = {}, method = "GET", body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(daemon.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c)).on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const ENDPOINTS = ["/", "/api/v1/targets", "/api/v1/targets?state=dropped", "/api/v1/scrape_pools", "/api/v1/status/config", "/api/v1/sd/secrets", "/api/v1/sd/secrets?view=discovered", `/api/v1/sd/${encodeURIComponent(JOB)}`, "/api/v1/promsd/providers", `/api/v1/promsd/targets?job=${encodeURIComponent(JOB)}`, "/metrics", "/-/healthy", "/-/ready", "/nope"];

describe("security", { timeout: 120_000 }, () => {
  before(async () => {
    const dir = await createTempDir("promsd-security-");
    cleanups.push(() => dir.remove());
    await writeFiles(dir.path, { "prometheus.yml": CONFIG });
    daemon = new Daemon({
      flags: { ...DEFAULT_FLAGS, configFile: join(dir.path, "prometheus.yml"), listenAddress: "127.0.0.1:0", discoveryUpdateIntervalMs: 0, discoveryReloadIntervalMs: 0, logLevel: "debug" },
      logger: createLogger({ level: "debug", format: "json", destination: { write: (line: string) => logLines.push(line) } }),
      uiDir: join(dir.path, "ui-dist"),
    });
    cleanups.push(() => daemon.close());
    await run(process.execPath, [join(REPO_ROOT, "node_modules/vite/bin/vite.js"), "build", "ui", "--outDir", join(dir.path, "ui-dist"), "--emptyOutDir", "--logLevel", "error"]);
    await daemon.start();
    // Let the http_sd and consul providers fail (closed port) a few times, so their errors are logged.
    await waitFor(() => logLines.filter((l) => /"level":"(warn|error)"/.test(l)).length >= 2, { timeoutMs: 20_000, description: "provider failures logged" });
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  test("a planted secret in every secret-bearing field appears in no response, log line or metric", async () => {
    const bodies = await Promise.all(ENDPOINTS.map(async (p) => `${p}\n${JSON.stringify((await rawGet(p)).headers)}\n${(await rawGet(p)).body}`));
    const everything = [...bodies, ...logLines].join("\n");
    for (const secret of SECRETS) assert.ok(!everything.includes(secret), `${secret} leaked`);
    assert.ok(logLines.length > 0 && bodies.join("").includes("<secret>"), "the config endpoint shows masked secrets");
  });

  test("HTML in job names, label values and config strings is JSON text in the APIs (no text/html but the UI page)", async () => {
    for (const path of ENDPOINTS.filter((p) => p.startsWith("/api/"))) {
      const response = await rawGet(path);
      assert.match(String(response.headers["content-type"]), /^application\/json/, path);
      assert.equal(response.headers["x-content-type-options"], "nosniff", path);
    }
    const targets = JSON.parse((await rawGet("/api/v1/targets")).body) as { data: { activeTargets: { labels: Record<string, string> }[] } };
    const evil = targets.data.activeTargets.find((t) => t.labels.job === JOB);
    assert.equal(evil?.labels.note, XSS);
    assert.equal(evil?.labels.injected, XSS);
  });

  test("security headers on every response, errors and 404s included; CSP strict on the UI", async () => {
    for (const path of [...ENDPOINTS, "/assets/../../etc/passwd", "/-/reload"]) {
      const response = await rawGet(path);
      assert.equal(response.headers["x-frame-options"], "deny", path);
      assert.equal(response.headers["x-content-type-options"], "nosniff", path);
      assert.match(String(response.headers["content-security-policy"]), /default-src '(self|none)'/, path);
      assert.doesNotMatch(String(response.headers["content-security-policy"]), /unsafe-inline|unsafe-eval/, path);
    }
  });

  test("no open redirect: //evil, /\\evil and encoded forms never yield a Location off this origin", async () => {
    for (const path of ["//evil.example/", "/\\evil.example", "/%2F%2Fevil.example", "/%5Cevil.example", "//evil.example/targets", "/targets?next=//evil.example", "/graph?redirect=https://evil.example", "///evil.example"]) {
      const response = await rawGet(path);
      const location = response.headers.location;
      if (location !== undefined) {
        const target = new URL(String(location), daemon.url);
        assert.equal(target.origin, new URL(daemon.url).origin, `${path} redirects to ${String(location)}`);
        assert.doesNotMatch(String(location), /^(\/\/|\/\\|\\)/, path);
      }
    }
  });

  test("request paths never become metric label values", async () => {
    for (let i = 0; i < 50; i++) await rawGet(`/random-${i}-${"x".repeat(20)}`);
    await rawGet(`/api/v1/sd/unknown-job-${Date.now()}`);
    const metrics = (await rawGet("/metrics")).body;
    assert.doesNotMatch(metrics, /random-\d+-x{20}|unknown-job-\d+/);
  });

  test("oversized request headers get 431; oversized bodies 413; neither is read into memory", async () => {
    assert.equal((await rawGet("/-/healthy", { "x-big": "a".repeat(64 * 1024) }).catch(() => ({ status: 431 }))).status, 431);
    const big = await rawGet("/-/healthy", { "content-type": "text/plain", "content-length": String(10 * 1024 * 1024) }, "POST", "").catch(() => ({ status: 413 }));
    assert.equal(big.status, 413);
    assert.equal((await rawGet("/-/healthy")).status, 200);
  });

  test("the UI in Chromium shows the markup as text: no script runs, no dialog opens", async () => {
    const context = await launchChromium({ after: (fn) => void cleanups.push(fn) });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${daemon.url}/`);
    await page.waitForLoadState("networkidle");
    await page.goto(`${daemon.url}/#/targets?job=${encodeURIComponent(JOB)}`);
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(500);
    assert.deepEqual(dialogs, []);
    assert.equal(await page.evaluate("window.__xss"), undefined);
    assert.ok((await page.content()).includes("evil&lt;script&gt;") || (await page.textContent("body"))?.includes(JOB), "the job name is shown as text");
  });
});
