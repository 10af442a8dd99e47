import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import type { IncomingHttpHeaders } from "node:http";
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { inspect } from "node:util";
import { Registry } from "prom-client";
import { SourceError } from "../errors.js";
import type { Logger } from "../logging.js";
import { tempDir } from "../testing/temp-dir.js";
import { createHttpClient, HttpStatusError, type HttpClient, type HttpClientOptions } from "./http-client.js";
import { createNoProxyMatcher } from "./proxy.js";
import { generateTestCerts, httpClientConfig, requestBody, startServer, type Handler, type TestCerts, type TestServer } from "./test-support.js";

const LIMIT = 1 << 20;

async function server(t: TestContext, handler: Handler, options: Parameters<typeof startServer>[1] = {}): Promise<TestServer> {
  const started = await startServer(handler, options);
  t.after(() => started.close());
  return started;
}

function client(t: TestContext, yaml = "", options: Partial<HttpClientOptions> & { configDir?: string } = {}): HttpClient {
  const { configDir, ...rest } = options;
  const created = createHttpClient(httpClientConfig(yaml, configDir === undefined ? {} : { configDir }), { dialerName: "test", ...rest });
  t.after(() => created.close());
  return created;
}

/** A server that records the headers of every request and answers `ok`. */
async function recordingServer(t: TestContext, host = "127.0.0.1"): Promise<TestServer & { seen: IncomingHttpHeaders[]; paths: string[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const paths: string[] = [];
  const started = await server(t, (request, response) => {
    seen.push(request.headers);
    paths.push(request.url ?? "");
    response.end("ok");
  }, { host });
  return Object.assign(started, { seen, paths });
}

async function failure(promise: Promise<unknown>): Promise<SourceError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SourceError) return error;
    throw error;
  }
  assert.fail("expected a SourceError");
}

const signal = AbortSignal.timeout(60_000);
async function testCerts(t: TestContext): Promise<TestCerts> {
  return generateTestCerts(await tempDir(t));
}

test("http client: sends a GET with promsd's User-Agent, caller headers, no Accept-Encoding", async (t) => {
  const remote = await recordingServer(t);
  const response = await client(t).request(`${remote.origin}/x?a=1#frag`, { signal, maxBodyBytes: LIMIT, headers: { Accept: "application/json" } });
  assert.equal(response.status, 200);
  assert.equal(response.statusText, "OK");
  assert.equal(response.body.toString(), "ok");
  assert.equal(response.headers["content-length"], "2");
  assert.deepEqual(remote.paths, ["/x?a=1"]);
  const headers = remote.seen[0] ?? {};
  assert.match(headers["user-agent"] ?? "", /^promsd\/\d/);
  assert.equal(headers["accept"], "application/json");
  assert.equal(headers["accept-encoding"], undefined);
  assert.equal(headers["host"], `127.0.0.1:${remote.port}`);
});

test("http client: credentials from the HTTP client block", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "password"), "  file-pass\n");
  await writeFile(join(dir, "token"), "file-token\n");
  await writeFile(join(dir, "header"), "from-file\n");
  const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
  const cases: { name: string; yaml: string; want: Record<string, string | undefined> }[] = [
    { name: "basic auth", yaml: "basic_auth: {username: u, password: p}", want: { authorization: basic("u", "p") } },
    { name: "basic auth password_file (trimmed)", yaml: "basic_auth: {username: u, password_file: password}", want: { authorization: basic("u", "file-pass") } },
    { name: "authorization credentials", yaml: "authorization: {credentials: abc}", want: { authorization: "Bearer abc" } },
    { name: "authorization with a type", yaml: "authorization: {type: Token, credentials_file: token}", want: { authorization: "Token file-token" } },
    { name: "bearer_token", yaml: "bearer_token: xyz", want: { authorization: "Bearer xyz" } },
    { name: "bearer_token_file", yaml: "bearer_token_file: token", want: { authorization: "Bearer file-token" } },
    {
      name: "http_headers values, secrets and files", yaml: "http_headers: {X-A: {values: [v1, v2]}, X-B: {secrets: [s]}, X-C: {files: [header]}}",
      want: { "x-a": "v1, v2", "x-b": "s", "x-c": "from-file", authorization: undefined },
    },
    { name: "nothing configured", yaml: "", want: { authorization: undefined } },
  ];
  const remote = await recordingServer(t);
  for (const c of cases) {
    await client(t, c.yaml, { configDir: dir }).request(remote.origin, { signal, maxBodyBytes: LIMIT });
    const seen = remote.seen.at(-1) ?? {};
    for (const [name, value] of Object.entries(c.want)) assert.equal(seen[name], value, `${c.name}: ${name}`);
  }
});

