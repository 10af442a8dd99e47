/**
 * bench/web-config: what `--web.config.file` costs a consumer (issue 15). A promsd child process (dist/)
 * serves one static job of BENCH_TARGETS targets; BENCH_CLIENTS keep-alive clients poll its http_sd for
 * BENCH_SECONDS each round, as Prometheus does: without a web config, with basic auth (one user, cost 10:
 * the verified-credentials cache must keep ≥ 0.9× the plain rate), and with TLS + basic auth. Then the cost
 * of a new connection: BENCH_CONNECTIONS sequential requests each on a fresh connection, plain vs TLS.
 * Writes a markdown fragment to BENCH_RESULT_FILE.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bcrypt from "bcryptjs";
import { generateTestCerts } from "../../src/http/test-support.js";
import { freeLoopbackPort } from "../../src/daemon/prometheus-process.js";

const TARGETS = Number(process.env.BENCH_TARGETS ?? 200);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const PASSWORD = "bench-password";

interface Setup {
  readonly name: string;
  readonly webYml: string | undefined;
  readonly tls: boolean;
  readonly auth: boolean;
}

async function startPromsd(dir: string, setup: Setup): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freeLoopbackPort();
  const args = ["dist/cli/main.js", "run", `--config.file=${join(dir, "prometheus.yml")}`, `--web.listen-address=127.0.0.1:${port}`, "--discovery.update-interval=0s", "--scrape.discovery-reload-interval=0s", "--log.level=error"];
  if (setup.webYml) {
    await writeFile(join(dir, `${setup.name}.yml`), setup.webYml);
    args.push(`--web.config.file=${join(dir, `${setup.name}.yml`)}`);
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  const url = `${setup.tls ? "https" : "http"}://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const status = await get(url, "/-/ready", setup, undefined).catch(() => 0);
    if (status === 200) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, stop: () => new Promise<void>((resolve) => (child.once("exit", () => resolve()), child.kill("SIGTERM"))) };
}

let caPem = "";

function get(url: string, path: string, setup: Setup, agent: HttpAgent | undefined): Promise<number> {
  const auth = setup.auth ? { authorization: `Basic ${Buffer.from(`bench:${PASSWORD}`).toString("base64")}` } : {};
  return new Promise((resolve, reject) => {
    const options = { agent, headers: auth, ...(setup.tls ? { ca: caPem } : {}) };
    const req = (setup.tls ? httpsRequest : httpRequest)(`${url}${path}`, options, (res) => {
      res.resume().on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

async function pollRate(url: string, setup: Setup): Promise<number> {
  const agent = setup.tls ? new HttpsAgent({ keepAlive: true, maxSockets: CLIENTS, ca: caPem }) : new HttpAgent({ keepAlive: true, maxSockets: CLIENTS });
  const deadline = performance.now() + SECONDS * 1000;
  let count = 0;
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < deadline) {
      const status = await get(url, "/api/v1/sd/bench", setup, agent);
      if (status !== 200) throw new Error(`${setup.name}: status ${status}`);
      count++;
    }
  }));
  agent.destroy();
  return count / SECONDS;
}

async function newConnectionMs(url: string, setup: Setup): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < CONNECTIONS; i++) {
    const agent = setup.tls ? new HttpsAgent({ keepAlive: false, ca: caPem }) : new HttpAgent({ keepAlive: false });
    await get(url, "/-/healthy", setup, agent);
    agent.destroy();
  }
  return (performance.now() - started) / CONNECTIONS;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "promsd-bench-web-"));
  try {
    const certs = generateTestCerts(dir);
    caPem = certs.ca;
    const targets = Array.from({ length: TARGETS }, (_, i) => `"10.0.${Math.floor(i / 250)}.${i % 250}:9100"`).join(", ");
    await writeFile(join(dir, "prometheus.yml"), `scrape_configs:\n  - job_name: bench\n    static_configs: [{targets: [${targets}], labels: {env: prod}}]\n`);
    const users = `basic_auth_users:\n  bench: ${bcrypt.hashSync(PASSWORD, 10)}\n`;
    const tlsBlock = `tls_server_config:\n  cert_file: ${certs.serverCertFile}\n  key_file: ${certs.serverKeyFile}\n`;
    const setups: Setup[] = [
      { name: "plain", webYml: undefined, tls: false, auth: false },
      { name: "basic-auth", webYml: users, tls: false, auth: true },
      { name: "tls", webYml: tlsBlock, tls: true, auth: false },
      { name: "tls-basic-auth", webYml: tlsBlock + users, tls: true, auth: true },
    ];
    const results: { setup: Setup; rate: number; connectMs: number }[] = [];
    for (const setup of setups) {
      const promsd = await startPromsd(dir, setup);
      try {
        await pollRate(promsd.url, { ...setup }); // warm-up round (JIT, the bcrypt cache)
        const rate = await pollRate(promsd.url, setup);
        const connectMs = await newConnectionMs(promsd.url, setup);
        results.push({ setup, rate, connectMs });
      } finally {
        await promsd.stop();
      }
    }
    const base = results[0];
    if (!base) throw new Error("no results");
    const byName = (name: string) => results.find((r) => r.setup.name === name);
    const lines = [
      `http_sd polling of one job (${TARGETS} targets) by ${CLIENTS} keep-alive clients for ${SECONDS} s per setup (after a warm-up round); new-connection cost from ${CONNECTIONS} sequential requests on fresh connections. promsd in a child process (dist/), clients in the bench process, same machine.`,
      "",
      "| setup | requests/s | vs plain | ms per new connection | vs plain |",
      "|---|---:|---:|---:|---:|",
      ...results.map((r) => `| ${r.setup.name} | ${r.rate.toFixed(0)} | ${(r.rate / base.rate).toFixed(2)}× | ${r.connectMs.toFixed(2)} | ${(r.connectMs / base.connectMs).toFixed(2)}× |`),
      "",
      `Basic auth keeps ${((byName("basic-auth")?.rate ?? 0) / base.rate).toFixed(2)}× the unauthenticated polling rate (goal ≥ 0.90×: the verified-credentials cache answers repeat logins without bcrypt). A TLS handshake makes a new connection ${((byName("tls")?.connectMs ?? 0) / base.connectMs).toFixed(1)}× as expensive as a plain one; keep-alive consumers pay it once.`,
    ];
    const out = lines.join("\n");
    console.log(out);
    if (process.env.BENCH_RESULT_FILE) writeFileSync(process.env.BENCH_RESULT_FILE, `${out}\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
