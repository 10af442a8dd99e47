import assert from "node:assert/strict";
import { test } from "node:test";
import { Secret } from "../../config/secret.js";
import { BasicAuthVerifier, parseBasicAuthorization } from "./basic-auth.js";
import { serveWithWebConfig } from "./test-support.js";

// exporter-toolkit's web_config_users_noTLS.good.yml: alice's password is alice123 (cost 12).
const ALICE_HASH = "$2y$12$1DpfPeqF9HzHJt.EWswy1exHluGfbhnn3yXhR7Xes6m3WJqFg0Wby";
const FAKE_HASH = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;

async function get(url: string, authorization?: string): Promise<Response> {
  const response = await fetch(url, { headers: authorization ? { authorization } : {} });
  await response.arrayBuffer();
  return response;
}

test("Authorization parsing follows Go's Request.BasicAuth (scheme case-insensitive, strict base64, first colon)", () => {
  assert.deepEqual(parseBasicAuthorization(basic("alice", "a:b")), { user: "alice", password: "a:b" });
  assert.deepEqual(parseBasicAuthorization(`bAsIc ${Buffer.from("u:p").toString("base64")}`), { user: "u", password: "p" });
  for (const bad of [undefined, "", "Bearer x", "Basic", "Basic !!!!", "Basic dQ", `Basic ${Buffer.from("nocolon").toString("base64")}`]) {
    assert.equal(parseBasicAuthorization(bad), undefined, String(bad));
  }
});

test("exporter-toolkit TestBasicAuthCache: good and bad logins, then 150 of each at once, each answered right", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_users_noTLS.good.yml");
  const url = `${served.server.url}/`;
  assert.equal((await get(url, basic("alice", "alice123"))).status, 200);
  const denied = await get(url, basic("alice", "alice1234"));
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get("www-authenticate"), "Basic");
  const logins = Array.from({ length: 150 }, () => [get(url, basic("alice", "alice123")), get(url, basic("alice", "alice1234"))]).flat();
  const statuses = (await Promise.all(logins)).map((r) => r.status);
  assert.deepEqual(statuses, Array.from({ length: 150 }, () => [200, 401]).flat());
  // Two distinct credentials, so two bcrypt runs in all: the cache and the in-flight sharing did the rest.
  assert.equal(served.guard.verifier.bcryptRuns, 2);
});

test("exporter-toolkit TestBasicAuthWithFakepassword: the unknown-user hash's password does not log in, cold or cached", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_users_noTLS.good.yml");
  for (let i = 0; i < 2; i++) assert.equal((await get(`${served.server.url}/`, basic("fakeuser", "fakepassword"))).status, 401);
});

test("exporter-toolkit TestByPassBasicAuthVuln (CVE-2022-46146): a poisoned cache entry does not let a wrong password in", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_users_noTLS.good.yml");
  const url = `${served.server.url}/`;
  assert.equal((await get(url, basic(`alice${ALICE_HASH}`, "fakepassword"))).status, 401);
  assert.equal((await get(url, basic("alice", `${FAKE_HASH}fakepassword`))).status, 401);
  assert.equal((await get(url, basic("alice", "alice123"))).status, 200);
});

test("no Authorization header, or another scheme: 401 with WWW-Authenticate: Basic and the security headers", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_users_noTLS.good.yml");
  for (const authorization of [undefined, "Bearer alice123"]) {
    const response = await get(`${served.server.url}/metrics`, authorization);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("www-authenticate"), "Basic");
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    assert.equal(response.headers.get("x-frame-options"), "deny");
  }
  assert.equal(served.guard.verifier.bcryptRuns, 0);
});

test("unknown users cost a bcrypt of the same cost as the known ones (no enumeration by timing)", async () => {
  const seen: string[] = [];
  const verifier = new BasicAuthVerifier({ compare: async (_password, hash) => (seen.push(hash), false) });
  const users = new Map([["alice", new Secret(ALICE_HASH)]]);
  const unknownHash = "$2y$12$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
  assert.equal(await verifier.verify(users, unknownHash, { user: "mallory", password: "x" }), false);
  assert.equal(await verifier.verify(users, unknownHash, { user: "alice", password: "x" }), false);
  assert.deepEqual(seen.map((h) => h.slice(0, 7)), ["$2y$12$", "$2y$12$"]);
});

