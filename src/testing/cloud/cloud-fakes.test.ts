import assert from "node:assert/strict";
import { test } from "node:test";
import { createHttpClient } from "../../http/http-client.js";
import { httpClientConfig, requestBody, startServer } from "../../http/test-support.js";
import { tempDir } from "../temp-dir.js";
import { startConnectProxy } from "./connect-proxy.js";
import { startTlsFake } from "./tls-fake.js";

test("cloud fakes: a fixed API host is reached through the CONNECT proxy at the TLS fake, never the network", async (t) => {
  const dir = await tempDir(t);
  const fake = await startTlsFake(dir, ["api.example.test"], (request, response) => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ host: request.headers.host, path: request.url }));
  });
  t.after(() => fake.close());
  const proxy = await startConnectProxy({ target: fake.port });
  t.after(() => proxy.close());
  const client = createHttpClient(httpClientConfig(`proxy_url: ${proxy.url}\ntls_config: {ca_file: ${fake.certs.caFile}}`), { dialerName: "test" });
  t.after(() => client.close());
  const response = await client.request("https://api.example.test/v1/servers?page=1", { signal: AbortSignal.timeout(5000), maxBodyBytes: 1 << 20 });
  assert.equal(response.status, 200);
  assert.deepEqual(JSON.parse(response.body.toString()), { host: "api.example.test", path: "/v1/servers?page=1" });
  assert.deepEqual(proxy.connects, ["api.example.test:443"]);
});

test("http client: a POST body is sent, and a 303 answer turns it into a GET without body", async (t) => {
  const seen: string[] = [];
  const server = await startServer(async (request, response) => {
    const body = await requestBody(request);
    seen.push(`${request.method} ${request.url} ${body}`);
    if (request.url === "/rpc") response.writeHead(303, { location: "/result" }).end();
    else response.writeHead(200).end("ok");
  });
  t.after(() => server.close());
  const client = createHttpClient(httpClientConfig(""), { dialerName: "test" });
  t.after(() => client.close());
  const response = await client.request(`${server.origin}/rpc`, { method: "POST", body: "<call/>", signal: AbortSignal.timeout(5000), maxBodyBytes: 1024 });
  assert.equal(response.body.toString(), "ok");
  assert.deepEqual(seen, ["POST /rpc <call/>", "GET /result "]);
});
