import assert from "node:assert/strict";
import { test } from "node:test";
import { nginxConfig } from "./nginx.js";

const options = { dir: "/tmp/b", root: "/tmp/b/www", port: 8123, workers: 1, runAsRoot: false };

test("nginxConfig listens on loopback only, on the given port", () => {
  const listens = nginxConfig(options).split("\n").filter((line) => /^\s*listen\s/.test(line));
  assert.deepEqual(listens.map((l) => l.trim()), ["listen 127.0.0.1:8123;"]);
});

test("nginxConfig keeps every file nginx writes inside the bench's directory", () => {
  const config = nginxConfig(options);
  const paths = [...config.matchAll(/(?:pid|error_log|_temp_path|root) (\/\S+?);?(?:\s|$)/g)].map((m) => m[1] ?? "");
  assert.ok(paths.length >= 7, config);
  for (const path of paths) assert.ok(path.startsWith("/tmp/b/"), path);
});

test("nginxConfig runs in the foreground and as root only when asked", () => {
  assert.match(nginxConfig(options), /^daemon off;/);
  assert.doesNotMatch(nginxConfig(options), /user root/);
  assert.match(nginxConfig({ ...options, runAsRoot: true }), /^user root;$/m);
});
