/**
 * TLS behaviour of `--web.config.file` against real clients (curl and openssl s_client), with
 * exporter-toolkit's own testdata: versions, cipher suites and their order, curves, the client-auth
 * policies, client SANs, and a rewrite taking effect on new connections without a restart.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { curl, handshake, run, serveWithWebConfig, type GuardedServer } from "./test-support.js";

const clientCert = (name: string) => ["--cert", `${name}.pem`, "--key", `${name}.key`];

async function body(server: GuardedServer, args: readonly string[] = []): Promise<string> {
  const result = await curl(server, "/", args);
  return result.code === 0 ? result.stdout : `curl exit ${result.code}: ${result.stderr.trim()}`;
}

test("valid TLS config: HTTPS works, TLS 1.3 by default, plain HTTP to the TLS port gets no answer", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth.good.yml");
  assert.equal(await body(served), "Hello World!");
  assert.equal((await handshake(served))?.protocol, "TLSv1.3");
  const plain = await run("curl", ["-sS", "--max-time", "5", `${served.server.url.replace("https:", "http:")}/`]);
  assert.notEqual(plain.stdout, "Hello World!");
});

test("cert and key inline (cert/key instead of cert_file/key_file)", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth_tlsInline.good.yml");
  // The inline pair is the toolkit's own, whose CA OpenSSL refuses to verify; loading it is the point here.
  assert.equal(await body(served, ["--insecure"]), "Hello World!");
});

test("a TLS 1.1 client is refused by the default min_version TLS12; max_version TLS12 caps at 1.2", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth.good.yml");
  assert.equal(await handshake(served, ["-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"]), undefined);
  const capped = await serveWithWebConfig(t, "web_config_noAuth_someCiphers.good.yml");
  assert.equal((await handshake(capped))?.protocol, "TLSv1.2");
  assert.equal(await handshake(capped, ["-tls1_3"]), undefined);
});

test("cipher_suites: only the listed suites, in the server's order unless prefer_server_cipher_suites is false", async (t) => {
  const ordered = await serveWithWebConfig(t, "web_config_noAuth_someCiphers.good.yml");
  assert.equal(await body(ordered, ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-AES256-GCM-SHA384"]), "Hello World!");
  assert.match(await body(ordered, ["--tls-max", "1.2", "--ciphers", "ECDHE-RSA-CHACHA20-POLY1305"]), /curl exit/);
  // Client prefers AES256; the server's list puts AES128 first and wins.
  const clientOrder = "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256";
  assert.equal((await handshake(ordered, ["-cipher", clientOrder]))?.cipher, "ECDHE-RSA-AES128-GCM-SHA256");
  const unordered = await serveWithWebConfig(t, "web_config_noAuth_someCiphers_noOrder.good.yml");
  assert.equal((await handshake(unordered, ["-cipher", clientOrder]))?.cipher, "ECDHE-RSA-AES256-GCM-SHA384");
});

test("all of Go's cipher names load and serve; TLS 1.3 suites stay on as in Go", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth_allCiphers.good.yml");
  assert.equal(await body(served), "Hello World!");
  assert.equal((await handshake(served, ["-tls1_2", "-cipher", "ECDHE-RSA-AES128-SHA"]))?.cipher, "ECDHE-RSA-AES128-SHA");
  assert.equal((await handshake(served, ["-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256"]))?.cipher, "TLS_CHACHA20_POLY1305_SHA256");
});

test("curve_preferences: a client without a common curve is refused", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth_someCurves.good.yml");
  assert.equal(await body(served, ["--curves", "P-521"]), "Hello World!");
  assert.match(await body(served, ["--curves", "X25519"]), /curl exit/);
  const all = await serveWithWebConfig(t, "web_config_noAuth_allCurves.good.yml");
  for (const curve of ["P-256", "P-384", "P-521", "X25519"]) assert.equal(await body(all, ["--curves", curve]), "Hello World!", curve);
});

test("RequireAnyClientCert: any certificate (even self-signed, unverified) is accepted, none is refused", async (t) => {
  const served = await serveWithWebConfig(t, "tls_config_noAuth.requireanyclientcert.good.yml");
  assert.equal(await body(served, clientCert("client_selfsigned")), "Hello World!");
  assert.match(await body(served), /curl exit/);
});

test("RequireAndVerifyClientCert: a certificate signed by client_ca_file is accepted; none, or another, is refused", async (t) => {
  const served = await serveWithWebConfig(t, "tls_config_noAuth.requireandverifyclientcert.good.yml");
  assert.equal(await body(served, clientCert("client_selfsigned")), "Hello World!");
  assert.match(await body(served), /curl exit/);
  assert.match(await body(served, clientCert("client2_selfsigned")), /curl exit/);
});

test("VerifyClientCertIfGiven: no certificate is fine, an unverifiable one is refused", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth.good.yml");
  assert.equal(await body(served), "Hello World!");
  assert.match(await body(served, clientCert("client_selfsigned")), /curl exit/);
});

test("client_allowed_sans: a certificate with an allowed SAN passes, one without is refused", async (t) => {
  const good = await serveWithWebConfig(t, "web_config_auth_client_san.good.yaml");
  assert.equal(await body(good, clientCert("client2_selfsigned")), "Hello World!");
  const bad = await serveWithWebConfig(t, "web_config_auth_client_san.bad.yaml");
  assert.match(await body(bad, clientCert("client2_selfsigned")), /curl exit/);
});

test("exporter-toolkit TestConfigReloading: a rewrite applies to new connections without a restart", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth.good.blocking.yml");
  assert.match(await body(served), /curl exit/);
  await served.rewrite("web_config_noAuth.good.yml");
  assert.equal(await body(served), "Hello World!");
});

test("a TLS web config that turns invalid refuses new connections (fail closed), then recovers", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_noAuth.good.yml");
  await served.rewrite("web_config_noAuth_certPath_invalid.bad.yml");
  assert.match(await body(served), /curl exit/);
  await served.rewrite("web_config_empty.yml"); // TLS removed while serving TLS: also refused
  assert.match(await body(served), /curl exit/);
  await served.rewrite("web_config_noAuth.good.yml");
  assert.equal(await body(served), "Hello World!");
});

test("basic auth over TLS: curl with --user, and a 401 without", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_users.good.yml");
  assert.equal(await body(served, ["--user", "alice:alice123"]), "Hello World!");
  const denied = await curl(served, "/", ["-o", "/dev/null", "-w", "%{http_code}"]);
  assert.equal(denied.stdout, "401");
});
