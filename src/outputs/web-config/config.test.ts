import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError } from "../../errors.js";
import { parseWebConfigText } from "./config.js";
import { parseGoDuration } from "./go-duration.js";
import { loadWebConfigFile } from "./web-config-source.js";

const FIXTURES = join(import.meta.dirname, "fixtures");
const TOOLKIT = join(FIXTURES, "exporter-toolkit");
interface LoadCase {
  readonly name: string;
  readonly file: string;
  readonly error: string | null;
  readonly line?: number;
}
const cases = (JSON.parse(readFileSync(join(FIXTURES, "exporter-toolkit-cases.json"), "utf8")) as { load: LoadCase[] }).load;

for (const c of cases) {
  test(`exporter-toolkit case: ${c.name}`, async () => {
    const file = join(TOOLKIT, c.file);
    if (c.error === null) {
      await loadWebConfigFile(file);
      return;
    }
    await assert.rejects(loadWebConfigFile(file), (error: unknown) => {
      assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
      assert.match(error.message, new RegExp(c.error ?? ""));
      assert.ok(error.message.startsWith(file), `the message names the file: ${error.message}`);
      if (c.line !== undefined) assert.equal(error.at.line, c.line, error.message);
      return true;
    });
  });
}

const parse = (text: string) => parseWebConfigText(text, "web.yml", "/etc/promsd");

test("defaults are exporter-toolkit's: TLS 1.2-1.3, server cipher order, HTTP/2, no users, no limiter", () => {
  const config = parse("");
  assert.equal(config.tls.isEnabled, false);
  assert.equal(config.tls.minVersion, "TLS12");
  assert.equal(config.tls.maxVersion, "TLS13");
  assert.equal(config.tls.preferServerCipherSuites, true);
  assert.equal(config.http2, true);
  assert.equal(config.users.size, 0);
  assert.deepEqual(config.rateLimit, { intervalMs: 0, burst: 0 });
});

test("relative file paths join with the config's directory; absolute ones stay", () => {
  const config = parse("tls_server_config:\n  cert_file: a.crt\n  key_file: /abs/a.key\n");
  assert.equal(config.tls.certFile, "/etc/promsd/a.crt");
  assert.equal(config.tls.keyFile, "/abs/a.key");
});

test("an unknown key names file, line and key, with a suggestion", () => {
  assert.throws(() => parse("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_versoin: TLS12\n"), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /^web\.yml:4: tls_server_config\.min_versoin: .*field min_versoin not found in type web\.TLSConfig.*did you mean "min_version"/s);
    return true;
  });
});

test("client_auth_type: the five policies, the legacy RequireClientCert alias, anything else is an error", () => {
  const base = "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: ";
  for (const t of ["NoClientCert", "RequestClientCert", "RequireAnyClientCert", "VerifyClientCertIfGiven", "RequireAndVerifyClientCert"]) {
    assert.equal(parse(base + t).tls.clientAuthType, t);
  }
  assert.equal(parse(`${base}RequireClientCert`).tls.clientAuthType, "RequireAnyClientCert");
  assert.throws(() => parse(`${base}Whatever`), /web\.yml:4: tls_server_config\.client_auth_type: invalid ClientAuth: Whatever/);
});

test("min_version above max_version is refused at load, not at the first handshake", () => {
  assert.throws(() => parse("tls_server_config:\n  cert_file: a\n  key_file: b\n  min_version: TLS13\n  max_version: TLS12\n"), /no supported versions satisfy MinVersion and MaxVersion/);
});

test("bcrypt hashes: $2y$ (htpasswd), $2a$, $2b$ accepted; Go's messages for bad ones, at the user's line", () => {
  const hash = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
  for (const v of ["2y", "2a", "2b"]) assert.equal(parse(`basic_auth_users:\n  u: ${hash.replace("2y", v)}\n`).users.size, 1);
  assert.throws(() => parse(`basic_auth_users:\n  ok: ${hash}\n  u: ${hash.replace("$10$", "$03$")}\n`), /web\.yml:3: basic_auth_users\.u: crypto\/bcrypt: cost 3 is outside allowed range \(4,31\)/);
  assert.throws(() => parse(`basic_auth_users:\n  u: "x${hash.slice(1)}"\n`), /bcrypt hashes must start with '\$'/);
  assert.throws(() => parse(`basic_auth_users:\n  u: ${hash.replace("$2y", "$3y")}\n`), /version '3' requested is newer than current version '2'/);
});

test("the unknown-user hash has the cost most users have, and is not any user's hash", () => {
  const h = (cost: string) => `$2y$${cost}$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi`;
  const config = parse(`basic_auth_users:\n  a: ${h("12")}\n  b: ${h("12")}\n  c: ${h("05")}\n`);
  assert.match(config.unknownUserHash, /^\$2y\$12\$[./A-Za-z0-9]{53}$/);
  assert.notEqual(config.unknownUserHash, h("12"));
});

test("secrets never print: the inline key and the password hashes are Secrets", () => {
  const config = parse("tls_server_config:\n  cert: c\n  key: PLANTED-KEY\nbasic_auth_users:\n  u: $2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi\n");
  const shown = JSON.stringify({ tls: config.tls, users: Object.fromEntries(config.users) }) + String(config.tls.key);
  assert.doesNotMatch(shown, /PLANTED-KEY|QOauhQ/);
});

test("rate_limit.interval takes Go durations (a bare integer is nanoseconds, as go-yaml decodes time.Duration)", () => {
  assert.equal(parse("rate_limit:\n  interval: 1s\n  burst: 3\n").rateLimit.intervalMs, 1000);
  assert.equal(parse("rate_limit:\n  interval: 1m30s\n").rateLimit.intervalMs, 90_000);
  assert.equal(parse("rate_limit:\n  interval: 1000000\n").rateLimit.intervalMs, 1);
  assert.throws(() => parse("rate_limit:\n  interval: 1d\n"), /web\.yml:2: rate_limit\.interval: .*cannot unmarshal !!str `1d` into time\.Duration/s);
  assert.equal(parseGoDuration("1.5h"), 5_400_000);
  assert.equal(parseGoDuration("-2ms"), -2);
  assert.equal(parseGoDuration("300µs"), 0.3);
  for (const bad of ["", "1", "s", "1s2", "1.s.", "++1s"]) assert.equal(parseGoDuration(bad), undefined, bad);
});

test("header names are matched as written (Go map lookup), values with control characters refused", () => {
  assert.throws(() => parse("http_server_config:\n  headers:\n    x-frame-options: deny\n"), /HTTP header "x-frame-options" can not be configured/);
  assert.throws(() => parse('http_server_config:\n  headers:\n    Content-Security-Policy: "a\\nb"\n'), /control characters/);
});