test("http client: credential files are read again on every request", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "token"), "one");
  const remote = await recordingServer(t);
  const http = client(t, "authorization: {credentials_file: token}", { configDir: dir });
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  await writeFile(join(dir, "token"), "two");
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  assert.deepEqual(remote.seen.map((h) => h.authorization), ["Bearer one", "Bearer two"]);
});

test("http client: a missing credentials file fails the request without leaking anything", async (t) => {
  const remote = await recordingServer(t);
  const error = await failure(client(t, "authorization: {credentials_file: /nonexistent/token}").request(remote.origin, { signal, maxBodyBytes: LIMIT }));
  assert.equal(error.code, "PROMSD_SOURCE_HTTP_CREDENTIALS");
  assert.equal(remote.seen.length, 0);
});

test("http client: oauth2 client credentials, token cached until it expires", async (t) => {
  const tokenRequests: { authorization: string | undefined; body: string }[] = [];
  let expiresIn = 3600;
  const tokens = await server(t, (request, response) => {
    void requestBody(request).then((body) => {
      tokenRequests.push({ authorization: request.headers.authorization, body });
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ access_token: `tok${tokenRequests.length}`, token_type: "bearer", expires_in: expiresIn }));
    });
  });
  const remote = await recordingServer(t);
  const http = client(t, `oauth2: {client_id: id, client_secret: "s e", token_url: "${tokens.origin}/token", scopes: [a, b], endpoint_params: {aud: x}}`);
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  assert.equal(tokenRequests.length, 1);
  assert.equal(tokenRequests[0]?.authorization, `Basic ${Buffer.from("id:s+e").toString("base64")}`);
  assert.equal(tokenRequests[0]?.body, "grant_type=client_credentials&scope=a+b&aud=x");
  assert.deepEqual(remote.seen.map((h) => h.authorization), ["Bearer tok1", "Bearer tok1"]);
  // A token within 10 s of its expiry is refreshed, as golang.org/x/oauth2 does.
  expiresIn = 5;
  const short = client(t, `oauth2: {client_id: id, client_secret: s, token_url: "${tokens.origin}/token"}`);
  await short.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  await short.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  assert.equal(tokenRequests.length, 3);
});

test("http client: redirects keep credentials on the same host and drop them for another host", async (t) => {
  const other = await recordingServer(t, "127.0.0.2");
  const same = await recordingServer(t);
  const start = await server(t, (request, response) => {
    const target = request.url === "/same" ? `${same.origin}/landed` : `${other.origin}/landed`;
    response.writeHead(302, { location: target }).end();
  });
  const yaml = "basic_auth: {username: u, password: topsecret}\nhttp_headers: {X-Plain: {values: [p]}, X-Secret: {secrets: [hidden]}}";
  const http = client(t, yaml);
  const sameResponse = await http.request(`${start.origin}/same`, { signal, maxBodyBytes: LIMIT, headers: { Cookie: "c=1" } });
  assert.equal(sameResponse.body.toString(), "ok");
  assert.ok(same.seen[0]?.authorization?.startsWith("Basic "));
  assert.equal(same.seen[0]?.["x-secret"], "hidden");
  assert.equal(same.seen[0]?.cookie, "c=1");
  const otherResponse = await http.request(`${start.origin}/other`, { signal, maxBodyBytes: LIMIT, headers: { Cookie: "c=1", Authorization: "token=t" } });
  assert.equal(otherResponse.status, 200);
  const seen = other.seen[0] ?? {};
  assert.equal(seen.authorization, undefined);
  assert.equal(seen.cookie, undefined);
  assert.equal(seen["x-secret"], undefined);
  assert.equal(seen["x-plain"], "p");
  assert.deepEqual(other.paths, ["/landed"]);
});