test("the cache is bounded and keyed unambiguously: user/password splits never share an entry", async () => {
  let runs = 0;
  const verifier = new BasicAuthVerifier({ cacheSize: 3, compare: async (password) => (runs++, password === "right") });
  const users = new Map([["ab", new Secret(ALICE_HASH)], ["a", new Secret(ALICE_HASH)]]);
  assert.equal(await verifier.verify(users, FAKE_HASH, { user: "ab", password: "right" }), true);
  assert.equal(await verifier.verify(users, FAKE_HASH, { user: "a", password: "bright" }), false);
  assert.equal(runs, 2);
  for (let i = 0; i < 5; i++) await verifier.verify(users, FAKE_HASH, { user: "a", password: `p${i}` });
  assert.equal(runs, 7);
  // ab/right was evicted (3 entries kept), so it costs a bcrypt again.
  assert.equal(await verifier.verify(users, FAKE_HASH, { user: "ab", password: "right" }), true);
  assert.equal(runs, 8);
});

test("bcrypt runs off the event loop: a cached login is answered while an uncached one is being checked", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_users_noTLS.good.yml");
  const url = `${served.server.url}/`;
  assert.equal((await get(url, basic("alice", "alice123"))).status, 200); // now cached
  const order: string[] = [];
  const slow = get(url, basic("alice", "not-cached-yet")).then((r) => order.push(`uncached ${r.status}`));
  // Wait until the uncached check is in bcrypt, then ask with the cached credentials.
  while (served.guard.verifier.bcryptRuns < 2) await new Promise((resolve) => setImmediate(resolve));
  const fast = get(url, basic("alice", "alice123")).then((r) => order.push(`cached ${r.status}`));
  await Promise.all([slow, fast]);
  assert.deepEqual(order, ["cached 200", "uncached 401"]);
});

test("exporter-toolkit TestHTTPHeaders: configured headers on every response, 401s included", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_headers.good.yml");
  const response = await get(`${served.server.url}/`);
  assert.equal(response.status, 200);
  const expected = { "strict-transport-security": "max-age=31536000; includeSubDomains", "x-frame-options": "deny", "x-content-type-options": "nosniff", "x-xss-protection": "1", "content-security-policy": "default-src 'self' *.test.example.net" };
  for (const [name, value] of Object.entries(expected)) assert.equal(response.headers.get(name), value, name);
  await served.rewrite("http_server_config:\n  headers:\n    X-Frame-Options: sameorigin\nbasic_auth_users:\n  alice: " + ALICE_HASH + "\n", { isText: true });
  const denied = await get(`${served.server.url}/`);
  assert.equal(denied.status, 401);
  assert.equal(denied.headers.get("x-frame-options"), "sameorigin");
});

test("exporter-toolkit rate limiter cases: interval 0 never blocks; 1s with burst 0 answers 429 before any auth", async (t) => {
  const open = await serveWithWebConfig(t, "web_config_rate_limiter_nonblocking.yaml");
  for (let i = 0; i < 10; i++) assert.equal((await get(`${open.server.url}/`)).status, 200);
  const limited = await serveWithWebConfig(t, "web_config_rate_limiter_one_second.yaml");
  const statuses = [];
  for (let i = 0; i < 10; i++) statuses.push((await get(`${limited.server.url}/`)).status);
  assert.ok(statuses.includes(429), String(statuses));
  await limited.rewrite(`rate_limit:\n  interval: 1s\n  burst: 0\nbasic_auth_users:\n  alice: ${ALICE_HASH}\n`, { isText: true });
  assert.equal((await get(`${limited.server.url}/`, basic("alice", "wrong"))).status, 429);
  assert.equal(limited.guard.verifier.bcryptRuns, 0);
});

test("users change without a restart; a file that turns invalid fails closed (500) and recovers", async (t) => {
  const served = await serveWithWebConfig(t, "web_config_empty.yml");
  const url = `${served.server.url}/`;
  assert.equal((await get(url)).status, 200);
  await served.rewrite("web_config_users_noTLS.good.yml");
  assert.equal((await get(url)).status, 401);
  assert.equal((await get(url, basic("alice", "alice123"))).status, 200);
  await served.rewrite("web_config_junk_key.yml");
  assert.equal((await get(url, basic("alice", "alice123"))).status, 500);
  await served.rewrite("web_config_empty.yml");
  assert.equal((await get(url)).status, 200);
});
