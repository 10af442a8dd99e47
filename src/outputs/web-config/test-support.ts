/**
 * Test support: a "Hello World!" endpoint (exporter-toolkit's test handler) served through the real
 * server with a web config from a temp copy of the toolkit's testdata, and real clients (curl, openssl
 * s_client) run asynchronously, since the server lives in the test's own event loop. Files: the toolkit's
 * client certificates; server.crt/server.key/tls-ca-chain.pem are generated per test (see below).
 */
import { execFile, execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { copyFile, cp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { silentLogger, type Logger } from "../../logging.js";
import { createTempDir, tempDir, type CleanupScope } from "../../testing/temp-dir.js";
import { HttpServer } from "../http/server.js";
import { Router, textResponse } from "../http/router.js";
import { WebConfigSource } from "./web-config-source.js";
import { WebGuard } from "./web-guard.js";

/** Generated once per test process (RSA key generation is slow); removed when the process exits. */
let certsOnce: Promise<RsaServerCerts> | undefined;

export const TOOLKIT_FIXTURES = join(import.meta.dirname, "fixtures", "exporter-toolkit");

export interface GuardedServer {
  readonly server: HttpServer;
  readonly source: WebConfigSource;
  readonly guard: WebGuard;
  readonly dir: string;
  /** `web.yml` in `dir`, the file the server reads. */
  readonly webConfigFile: string;
  /** Rewrites web.yml with the contents of another fixture (or text) and waits until it is applied. */
  rewrite(fixtureOrText: string, options?: { isText?: boolean }): Promise<void>;
}

/** Serves "Hello World!" at every path behind the web config `fixture` (a file of TOOLKIT_FIXTURES). */
export async function serveWithWebConfig(t: CleanupScope & { after(fn: () => unknown): void }, fixture: string, options: { logger?: Logger } = {}): Promise<GuardedServer> {
  const dir = await tempDir(t, "promsd-web-config-");
  await cp(TOOLKIT_FIXTURES, dir, { recursive: true });
  // The toolkit's CA lacks the key usages OpenSSL checks (Go does not), so curl and openssl would refuse its
  // server certificate: the server pair and the CA are replaced by fresh RSA ones (the toolkit's cipher
  // lists are ECDHE-RSA suites), the server certificate valid for 127.0.0.1 and localhost.
  certsOnce ??= createTempDir("promsd-web-certs-").then((d) => {
    process.once("exit", () => rmSync(d.path, { recursive: true, force: true }));
    return generateRsaServerCerts(d.path);
  });
  const certs = await certsOnce;
  await copyFile(certs.serverCertFile, join(dir, "server.crt"));
  await copyFile(certs.serverKeyFile, join(dir, "server.key"));
  await copyFile(certs.caFile, join(dir, "tls-ca-chain.pem"));
  const webConfigFile = join(dir, "web.yml");
  await cp(join(TOOLKIT_FIXTURES, fixture), webConfigFile);
  const source = await WebConfigSource.open(webConfigFile, { logger: options.logger ?? silentLogger, recheckMs: 50 });
  const router = new Router().add("GET", "/", () => textResponse("Hello World!"), { isPrefix: true });
  const guard = new WebGuard(router, source);
  const server = await HttpServer.listen(guard, { host: "127.0.0.1", port: 0 }, source.servesTls ? { tls: source } : {});
  source.start();
  t.after(async () => {
    source.stop();
    await server.close();
  });
  return {
    server,
    source,
    guard,
    dir,
    webConfigFile,
    async rewrite(fixtureOrText, rewriteOptions = {}) {
      if (rewriteOptions.isText) await writeFile(webConfigFile, fixtureOrText);
      else await cp(join(TOOLKIT_FIXTURES, fixtureOrText), webConfigFile);
      await source.recheck();
    },
  };
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking the event loop; never rejects on a non-zero exit. */
export function run(command: string, args: readonly string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { cwd: options.cwd, timeout: options.timeoutMs ?? 10_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? "");
  });
}

/** curl against the server, trusting the toolkit's CA; `args` are extra curl options. Body in stdout. */
export function curl(server: GuardedServer, path: string, args: readonly string[] = []): Promise<CommandResult> {
  return run("curl", ["-sS", "--max-time", "5", "--cacert", join(server.dir, "tls-ca-chain.pem"), ...args, `${server.server.url}${path}`], { cwd: server.dir });
}

/** `openssl s_client` handshake; returns the negotiated protocol and cipher, or undefined when refused. */
export async function handshake(server: GuardedServer, args: readonly string[] = []): Promise<{ protocol: string; cipher: string } | undefined> {
  const { port } = server.server.address;
  const result = await run("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-CAfile", join(server.dir, "tls-ca-chain.pem"), "-verify_return_error", ...args], { cwd: server.dir, input: "Q\n" });
  const cipher = /Cipher is (\S+)/.exec(result.stdout)?.[1];
  const protocol = /Protocol\s*:\s*(\S+)/.exec(result.stdout)?.[1] ?? /^New, (\S+),/m.exec(result.stdout)?.[1];
  if (!cipher || cipher === "(NONE)" || !protocol) return undefined;
  return { protocol, cipher };
}

export interface RsaServerCerts {
  readonly caFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
}

/** A throwaway RSA CA and a server certificate for 127.0.0.1 and localhost, valid for a day. */
export function generateRsaServerCerts(dir: string): RsaServerCerts {
  const openssl = (...args: string[]): void => void execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=promsd-web-test-ca");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  execFileSync("sh", ["-c", "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > server.ext"], { cwd: dir });
  openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "server.ext");
  return { caFile: join(dir, "ca.crt"), serverCertFile: join(dir, "server.crt"), serverKeyFile: join(dir, "server.key") };
}