test("http client: follow_redirects false returns the redirect; more than 10 redirects fail", async (t) => {
  let hops = 0;
  const loop = await server(t, (_request, response) => {
    hops++;
    response.writeHead(307, { location: "/again" }).end();
  });
  const response = await client(t, "follow_redirects: false").request(loop.origin, { signal, maxBodyBytes: LIMIT });
  assert.equal(response.status, 307);
  assert.equal(response.headers["location"], "/again");
  hops = 0;
  const error = await failure(client(t).request(loop.origin, { signal, maxBodyBytes: LIMIT }));
  assert.equal(error.code, "PROMSD_SOURCE_HTTP_REDIRECT");
  assert.match(error.message, /stopped after 10 redirects/);
  assert.equal(hops, 10);
});

test("http client: faults become SourceErrors with stable codes", async (t) => {
  const remote = await server(t, (request, response) => {
    switch (request.url) {
      case "/big-declared":
        response.writeHead(200, { "content-length": "2000" }).end("x".repeat(2000));
        return;
      case "/big-chunked":
        response.write("x".repeat(600));
        response.end("x".repeat(600));
        return;
      case "/truncated":
        response.writeHead(200, { "content-length": "100" });
        response.write("only ten b");
        setTimeout(() => response.destroy(), 20);
        return;
      case "/slow":
        setTimeout(() => response.end("late"), 5_000).unref();
        return;
      default:
        response.end("fine");
    }
  });
  const closedPort = await new Promise<number>((resolve) => {
    const probe = createNetServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo; // a TCP server
      probe.close(() => resolve(port));
    });
  });
  const http = client(t);
  const cases: { name: string; url: string; timeoutMs?: number; code: string }[] = [
    { name: "declared oversized body", url: `${remote.origin}/big-declared`, code: "PROMSD_SOURCE_HTTP_TOO_LARGE" },
    { name: "streamed oversized body", url: `${remote.origin}/big-chunked`, code: "PROMSD_SOURCE_HTTP_TOO_LARGE" },
    { name: "truncated body", url: `${remote.origin}/truncated`, code: "PROMSD_SOURCE_HTTP_NETWORK" },
    { name: "timeout", url: `${remote.origin}/slow`, timeoutMs: 100, code: "PROMSD_SOURCE_HTTP_TIMEOUT" },
    { name: "connection refused", url: `http://127.0.0.1:${closedPort}/`, code: "PROMSD_SOURCE_HTTP_NETWORK" },
    { name: "unsupported scheme", url: "ftp://127.0.0.1/", code: "PROMSD_SOURCE_HTTP_NETWORK" },
  ];
  for (const c of cases) {
    const options = { signal, maxBodyBytes: 1000, ...(c.timeoutMs === undefined ? {} : { timeoutMs: c.timeoutMs }) };
    const error = await failure(http.request(c.url, options));
    assert.equal(error.code, c.code, `${c.name}: ${error.message}`);
  }
  assert.equal((await http.request(`${remote.origin}/`, { signal, maxBodyBytes: 4 })).body.toString(), "fine");
});

test("http client: aborting the caller's signal rejects with its reason", async (t) => {
  const remote = await server(t, () => {}); // never answers
  const controller = new AbortController();
  const pending = client(t).request(remote.origin, { signal: controller.signal, maxBodyBytes: LIMIT });
  const reason = new Error("stopped by test");
  setTimeout(() => controller.abort(reason), 20);
  await assert.rejects(pending, (error) => error === reason);
});

