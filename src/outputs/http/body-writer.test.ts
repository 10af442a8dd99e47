import assert from "node:assert/strict";
import { request, type IncomingMessage } from "node:http";
import { test } from "node:test";
import { CHUNK_BYTES } from "./body-writer.js";
import { Router, streamedJsonResponse, type HttpResponse } from "./router.js";
import { HttpServer } from "./server.js";

async function serve(t: { after: (fn: () => Promise<void>) => void }, handler: () => HttpResponse): Promise<HttpServer> {
  const server = await HttpServer.listen(new Router().add("GET", "/body", handler).add("HEAD", "/body", handler), { host: "127.0.0.1", port: 0 });
  t.after(() => server.close());
  return server;
}

function get(url: string, method = "GET"): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => request(url, { method, agent: false }, resolve).on("error", reject).end());
}

async function readAll(res: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of res) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

test("body writer: strings and buffers arrive byte-exact and in order, chunk-encoded without a known length", async (t) => {
  const pieces = ["[", "€ü\u{1F600}".repeat(20_000), ",", Buffer.from('"raw bytes"'), ...Array.from({ length: 5000 }, (_, i) => `,${i}`), "]"];
  const server = await serve(t, () => streamedJsonResponse(() => pieces.filter((p): p is string => typeof p === "string")));
  const res = await get(`${server.url}/body`);
  assert.equal(res.headers["transfer-encoding"], "chunked");
  assert.equal(res.headers["content-length"], undefined);
  assert.equal((await readAll(res)).toString(), pieces.filter((p) => typeof p === "string").join(""));

  const mixed = await serve(t, () => ({ status: 200, headers: {}, body: "", chunks: () => pieces, contentLength: Buffer.byteLength(pieces.join("")) }));
  const withLength = await get(`${mixed.url}/body`);
  assert.equal(withLength.headers["content-length"], String(Buffer.byteLength(pieces.join(""))));
  assert.equal((await readAll(withLength)).toString(), pieces.join(""));
  const head = await get(`${mixed.url}/body`, "HEAD");
  assert.equal((await readAll(head)).length, 0);
});

test("body writer: a client that disconnects mid-body stops the producer, which waited for the socket to drain", async (t) => {
  let produced = 0;
  let stopped!: () => void;
  const producerStopped = new Promise<void>((resolve) => (stopped = resolve));
  // Endless: only backpressure lets the event loop see the disconnect, and only the disconnect ends it.
  function* endless(): Generator<string> {
    try {
      for (;;) {
        produced++;
        yield "x".repeat(1024);
      }
    } finally {
      stopped();
    }
  }
  const server = await serve(t, () => streamedJsonResponse(endless));
  const res = await get(`${server.url}/body`);
  const first = await new Promise<Buffer>((resolve) => res.once("data", resolve));
  assert.ok(first.length > 0);
  res.destroy();
  await producerStopped;
  const producedAtStop = produced;
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(produced, producedAtStop, "nothing is produced after the generator ended");
  // Bounded by the socket buffers and one chunk, far below what an unbounded writer would pile up.
  assert.ok(producedAtStop * 1024 < 64 * 1024 * 1024, `produced ${producedAtStop} KiB before stopping`);
  assert.ok(producedAtStop * 1024 >= CHUNK_BYTES);
});
