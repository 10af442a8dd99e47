import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { test } from "node:test";
import { promisify } from "node:util";
import { startServer } from "../http/test-support.js";
import { openLoopbackNetns } from "./loopback-netns.js";
import { tempDir } from "./temp-dir.js";

const run = promisify(execFile);
const FETCH = "fetch(process.argv[1]).then(async (r) => console.log(r.status, await r.text()), (e) => console.log('unreachable', e.cause?.code ?? e.message))";

test("loopback netns: a program inside reaches the bridged fakes at their own addresses, and nothing else", async (t) => {
  const dir = await tempDir(t);
  const bridged = await startServer((_request, response) => response.end("bridged"));
  t.after(() => bridged.close());
  const other = await startServer((_request, response) => response.end("other"));
  t.after(() => other.close());
  const netns = await openLoopbackNetns(dir, [bridged.port]);
  t.after(() => netns.close());
  const inside = async (url: string): Promise<string> => {
    const [command = "", ...prefix] = netns.commandPrefix;
    return (await run(command, [...prefix, process.execPath, "-e", FETCH, url])).stdout.trim();
  };
  assert.equal(await inside(`${bridged.origin}/`), "200 bridged");
  assert.equal(await inside(`${other.origin}/`), "unreachable ECONNREFUSED");
  assert.match(await inside("http://192.0.2.1:80/"), /^unreachable (ENETUNREACH|EHOSTUNREACH)/);
});
