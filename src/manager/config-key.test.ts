import assert from "node:assert/strict";
import { test } from "node:test";
import { Secret } from "../config/secret.js";
import { canonicalConfigKey } from "./config-key.js";

const equalCases: { name: string; a: unknown; b: unknown }[] = [
  { name: "object key order is irrelevant", a: { x: 1, y: "a" }, b: { y: "a", x: 1 } },
  { name: "an undefined member equals an absent one", a: { x: 1, y: undefined }, b: { x: 1 } },
  { name: "Map entry order is irrelevant", a: new Map([["a", 1], ["b", 2]]), b: new Map([["b", 2], ["a", 1]]) },
  { name: "Set order is irrelevant", a: new Set(["a", "b"]), b: new Set(["b", "a"]) },
  { name: "equal secrets", a: { password: new Secret("pw") }, b: { password: new Secret("pw") } },
  { name: "nested arrays of objects", a: { files: ["/t/x.json"], tls: { ca: "c" } }, b: { tls: { ca: "c" }, files: ["/t/x.json"] } },
  { name: "equal URLs", a: { server: new URL("http://a:1/x") }, b: { server: new URL("http://a:1/x") } },
];

const differentCases: { name: string; a: unknown; b: unknown }[] = [
  { name: "secrets that differ", a: { password: new Secret("pw1") }, b: { password: new Secret("pw2") } },
  { name: "array order matters", a: { files: ["a", "b"] }, b: { files: ["b", "a"] } },
  { name: "bigint versus its string", a: { n: 5n }, b: { n: "5" } },
  { name: "number versus string", a: { n: 5 }, b: { n: "5" } },
  { name: "NaN versus null", a: { n: Number.NaN }, b: { n: null } },
  { name: "URLs that differ", a: { server: new URL("http://a:1/x") }, b: { server: new URL("http://a:2/x") } },
  { name: "a Map versus a plain object", a: new Map([["a", 1]]), b: { a: 1 } },
  { name: "an empty string member versus an absent one", a: { x: "" }, b: {} },
];

for (const c of equalCases) {
  test(`config-key: equal keys when ${c.name}`, () => assert.equal(canonicalConfigKey(c.a), canonicalConfigKey(c.b)));
}
for (const c of differentCases) {
  test(`config-key: different keys for ${c.name}`, () => assert.notEqual(canonicalConfigKey(c.a), canonicalConfigKey(c.b)));
}

test("config-key: the key never contains a secret's plaintext", () => {
  const key = canonicalConfigKey({ token: new Secret("hunter2-very-secret") });
  assert.ok(!key.includes("hunter2"), key);
  assert.match(key, /secret:[0-9a-f]{64}/);
});

test("config-key: throws on a cyclic value", () => {
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  assert.throws(() => canonicalConfigKey(cyclic), TypeError);
});

test("config-key: a shared (non-cyclic) sub-object is fine", () => {
  const shared = { a: 1 };
  assert.equal(canonicalConfigKey({ x: shared, y: shared }), canonicalConfigKey({ x: { a: 1 }, y: { a: 1 } }));
});
