import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { CHUNK_BYTES } from "./body-writer.js";
import { encodePieces, gzipChunks } from "./byte-chunks.js";

const cases: { name: string; pieces: string[] }[] = [
  { name: "nothing", pieces: [] },
  { name: "empty pieces", pieces: ["", "", ""] },
  { name: "one small piece", pieces: ["[]"] },
  { name: "many pieces with multi-byte characters across chunk ends", pieces: Array.from({ length: 30_000 }, (_, i) => `,"€${i}\u{1F600}ü"`) },
  { name: "a piece larger than a chunk between small ones", pieces: ["[", "x".repeat(CHUNK_BYTES * 2 + 7), ",", "é".repeat(CHUNK_BYTES), "]"] },
];

for (const c of cases) {
  test(`byte chunks: ${c.name} encode to the UTF-8 of the joined text, hashed and gzipped alike`, async () => {
    const whole = Buffer.from(c.pieces.join(""));
    const encoded = encodePieces(c.pieces);
    assert.deepEqual(Buffer.concat(encoded.chunks), whole);
    assert.equal(encoded.byteLength, whole.length);
    assert.equal(encoded.sha1, createHash("sha1").update(whole).digest("base64url"));
    for (const chunk of encoded.chunks.slice(0, -1)) assert.ok(chunk.length > 0 && (chunk.length <= CHUNK_BYTES || c.pieces.some((p) => Buffer.byteLength(p) === chunk.length)));
    assert.deepEqual(gunzipSync(Buffer.concat(await gzipChunks(encoded.chunks))), whole);
  });
}
