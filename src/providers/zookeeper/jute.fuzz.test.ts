import assert from "node:assert/strict";
import { test } from "node:test";
import { fc, mutatedText, parsesOrThrowsTyped, runFuzz } from "../../testing/fuzz.js";
import { JuteReader, JuteWriter } from "./jute.js";
import { checkMember } from "./members.js";

/** What the client reads from a reply frame: header fields, then a path, children and a data buffer. */
function readReply(bytes: Buffer): unknown[] {
  const reader = new JuteReader(bytes);
  return [reader.int(), reader.long(), reader.int(), reader.string(), reader.strings(), reader.buffer()?.length, reader.bool(), reader.remaining];
}

test("fuzz ZooKeeper jute: reading a frame returns values or throws RangeError (past the end), never anything else", (t) => {
  const frame = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
    fc.tuple(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 5 }), fc.integer({ min: -5, max: 1 << 30 }))
      .map(([xid, zxid, children, count]) => new JuteWriter().int(xid).long(zxid).int(0).buffer(Buffer.from("/p")).int(count).buffer(Buffer.from(children.join(""))).framed().subarray(4)),
  );
  runFuzz(t, "jute frame", frame, (bytes) => void parsesOrThrowsTyped(readReply, bytes, [RangeError]));
});

test("fuzz ZooKeeper jute: written values read back", (t) => {
  const values = fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.string({ maxLength: 30 }), fc.boolean());
  runFuzz(t, "jute round trip", values, ([n, big, text, flag]) => {
    const reader = new JuteReader(new JuteWriter().int(n).long(big).buffer(Buffer.from(text, "utf8")).bool(flag).framed().subarray(4));
    assert.deepEqual([reader.int(), reader.long(), reader.string(), reader.bool(), reader.remaining], [n, big, Buffer.from(text, "utf8").toString("utf8"), flag, 0]);
  });
});

const MEMBER_SEEDS = [
  '{"serviceEndpoint":{"host":"10.0.0.1","port":8080},"additionalEndpoints":{"http":{"host":"10.0.0.1","port":80}},"status":"ALIVE","shard":1}',
  '{"host":"10.0.0.2","port":9000,"name":"api"}',
];

test("fuzz ZooKeeper member data (serverset, nerve JSON): checking never throws", (t) => {
  const input = fc.tuple(fc.constantFrom("serverset", "nerve" as const), fc.oneof(mutatedText(MEMBER_SEEDS, fc.constantFrom('"', ",", ":", "{", "}", "null", "1e400", "-1", "\\u0000")), fc.json()));
  runFuzz(t, "zookeeper member", input, ([format, text]) => void parsesOrThrowsTyped(([f, s]: [typeof format, string]) => checkMember(f, "/services/a/member_0001", Buffer.from(s)), [format, text], []));
});
