import assert from "node:assert/strict";
import { test } from "node:test";
import { fc, mutatedBytes, parsesOrThrowsTyped, runFuzz } from "../../testing/fuzz.js";
import { decodeReply, encodeQuery, MalformedReplyError } from "./wire.js";

/** A reply to `query` with one A record whose owner is a compression pointer back to the question. */
function replyWithA(query: Buffer): Buffer {
  const reply = Buffer.concat([query, Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1])]);
  reply.writeUInt16BE(0x8180, 2);
  reply.writeUInt16BE(1, 6);
  reply.writeUInt16BE(0, 10); // no additional section (drops the EDNS record the query may carry)
  return reply;
}

const SEEDS = [replyWithA(encodeQuery(1, "a.example.", "A", false)), replyWithA(encodeQuery(2, "_x._tcp.b.example.", "SRV", true))];

test("fuzz DNS wire: decoding a reply returns records or throws MalformedReplyError, never anything else", (t) => {
  const input = fc.oneof(mutatedBytes(SEEDS), fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)));
  runFuzz(t, "DNS reply", input, (bytes) => {
    const reply = parsesOrThrowsTyped(decodeReply, bytes, [MalformedReplyError]);
    if (reply) assert.ok(JSON.stringify(reply).length <= 64 * bytes.length + 256);
  });
});

test("fuzz DNS wire: a query encoded, marked as a reply, decodes with its id and no answers", (t) => {
  const label = fc.stringMatching(/^[a-z0-9_-]{1,20}$/);
  const input = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.array(label, { minLength: 1, maxLength: 5 }), fc.constantFrom("A", "AAAA", "SRV", "MX", "NS" as const), fc.boolean());
  runFuzz(t, "DNS query round trip", input, ([id, labels, type, edns]) => {
    const query = encodeQuery(id, `${labels.join(".")}.`, type, edns);
    query.writeUInt16BE(query.readUInt16BE(2) | 0x8000, 2);
    const reply = decodeReply(query);
    assert.equal(reply.id, id);
    assert.equal(reply.answers.length, 0);
  });
});
