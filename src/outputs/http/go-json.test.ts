import assert from "node:assert/strict";
import { test } from "node:test";
import { goJsonString, labelsJson } from "./go-json.js";

const cases: { input: string; html: string; plain: string }[] = [
  { input: "plain", html: '"plain"', plain: '"plain"' },
  { input: "<a&b>", html: '"\\u003ca\\u0026b\\u003e"', plain: '"<a&b>"' },
  { input: "l\u2028s\u2029", html: '"l\\u2028s\\u2029"', plain: '"l\\u2028s\\u2029"' },
  { input: 'q"\\\n\t\u0001', html: '"q\\"\\\\\\n\\t\\u0001"', plain: '"q\\"\\\\\\n\\t\\u0001"' },
  { input: "lone\ud800", html: '"lone\ufffd"', plain: '"lone\ufffd"' },
];
for (const c of cases) {
  test(`go-json: escapes ${JSON.stringify(c.input)} like Go`, () => {
    assert.equal(goJsonString(c.input), c.html);
    assert.equal(goJsonString(c.input, false), c.plain);
  });
}

test("go-json: label objects keep label order, also for integer-like names", () => {
  assert.equal(labelsJson({ b: "1", "10": "x", a: "2", "2": "y", "\u{1F600}": "e", "\uFFFD": "r" }), '{"10":"x","2":"y","a":"2","b":"1","\uFFFD":"r","\u{1F600}":"e"}');
});
