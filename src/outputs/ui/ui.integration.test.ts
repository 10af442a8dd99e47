/**
 * The web UI in a real browser (issue 7): headless Chromium (Debian's, via playwright-core) against a Daemon
 * on 127.0.0.1 with file_sd jobs. Built once from ui/ into a temp dir, so the tests exercise the current source.
 * Screenshots go to test-output/screenshots/ for review.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { Daemon } from "../../daemon/daemon.js";
import { DEFAULT_FLAGS } from "../../daemon/flags.js";
import { silentLogger } from "../../logging.js";
import { createTempDir, runPromtoolSd, writeFiles, type SdEntry } from "../../testing/index.js";
import { launchChromium, screenshot } from "./testing/chromium.js";
import { BIG_COUNT, BIG_TARGETS, CONFIG, finalLabels, nodeTargets, REPO_ROOT, replaceFile, run, targetLabels, WEB_TARGETS, XSS } from "./testing/ui-fixtures.js";

// The callbacks passed to page.evaluate/waitForFunction run in the browser; these are the DOM names they use
// (the Node tsconfig has no DOM lib).
declare const document: { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): { textContent: string | null } | null };
declare const window: object;
declare function requestAnimationFrame(callback: (time: number) => void): number;

const cleanups: (() => unknown)[] = [];
const suiteScope = { after: (fn: () => unknown) => void cleanups.push(fn) };
let dir = "";
let daemon: Daemon;
let context: BrowserContext;
let page: Page;
let promtoolNode: Promise<readonly SdEntry[]>;
const dialogs: string[] = [];
const foreignRequests: string[] = [];

describe("ui in Chromium", { timeout: 120_000 }, () => {
  before(async () => {
    const tmp = await createTempDir("promsd-ui-");
    cleanups.push(() => tmp.remove());
    dir = tmp.path;
    await writeFiles(dir, {
      "prometheus.yml": CONFIG,
      "targets/node.json": nodeTargets(),
      "targets/web.json": WEB_TARGETS,
      "targets/big.json": BIG_TARGETS,
      "targets/broken.json": "[{\"targets\": ",
    });
    // promtool always waits its --timeout; run it while the UI builds and the browser starts.
    // The absolute config path makes promtool's __meta_filepath absolute, as the daemon's is.
    promtoolNode = runPromtoolSd(dir, join(dir, "prometheus.yml"), "node", { timeoutMs: 2000 }).then((r) => {
      assert.ok(r.entries, `promtool failed: ${r.stderr}`);
      return r.entries;
    });
    const uiDir = join(dir, "ui-dist");
    await run(process.execPath, [join(REPO_ROOT, "node_modules/vite/bin/vite.js"), "build", "ui", "--outDir", uiDir, "--emptyOutDir", "--logLevel", "error"]);
    daemon = new Daemon({
      // The profile of the reference promtool (2.42), so the debugger's labels can be compared with its output.
      flags: { ...DEFAULT_FLAGS, profile: "v2.42", configFile: join(dir, "prometheus.yml"), listenAddress: "127.0.0.1:0", discoveryUpdateIntervalMs: 0, discoveryReloadIntervalMs: 0 },
      logger: silentLogger,
      uiDir,
    });
    cleanups.push(() => daemon.close());
    await daemon.start();
    context = await launchChromium(suiteScope);
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    context.on("request", (request) => {
      if (!request.url().startsWith(daemon.url) && !request.url().startsWith("data:")) foreignRequests.push(request.url());
    });
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  function job(name: string) {
    return page.locator(`.job[data-job="${name}"]`);
  }

  /** A fresh page load (a hash-only change would keep the previous test's tabs and filter). */
  async function openTargets(): Promise<void> {
    await page.goto("about:blank");
    await page.goto(`${daemon.url}/#/targets`);
    await page.locator('[data-testid="live"]', { hasText: "live" }).waitFor();
  }

  test("ui: the targets page lists every job with its active, dropped and failed counts", async () => {
    await openTargets();
    const cases = [
      { job: "node", active: "3 active", dropped: "1 dropped", failed: "0 failed", rows: 3 },
      { job: "web", active: "2 active", dropped: "0 dropped", failed: "1 failed", rows: 2 },
      { job: "big", active: `${BIG_COUNT} active`, dropped: "0 dropped", failed: "0 failed", rows: 50 },
    ];
    for (const c of cases) {
      await job(c.job).locator('[data-count="active"]', { hasText: c.active }).waitFor();
      assert.equal(await job(c.job).locator('[data-count="dropped"]').textContent(), c.dropped, c.job);
      assert.equal(await job(c.job).locator('[data-count="failed"]').textContent(), c.failed, c.job);
      await waitForRows(c.job, c.rows);
    }
    // Final labels beside discovered labels: the relabeled `host` only appears on the final side.
    const first = job("node").locator("tr.target-row").first();
    assert.equal(await first.locator("td.discovered").locator('[data-label="host"]').count(), 0);
    assert.equal(await first.locator("td.final").locator('[data-label="host"] .label-value').textContent(), "10.0.0.1");
    // Like Prometheus's page: no internal `__*` labels among the final ones until the toggle asks for them.
    const finalNames = (): Promise<string[]> => first.locator("td.final [data-label]").evaluateAll((els) => els.map((e) => e.getAttribute("data-label") ?? ""));
    assert.deepEqual(await finalNames(), ["env", "from_file", "host", "instance", "job", "owner_db", "team_db"]);
    assert.ok((await first.locator("td.discovered [data-label]").count()) > 0, "the discovered labels are still there, folded");
    await screenshot(page, "targets");
    await page.getByTestId("show-internal").check();
    assert.deepEqual((await finalNames()).filter((n) => n.startsWith("__")), ["__address__", "__metrics_path__", "__scheme__", "__scrape_interval__", "__scrape_timeout__"]);
    await page.getByTestId("show-internal").uncheck();
  });

  test("ui: a 50-row page of targets is compact, and each job shows a loading state and its staleness", async () => {
    await openTargets();
    await waitForRows("big", 50);
    // Measured: about 33 px per row here (the report: 9,000 px for 50 rows). Bound: 50 px per row.
    const height = await job("big").getByTestId("targets-table").evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(height < 50 * 50, `a 50-row page is ${height} px tall`);
    // Staleness: when each job was last updated, which provider reports errors, which one has not delivered.
    assert.match((await job("node").getByTestId("updated").textContent()) ?? "", /^updated \d{4}-\d\d-\d\d \S+Z \(\d+s ago\)$/);
    await job("broken").getByTestId("job-errors").filter({ hasText: /^file\/\d+: Error reading file .*broken\.json.*\(\d+ errors, last / }).waitFor();
    await job("remote").getByTestId("job-waiting").filter({ hasText: /^Waiting for the initial targets of http\/\d+: http_sd answers 503 for this job until they arrive\.$/ }).waitFor();
    assert.equal(await job("node").getByTestId("job-waiting").count(), 0);
    await job("remote").scrollIntoViewIfNeeded();
    await screenshot(page, "targets-staleness");
    // Loading: a job whose targets are still on their way says so instead of showing nothing.
    await page.route("**/api/v1/promsd/targets?job=node", async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    await openTargets();
    await job("node").getByTestId("loading").filter({ hasText: "Loading targets…" }).waitFor();
    await screenshot(page, "targets-loading");
    await waitForRows("node", 3);
    assert.equal(await job("node").getByTestId("loading").count(), 0);
    await page.unroute("**/api/v1/promsd/targets?job=node");
  });

  async function waitForRows(jobName: string, count: number): Promise<void> {
    await page.waitForFunction(
      ([name, n]) => document.querySelectorAll(`.job[data-job="${String(name)}"] tr.target-row`).length === n,
      [jobName, count] as const,
    );
  }

  test("ui: the text filter narrows every job's targets", async () => {
    await openTargets();
    await waitForRows("node", 3);
    const cases = [
      { filter: "10.0.0.1", node: 1, web: 0 },
      { filter: 'owner_db="alice"', node: 2, web: 0 },
      { filter: "tier=\"frontend\" web-1", node: 0, web: 1 },
      { filter: "", node: 3, web: 2 },
    ];
    for (const c of cases) {
      await page.getByTestId("filter").fill(c.filter);
      await waitForRows("node", c.node);
      await waitForRows("web", c.web);
      if (c.filter === "10.0.0.1") await screenshot(page, "targets-filtered");
    }
  });

  test("ui: a dropped target shows the rule that dropped it, a failed one its reason", async () => {
    await openTargets();
    await job("node").locator('[data-tab="dropped"]').click();
    const why = job("node").locator("tr.target-row .why");
    assert.equal(await why.textContent(), "dropped by relabel_configs[0]: action: drop, source_labels: [env], regex: staging");
    await job("web").locator('[data-tab="failed"]').click();
    assert.equal(await job("web").locator("tr.target-row .why").textContent(), "target building failed: no address");
    await screenshot(page, "targets-dropped-failed");
    // Its "debug relabeling" link opens the debugger on that target, which runs the trace at once.
    await job("node").locator("tr.target-row .debug-link").click();
    await page.getByTestId("verdict").filter({ hasText: "Dropped by relabel_configs[0]" }).waitFor();
    assert.equal(await page.getByTestId("job-select").inputValue(), "node");
  });

  test("ui: a label value with markup is shown as text and runs no script", async () => {
    await openTargets();
    const value = job("node").locator('tr.target-row [data-label="note"] .label-value').first();
    await value.waitFor();
    assert.equal(await value.textContent(), XSS);
    assert.equal(await page.locator("main img").count(), 0);
    assert.deepEqual(dialogs, []);
  });

  test("ui: a rewritten file_sd input appears live, without a reload", async () => {
    await openTargets();
    await waitForRows("node", 3);
    await page.evaluate(() => Object.assign(window, { promsdMarker: "same page" }));
    await replaceFile(join(dir, "targets/node.json"), nodeTargets(["10.0.0.9:9100"]));
    await job("node").locator('[data-count="active"]', { hasText: "4 active" }).waitFor();
    await job("node").locator('tr.target-row [data-label="host"] .label-value', { hasText: "10.0.0.9" }).waitFor();
    assert.equal(await page.evaluate(() => (window as { promsdMarker?: string }).promsdMarker), "same page");
    await screenshot(page, "targets-live");
    await replaceFile(join(dir, "targets/node.json"), nodeTargets());
    await job("node").locator('[data-count="active"]', { hasText: "3 active" }).waitFor();
  });

  test("ui: the relabel debugger's steps end in the labels promtool computes", async () => {
    const promtool = await promtoolNode;
    const kept = promtool.filter((e) => e.error === undefined && Object.keys(e.labels).length > 0);
    assert.equal(kept.length, 3);
    await page.goto(`${daemon.url}/#/debug`);
    await page.getByTestId("job-select").selectOption("node");
    for (const entry of kept) {
      const address = entry.labels["__address__"] ?? "";
      await page.getByTestId("target-select").selectOption({ label: `[active] ${address}` });
      await page.getByTestId("run").click();
      await page.locator('[data-testid="final-labels"]').waitFor();
      await page.waitForFunction((a) => document.querySelector('[data-testid="final-labels"] tr[data-label="__address__"] td:last-child')?.textContent === a, address);
      assert.equal(await page.locator(".step").count(), 5, "four rules and the result");
      const final = await finalLabels(page);
      assert.deepEqual(targetLabels(final), entry.labels, address);
      if (address === "10.0.0.1:9100") await screenshot(page, "debugger-kept", { fullPage: true });
    }
    // The dropped target: promtool prints empty labels; the debugger says which rule dropped it.
    const dropped = promtool.filter((e) => e.error === undefined && Object.keys(e.labels).length === 0);
    assert.deepEqual(dropped.map((e) => e.discoveredLabels["__address__"]), ["10.0.0.3:9100"]);
    await page.getByTestId("target-select").selectOption({ label: "[dropped] 10.0.0.3:9100" });
    await page.getByTestId("run").click();
    await page.getByTestId("verdict").filter({ hasText: "Dropped by relabel_configs[0]" }).waitFor();
    assert.deepEqual(await page.getByTestId("step-keep").allTextContents(), ["dropped here", "not reached", "not reached", "not reached"]);
    await screenshot(page, "debugger-dropped", { fullPage: true });
  });

  test("ui: the debugger takes a pasted label set and highlights changed labels", async () => {
    await page.goto(`${daemon.url}/#/debug`);
    await page.getByTestId("job-select").selectOption("node");
    await page.getByTestId("labels-input").fill(JSON.stringify({ __address__: "db-1:5432", team_ops: "bob", note: XSS }));
    await page.getByTestId("run").click();
    await page.getByTestId("verdict").filter({ hasText: "Kept after every rule" }).waitFor();
    const changes = await page.locator('.step[data-step="1"] tr[data-change]').evaluateAll((rows) =>
      rows.map((r) => `${r.getAttribute("data-label") ?? ""}:${r.getAttribute("data-change") ?? ""}`),
    );
    assert.deepEqual(changes, ["__address__:same", "host:added", "note:same", "team_ops:same"]);
    assert.equal(await page.locator('.step[data-step="3"] tr[data-label="owner_ops"]').getAttribute("data-change"), "added");
    assert.equal(await page.locator("main img").count(), 0);
    assert.deepEqual(dialogs, []);
    await screenshot(page, "debugger-pasted", { fullPage: true });
    // "Changed labels only": each kept step lists just the labels it added, removed or changed.
    await page.getByTestId("changed-only").check();
    const onlyChanged = await page.locator('.step[data-step="1"] tr[data-change]').evaluateAll((rows) => rows.map((r) => `${r.getAttribute("data-label") ?? ""}:${r.getAttribute("data-change") ?? ""}`));
    assert.deepEqual(onlyChanged, ["host:added"]);
    await screenshot(page, "debugger-changed-only", { fullPage: true });
    await page.getByTestId("changed-only").uncheck();
    // A new run replaces the previous result: an error leaves no old tables behind.
    assert.ok((await page.locator(".step").count()) > 0);
    await page.getByTestId("labels-input").fill("{not json");
    await page.getByTestId("run").click();
    await page.getByTestId("debug-error").filter({ hasText: /labels are not valid JSON/ }).waitFor();
    assert.equal(await page.locator(".step").count(), 0, "the old steps are gone");
    assert.equal(await page.getByTestId("verdict").count(), 0);
    await screenshot(page, "debugger-error");
  });

  test("ui: the service-discovery page shows each provider, its jobs, config and state", async () => {
    await page.goto(`${daemon.url}/#/sd`);
    const cases = [
      { job: "node", targets: "3 groups, 4 targets" },
      { job: "web", targets: "1 groups, 3 targets" },
      { job: "big", targets: `1 groups, ${BIG_COUNT} targets` },
    ];
    for (const c of cases) {
      const card = page.locator(".provider", { has: page.locator('[data-testid="jobs"]', { hasText: new RegExp(`^${c.job}$`) }) });
      await card.locator('[data-testid="contributes"]', { hasText: c.targets }).waitFor();
      assert.equal(await card.getByTestId("initial").textContent(), "yes");
      assert.equal(await card.getByTestId("state").textContent(), "running");
      assert.match((await card.getByTestId("config").textContent()) ?? "", /targets\/\w+\.json/);
      assert.equal(await card.getByTestId("error-count").textContent(), "0");
    }
    // A provider that cannot read its file reports the error and how often it happened.
    const broken = page.locator(".provider", { has: page.locator('[data-testid="jobs"]', { hasText: /^broken$/ }) });
    await broken.getByTestId("last-error").filter({ hasText: /Error reading file \(.*broken\.json\)/ }).waitFor();
    assert.notEqual(await broken.getByTestId("error-count").textContent(), "0");
    // Secrets in a provider's config are shown as <secret>, never their value; a refused connection is its last error.
    const remote = page.locator(".provider", { has: page.locator('[data-testid="jobs"]', { hasText: /^remote$/ }) });
    await remote.getByTestId("last-error").filter({ hasText: /\S/ }).filter({ hasNotText: /^none$/ }).waitFor();
    // The config as the YAML the user wrote, secrets as <secret> (not promsd's parsed JSON).
    assert.equal(await remote.getByTestId("config").textContent(), "url: http://127.0.0.1:9/sd\nrefresh_interval: 1s\nbasic_auth:\n  username: sd-user\n  password: <secret>\n");
    const nodeCard = page.locator(".provider", { has: page.locator('[data-testid="jobs"]', { hasText: /^node$/ }) });
    assert.equal(await nodeCard.getByTestId("config").textContent(), "files:\n- targets/node.json\nrefresh_interval: 1s\n");
    assert.ok(!((await page.content()).includes("hunter2")), "the password appears nowhere on the page");
    // A provider with errors is not a green "running".
    for (const card of [broken, remote]) {
      assert.equal(await card.getByTestId("state").getAttribute("data-health"), "errors");
      assert.equal(await card.getByTestId("state").textContent(), "running with errors");
    }
    assert.equal(await nodeCard.getByTestId("state").getAttribute("data-health"), "running");
    // Per job, every target's discovered labels beside its target labels, as Prometheus's page shows them.
    const nodeJob = page.locator('.sd-job[data-sd-job="node"]');
    await nodeJob.locator("tr.sd-row").nth(3).waitFor();
    assert.equal(await nodeJob.locator("tr.sd-row").count(), 4, "3 active and the dropped one");
    const firstRow = nodeJob.locator("tr.sd-row").first();
    assert.equal(await firstRow.locator('td.discovered [data-label="__meta_filepath"]').count(), 1);
    assert.equal(await firstRow.locator('td.target [data-label="host"] .label-value').textContent(), "10.0.0.1");
    assert.equal(await firstRow.locator('td.target [data-label^="__"]').count(), 0, "target labels without the internal ones");
    assert.equal(await nodeJob.locator("tr.sd-row").nth(3).locator("td.target .why").textContent(), "Dropped by relabel_configs[0]: action: drop, source_labels: [env], regex: staging");
    await broken.scrollIntoViewIfNeeded();
    await screenshot(page, "service-discovery");
    await nodeJob.scrollIntoViewIfNeeded();
    await screenshot(page, "service-discovery-targets");
  });

  test("ui: 10,000 targets render one page at a time and the page stays responsive", async () => {
    await openTargets();
    await waitForRows("big", 50);
    await job("big").getByTestId("pager").filter({ hasText: `page 1 of ${BIG_COUNT / 50}` }).waitFor();
    // The main thread answers promptly while the big job is on screen (generous bound: a frozen page never answers).
    const started = Date.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    assert.ok(Date.now() - started < 5000, "the page answers within 5 s");
    await job("big").getByRole("button", { name: "next ›" }).click();
    await job("big").getByTestId("pager").filter({ hasText: `page 2 of ${BIG_COUNT / 50}` }).waitFor();
    await page.getByTestId("filter").fill("big-9999.example");
    await waitForRows("big", 1);
    assert.equal(await job("big").getByTestId("match-count").textContent(), `1 of ${BIG_COUNT} match`);
    await screenshot(page, "targets-big-filtered");
  });

  test("ui: every request the pages made went to the daemon itself", () => {
    assert.deepEqual(foreignRequests, []);
  });
});
