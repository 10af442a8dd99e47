/**
 * Real clients of a secured promsd (issue 15, "How it is proven"): Prometheus 2.42 (/usr/bin/prometheus)
 * consumes promsd's http_sd over HTTPS with basic auth, then — after web.yml is rewritten without a restart
 * to RequireAndVerifyClientCert — another Prometheus does with a client certificate, while a client without
 * one is refused. `promsd run` with a bad web.yml exits non-zero naming file and line.
 */
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import bcrypt from "bcryptjs";
import { generateTestCerts } from "../../http/test-support.js";
import { silentLogger } from "../../logging.js";
import { tempDir, waitFor } from "../../testing/index.js";
import { Daemon } from "../../daemon/daemon.js";
import { DEFAULT_FLAGS } from "../../daemon/flags.js";
import { runDaemon } from "../../daemon/run.js";
import { freeLoopbackPort, isPrometheusInstalled, PROMETHEUS_PATH, PrometheusProcess } from "../../daemon/prometheus-process.js";
import { run } from "./test-support.js";

const PROMSD_CONFIG = `
global: {scrape_interval: 1h}
scrape_configs:
  - job_name: secured
    static_configs: [{targets: ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], labels: {env: "<b>prod</b>"}}]
`;

test("Prometheus 2.42 consumes http_sd over HTTPS with basic auth, then with a client certificate after a rewrite", async (t) => {
  if (!isPrometheusInstalled()) throw new Error(`${PROMETHEUS_PATH} is missing: scripts/ensure-system-packages.sh installs Debian's prometheus`);
  const dir = await tempDir(t, "promsd-web-e2e-");
  const certs = generateTestCerts(dir);
  const password = "s3cret-for-prometheus";
  const webYml = join(dir, "web.yml");
  await writeFile(webYml, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync(password, 10)}\n`);
  await writeFile(join(dir, "prometheus.yml"), PROMSD_CONFIG);
  const port = await freeLoopbackPort();
  const daemon = new Daemon({
    flags: { ...DEFAULT_FLAGS, configFile: join(dir, "prometheus.yml"), webConfigFile: webYml, listenAddress: `127.0.0.1:${port}`, discoveryUpdateIntervalMs: 0, discoveryReloadIntervalMs: 0 },
    logger: silentLogger,
  });
  await daemon.start();
  t.after(() => daemon.close());
  assert.equal(daemon.url, `https://127.0.0.1:${port}`);
  const started: PrometheusProcess[] = [];
  t.after(() => Promise.all(started.map((p) => p.stop())));

  const consumer = (tls: string, auth = "") => `global: {scrape_interval: 1h}
scrape_configs:
  - job_name: secured
    http_sd_configs:
      - url: ${daemon.url}/api/v1/sd/secured
        refresh_interval: 1s
        tls_config: {ca_file: ${certs.caFile}${tls}}
${auth}`;
  const withAuth = await PrometheusProcess.start(join(dir, "p-auth"), consumer("", `        basic_auth: {username: prometheus, password: ${password}}\n`));
  started.push(withAuth);
  const targetsOf = async (p: PrometheusProcess) => (await p.activeTargets()).filter((a) => a.scrapePool === "secured").map((a) => a.labels.instance).sort();
  await waitFor(async () => (await targetsOf(withAuth)).length === 3, { timeoutMs: 30_000, intervalMs: 250, description: `Prometheus lists the 3 targets over HTTPS + basic auth: ${withAuth.log.slice(-500)}` });
  assert.deepEqual(await targetsOf(withAuth), ["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"]);
  assert.equal((await run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.caFile, `${daemon.url}/api/v1/sd/secured`])).stdout, "401");

  // Rewritten while running: client certificates instead of passwords.
  await writeFile(webYml, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n`);
  const curlNoCert = () => run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", certs.caFile, `${daemon.url}/api/v1/sd/secured`]);
  await waitFor(async () => (await curlNoCert()).code !== 0, { timeoutMs: 10_000, intervalMs: 100, description: "a client without a certificate is refused after the rewrite" });
  const withCert = await PrometheusProcess.start(join(dir, "p-cert"), consumer(`, cert_file: ${certs.clientCertFile}, key_file: ${certs.clientKeyFile}`));
  started.push(withCert);
  await waitFor(async () => (await targetsOf(withCert)).length === 3, { timeoutMs: 30_000, intervalMs: 250, description: `Prometheus lists the 3 targets with a client certificate: ${withCert.log.slice(-500)}` });
  const viaCurl = await run("curl", ["-sS", "--cacert", certs.caFile, "--cert", certs.clientCertFile, "--key", certs.clientKeyFile, `${daemon.url}/api/v1/sd/secured`]);
  assert.match(viaCurl.stdout, /"env":"<b>prod<\/b>"/);
});

test("promsd run with a bad web.yml exits 1 and says which file, line and key", async (t) => {
  const dir = await tempDir(t, "promsd-web-bad-");
  const webYml = join(dir, "web.yml");
  await writeFile(webYml, "tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n");
  await writeFile(join(dir, "prometheus.yml"), PROMSD_CONFIG);
  const lines: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (fields: Record<string, unknown>, message: string) => void lines.push(`${message} ${String(fields.err)}`), child: () => logger };
  const code = await runDaemon([`--config.file=${join(dir, "prometheus.yml")}`, `--web.config.file=${webYml}`, "--web.listen-address=127.0.0.1:0"], { logger, stdout: () => {}, stderr: () => {} });
  assert.equal(code, 1);
  assert.match(lines.join("\n"), new RegExp(`${webYml.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:4: tls_server_config\\.cipher_suites\\[0\\]: unknown cipher: TLS_RSA_WITH_RC4_128_SHA`));
});