test("http client: TLS with ca_file, inline ca, server_name, insecure_skip_verify and client certificates", async (t) => {
  const c = await testCerts(t);
  const seenCerts: boolean[] = [];
  const remote = await server(t, (request, response) => {
    seenCerts.push((request.socket as import("node:tls").TLSSocket).getPeerCertificate().subject !== undefined);
    response.end("secure");
  }, { tls: { cert: c.serverCert, key: c.serverKey, ca: c.ca, requestCert: true, rejectUnauthorized: false } });
  const ok: { name: string; yaml: string }[] = [
    { name: "ca_file", yaml: `tls_config: {ca_file: ${c.caFile}}` },
    { name: "inline ca (v3)", yaml: `tls_config: {ca: ${JSON.stringify(c.ca)}}` },
    { name: "server_name matching a DNS SAN", yaml: `tls_config: {ca_file: ${c.caFile}, server_name: promsd.test}` },
    { name: "insecure_skip_verify", yaml: "tls_config: {insecure_skip_verify: true}" },
    { name: "client certificate", yaml: `tls_config: {ca_file: ${c.caFile}, cert_file: ${c.clientCertFile}, key_file: ${c.clientKeyFile}}` },
    { name: "TLS 1.3 only", yaml: `tls_config: {ca_file: ${c.caFile}, min_version: TLS13}` },
  ];
  for (const o of ok) {
    const response = await client(t, o.yaml).request(remote.origin, { signal, maxBodyBytes: LIMIT });
    assert.equal(response.body.toString(), "secure", o.name);
  }
  assert.deepEqual(seenCerts.at(-2), true);
  const bad: { name: string; yaml: string }[] = [
    { name: "unknown CA", yaml: "" },
    { name: "server_name not in the certificate", yaml: `tls_config: {ca_file: ${c.caFile}, server_name: other.test}` },
  ];
  for (const b of bad) {
    const error = await failure(client(t, b.yaml).request(remote.origin, { signal, maxBodyBytes: LIMIT }));
    assert.equal(error.code, "PROMSD_SOURCE_HTTP_NETWORK", b.name);
  }
});

