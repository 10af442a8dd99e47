import assert from "node:assert/strict";
import { test } from "node:test";
import { hashmod } from "./hashmod.js";

// Spec core.md 3.6 (val, modulus, result).
const table: [string, bigint, bigint][] = [
  ["baz", 1000n, 976n], ["foo\nbar", 1000n, 734n], ["localhost:9090", 1000n, 618n], ["localhost:9090", 4n, 2n],
  ["10.0.0.1:9100", 3n, 2n], ["10.0.0.2:9100", 3n, 0n], ["10.0.0.3:9100", 3n, 2n], ["10.0.0.1:9100", 2n, 1n],
  ["", 10n, 8n], ["", 1000n, 958n], ["a;b", 16n, 10n], ["node-1:9100;prod", 5n, 4n], ["web-0.example.com:8080", 8n, 0n],
  ["héllo", 7n, 0n], ["x", 18446744073709551615n, 17710500428000290726n],
];

for (const [value, modulus, want] of table) {
  test(`hashmod: ${JSON.stringify(value)} mod ${modulus} is ${want}`, () => {
    assert.equal(hashmod(value, modulus), want);
  });
}

test("hashmod: modulus 1 is always 0", () => {
  assert.equal(hashmod("anything", 1n), 0n);
});

test("hashmod: a number modulus gives the same value as a number; a bad modulus is a RangeError", () => {
  for (const [value, modulus, want] of table) {
    if (modulus > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    const result: number = hashmod(value, Number(modulus));
    assert.equal(result, Number(want), `${value} mod ${modulus}`);
  }
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 60]) assert.throws(() => hashmod("x", bad), RangeError, String(bad));
  assert.throws(() => hashmod("x", 0n), RangeError);
});
