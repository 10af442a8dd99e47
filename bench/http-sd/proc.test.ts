import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { parseProcStat } from "../lib/proc-sampler.js";
import { treeCpuSeconds } from "./proc.js";

test("treeCpuSeconds adds the CPU of the children to the idle parent's", async () => {
  // sh idles in `wait` while its child burns 0.3 s of CPU (CPU time, not wall time, so load cannot shorten it).
  const busy = "while (process.cpuUsage().user < 300000); setTimeout(() => {}, 5000);";
  const parent = spawn("sh", ["-c", `${JSON.stringify(process.execPath)} -e '${busy}' & wait`]);
  const pid = parent.pid ?? 0;
  const deadline = Date.now() + 20_000;
  while (treeCpuSeconds(pid) < 0.3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const parentOnly = parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8")).cpuSeconds;
  const tree = treeCpuSeconds(pid);
  for (const child of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      if (parseProcStat(readFileSync(`/proc/${child}/stat`, "utf8")).parentPid === pid) process.kill(Number(child));
    } catch {} // exited meanwhile
  }
  await new Promise((resolve) => parent.once("exit", resolve));
  assert.ok(tree >= 0.3, `tree ${tree} s`);
  assert.ok(parentOnly < 0.1, `parent alone ${parentOnly} s`);
});