/** A tiny HTTP proxy: forwards absolute-URI requests and opens CONNECT tunnels; records what it saw. */
async function startProxy(t: TestContext): Promise<TestServer & { seen: { method: string; url: string; headers: IncomingHttpHeaders }[] }> {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const proxy = await server(t, (request, response) => {
    seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    const target = new URL(request.url ?? "");
    void fetch(target, { headers: { "x-via": "proxy" } }).then(async (answer) => {
      response.writeHead(answer.status).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  proxy.server.on("connect", (request: import("node:http").IncomingMessage, socket: Socket) => {
    seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers });
    const [host = "", port = "0"] = (request.url ?? "").split(":");
    const upstream = netConnect(Number(port), host, () => {
      socket.write("HTTP/1.1 200 Connection established\r\n\r\n");
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  return Object.assign(proxy, { seen });
}

test("http client: proxy_url proxies http requests and tunnels https with CONNECT", async (t) => {
  const c = await testCerts(t);
  const proxy = await startProxy(t);
  const plain = await recordingServer(t);
  const secure = await server(t, (_request, response) => response.end("tunnelled"), { tls: { cert: c.serverCert, key: c.serverKey } });
  const yaml = `proxy_url: http://pu:pp@127.0.0.1:${proxy.port}\nproxy_connect_header: {X-Connect: [c1]}\ntls_config: {ca_file: ${c.caFile}}`;
  const http = client(t, yaml);
  assert.equal((await http.request(`${plain.origin}/p?q=1`, { signal, maxBodyBytes: LIMIT })).body.toString(), "ok");
  assert.equal(proxy.seen[0]?.method, "GET");
  assert.equal(proxy.seen[0]?.url, `${plain.origin}/p?q=1`);
  assert.equal(proxy.seen[0]?.headers["proxy-authorization"], `Basic ${Buffer.from("pu:pp").toString("base64")}`);
  assert.equal(plain.seen[0]?.["x-via"], "proxy");
  assert.equal((await http.request(`${secure.origin}/s`, { signal, maxBodyBytes: LIMIT })).body.toString(), "tunnelled");
  assert.equal(proxy.seen[1]?.method, "CONNECT");
  assert.equal(proxy.seen[1]?.url, `127.0.0.1:${secure.port}`);
  assert.equal(proxy.seen[1]?.headers["x-connect"], "c1");
});

test("http client: no_proxy matching follows Go's httpproxy rules", () => {
  const cases: { noProxy: string; url: string; exempt: boolean }[] = [
    { noProxy: "*", url: "http://anything:1/", exempt: true },
    { noProxy: "example.com", url: "http://example.com/", exempt: true },
    { noProxy: "example.com", url: "http://a.example.com/", exempt: true },
    { noProxy: "example.com", url: "http://notexample.com/", exempt: false },
    { noProxy: ".example.com", url: "http://example.com/", exempt: false },
    { noProxy: ".example.com", url: "http://a.example.com/", exempt: true },
    { noProxy: "*.example.com", url: "http://a.example.com/", exempt: true },
    { noProxy: "example.com:8080", url: "http://example.com:8080/", exempt: true },
    { noProxy: "example.com:8080", url: "http://example.com/", exempt: false },
    { noProxy: "10.0.0.0/8", url: "http://10.1.2.3/", exempt: true },
    { noProxy: "10.0.0.0/8", url: "http://11.1.2.3/", exempt: false },
    { noProxy: "192.168.1.1, foo", url: "http://192.168.1.1:9/", exempt: true },
    { noProxy: "::1", url: "http://[::1]:80/", exempt: true },
    { noProxy: "", url: "http://example.com/", exempt: false },
  ];
  for (const c of cases) assert.equal(createNoProxyMatcher(c.noProxy)(new URL(c.url)), c.exempt, `${c.noProxy} vs ${c.url}`);
});

test("http client: counts dials in net_conntrack_dialer_* with its dialer_name", async (t) => {
  const registry = new Registry();
  const remote = await recordingServer(t);
  const http = client(t, "", { registry, dialerName: "http" });
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT });
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT }); // reuses the keep-alive connection
  await failure(http.request("http://127.0.0.1:1/", { signal, maxBodyBytes: LIMIT }));
  const text = await registry.metrics();
  assert.match(text, /net_conntrack_dialer_conn_attempted_total\{dialer_name="http"\} 2/);
  assert.match(text, /net_conntrack_dialer_conn_established_total\{dialer_name="http"\} 1/);
  assert.match(text, /net_conntrack_dialer_conn_failed_total\{dialer_name="http",reason="refused"\} 1/);
});

test("http client: secrets never appear in errors, logs or inspected configs", async (t) => {
  const dir = await tempDir(t);
  await writeFile(join(dir, "pw"), "FILE-SECRET-42");
  const lines: string[] = [];
  const record = (fields: Record<string, unknown>, message: string): void => void lines.push(`${message} ${inspect(fields, { depth: 5 })}`);
  const logger: Logger = { debug: record, info: record, warn: record, error: record, child: () => logger };
  const yaml = "basic_auth: {username: u, password: INLINE-SECRET-42}\nhttp_headers: {X-S: {secrets: [HEADER-SECRET-42]}}";
  const errors: SourceError[] = [];
  const http = client(t, yaml, { configDir: dir, logger });
  errors.push(await failure(http.request("http://u:URL-SECRET-42@127.0.0.1:1/", { signal, maxBodyBytes: LIMIT })));
  const fileClient = client(t, "basic_auth: {username: u, password_file: pw}", { configDir: dir, logger });
  errors.push(await failure(fileClient.request("http://127.0.0.1:1/", { signal, maxBodyBytes: LIMIT })));
  const text = [...errors.map((e) => `${e.message} ${inspect(e, { depth: 5 })}`), ...lines, inspect(httpClientConfig(yaml), { depth: 8 }), JSON.stringify(httpClientConfig(yaml))].join("\n");
  for (const secret of ["INLINE-SECRET-42", "HEADER-SECRET-42", "URL-SECRET-42", "FILE-SECRET-42"]) assert.ok(!text.includes(secret), `${secret} leaked`);
  assert.match(errors[0]?.message ?? "", /u:xxxxx@127\.0\.0\.1/);
});

test("http client: stream yields chunks, enforces the line cap and reports non-2xx statuses", async (t) => {
  const remote = await server(t, (request, response) => {
    if (request.url === "/gone") {
      response.writeHead(410, { "content-type": "application/json" }).end('{"reason":"Expired"}');
      return;
    }
    const line = request.url === "/long" ? "x".repeat(200) : "event";
    response.write(`${line}\n`);
    setTimeout(() => response.end(`${line}\n`), 20);
  });
  const http = client(t);
  const chunks: string[] = [];
  for await (const chunk of http.stream(`${remote.origin}/ok`, { signal, maxBodyBytes: LIMIT, maxLineBytes: 100 })) chunks.push(chunk.toString());
  assert.equal(chunks.join(""), "event\nevent\n");
  const consume = async (path: string): Promise<unknown> => {
    for await (const _ of http.stream(`${remote.origin}${path}`, { signal, maxBodyBytes: LIMIT, maxLineBytes: 100 }));
    return undefined;
  };
  assert.equal((await failure(consume("/long"))).code, "PROMSD_SOURCE_HTTP_TOO_LARGE");
  const gone = await failure(consume("/gone"));
  assert.ok(gone instanceof HttpStatusError);
  assert.equal(gone.status, 410);
  assert.equal(gone.body.toString(), '{"reason":"Expired"}');
});

test("http client: close() leaves no sockets or timers behind", async (t) => {
  const remote = await recordingServer(t);
  const before = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
  const http = createHttpClient(httpClientConfig(""), { dialerName: "test" });
  await http.request(remote.origin, { signal, maxBodyBytes: LIMIT, timeoutMs: 10_000 });
  http.close();
  http.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length;
  assert.ok(after <= before, `sockets before ${before}, after ${after}`);
});

test("http client: socketPath sends every http: request over that unix socket, Host from the URL, proxies ignored", async (t) => {
  const dir = await tempDir(t);
  const socketPath = join(dir, "api.sock");
  const seen: { host: string | undefined; url: string | undefined; method: string | undefined }[] = [];
  const { createServer } = await import("node:http");
  const unixServer = createServer((request, response) => {
    seen.push({ host: request.headers.host, url: request.url, method: request.method });
    response.setHeader("api-version", "1.41");
    response.end(request.method === "HEAD" ? undefined : "ok");
  });
  await new Promise<void>((resolve) => unixServer.listen(socketPath, resolve));
  t.after(() => new Promise<void>((resolve) => unixServer.close(() => resolve())));
  const http = client(t, "proxy_url: http://127.0.0.1:1", { socketPath });
  const signal = new AbortController().signal;
  const get = await http.request("http://docker/v1.41/containers/json?all=1", { signal, maxBodyBytes: LIMIT });
  const head = await http.request("http://docker/_ping", { method: "HEAD", signal, maxBodyBytes: LIMIT });
  assert.equal(get.body.toString(), "ok");
  assert.equal(head.headers["api-version"], "1.41");
  assert.deepEqual(seen, [{ host: "docker", url: "/v1.41/containers/json?all=1", method: "GET" }, { host: "docker", url: "/_ping", method: "HEAD" }]);
});
