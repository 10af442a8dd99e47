import assert from "node:assert/strict";
import { test } from "node:test";
import { splitHostPort } from "./split-host-port.js";

// Expected results are Go net.SplitHostPort's.
const cases: readonly (readonly [string, string, string] | readonly [string, { error: string }])[] = [
  ["host:80", "host", "80"],
  ["h:", "h", ""],
  [":80", "", "80"],
  ["[::1]:443", "::1", "443"],
  ["[fe80::1%eth0]:80", "fe80::1%eth0", "80"],
  ["[::1]:", "::1", ""],
  ["host", { error: "address host: missing port in address" }],
  ["", { error: "address : missing port in address" }],
  ["::1", { error: "address ::1: too many colons in address" }],
  ["a:b:c", { error: "address a:b:c: too many colons in address" }],
  ["[::1]", { error: "address [::1]: missing port in address" }],
  ["[::1", { error: "address [::1: missing ']' in address" }],
  ["[::1]:80:90", { error: "address [::1]:80:90: too many colons in address" }],
  ["[::1]x:80", { error: "address [::1]x:80: missing port in address" }],
  ["a[b:80", { error: "address a[b:80: unexpected '[' in address" }],
  ["a]b:80", { error: "address a]b:80: unexpected ']' in address" }],
  ["[a]b]:80", { error: "address [a]b]:80: missing port in address" }],
  ["[a[b]:80", { error: "address [a[b]:80: unexpected '[' in address" }],
];

for (const [input, host, port] of cases) {
  test(`splitHostPort: ${JSON.stringify(input)}`, () => {
    const got = splitHostPort(input);
    if (typeof host === "string") assert.deepEqual(got, { ok: true, host, port });
    else assert.deepEqual(got, { ok: false, error: host.error });
  });
}
