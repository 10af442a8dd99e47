import assert from "node:assert/strict";
import { test } from "node:test";
import { exposureWarning, isAuthenticated, isLoopbackHost } from "./exposure.js";

test("exposure: loopback hosts are recognised; every interface and other names are not loopback", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"]) assert.ok(isLoopbackHost(host), host);
  for (const host of ["", "0.0.0.0", "::", "10.0.0.1", "192.168.1.2", "example.com", "128.0.0.1", "::2"]) assert.ok(!isLoopbackHost(host), host);
});

test("exposure: a non-loopback listener warns about missing authentication, unless a web config requires it", () => {
  assert.equal(exposureWarning("127.0.0.1", undefined), undefined);
  assert.match(exposureWarning("", undefined) ?? "", /^Listening on every network interface: the web UI and every API .* reachable without authentication/);
  assert.match(exposureWarning("10.0.0.1", undefined) ?? "", /non-loopback address 10\.0\.0\.1/);
  assert.match(exposureWarning("0.0.0.0", { requiresAuthentication: false }) ?? "", /without authentication/, "TLS alone authenticates no one");
  assert.equal(exposureWarning("0.0.0.0", { requiresAuthentication: true }), undefined);
  assert.equal(isAuthenticated(undefined), false);
});
