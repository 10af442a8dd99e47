import assert from "node:assert/strict";
import { test } from "node:test";
import { createHttpClient } from "../http/http-client.js";
import { httpClientConfig, startServer } from "../http/test-support.js";
import { collectPages, fetchJson, retryAfterMs } from "./json-api.js";

test("cloud json: 429 is retried after Retry-After through the given wait, then the body is parsed", async (t) => {
  let calls = 0;
  const server = await startServer((_request, response) => {
    calls++;
    if (calls < 3) response.writeHead(429, { "retry-after": "7" }).end("slow down");
    else response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  t.after(() => server.close());
  const client = createHttpClient(httpClientConfig(""), { dialerName: "test" });
  t.after(() => client.close());
  const waits: number[] = [];
  const wait = async (ms: number): Promise<boolean> => (waits.push(ms), true);
  assert.deepEqual(await fetchJson(client, `${server.origin}/x`, { mechanism: "test", signal: AbortSignal.timeout(5000), wait }), { ok: true });
  assert.deepEqual(waits, [7000, 7000]);
});

test("cloud json: a 500 and a non-JSON body are SourceErrors with the mechanism and URL", async (t) => {
  const server = await startServer((request, response) => {
    if (request.url === "/500") response.writeHead(500).end("boom");
    else response.writeHead(200).end("<html>");
  });
  t.after(() => server.close());
  const client = createHttpClient(httpClientConfig(""), { dialerName: "test" });
  t.after(() => client.close());
  await assert.rejects(fetchJson(client, `${server.origin}/500`, { mechanism: "m", signal: AbortSignal.timeout(5000) }), { code: "PROMSD_SOURCE_HTTP_STATUS", message: /^m: .*\/500: server returned HTTP status 500 Internal Server Error: boom$/ });
  await assert.rejects(fetchJson(client, `${server.origin}/html`, { mechanism: "m", signal: AbortSignal.timeout(5000) }), { code: "PROMSD_SOURCE_BAD_BODY" });
});

test("cloud json: pages are collected until the cursor ends, and a cursor that never ends is cut off", async () => {
  const pages = new Map<string | undefined, { items: number[]; next: string | undefined }>([[undefined, { items: [1, 2], next: "2" }], ["2", { items: [3], next: undefined }]]);
  assert.deepEqual(await collectPages(async (cursor) => pages.get(cursor) ?? { items: [], next: undefined }, { mechanism: "m" }), [1, 2, 3]);
  let n = 0;
  await assert.rejects(collectPages(async () => ({ items: [n], next: String(++n) }), { mechanism: "m", maxPages: 5 }), { code: "PROMSD_SOURCE_TOO_MANY_PAGES" });
  assert.equal(retryAfterMs("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT")), 10_000);
});
