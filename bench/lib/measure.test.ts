import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { hasGnuTime, measureCommand, parseGnuTimeLine } from "./measure.js";
import { parseProcStat, parseStatusKilobytes, startTreeSampler, treePids } from "./proc-sampler.js";

const MIB = 1024 * 1024;
// Touches 200 MiB (fill writes every page, so it is resident) and burns CPU until 0.5 s of it is used.
const HUNGRY_SCRIPT =
  "const b = Buffer.alloc(200 * 1024 * 1024); b.fill(1); " +
  "while (process.cpuUsage().user < 500000) Math.sqrt(Math.random()); process.stdout.write('done ' + b[5]);";

test("measureCommand: sees the CPU, memory, exit code and stdout of a busy command", async () => {
  const dir = mkdtempSync(join(tmpdir(), "measure-test-"));
  try {
    const out = join(dir, "out.txt");
    const m = await measureCommand({ command: process.execPath, args: ["-e", HUNGRY_SCRIPT], stdoutPath: out });
    assert.equal(m.exitCode, 0);
    assert.equal(readFileSync(out, "utf8"), "done 1");
    assert.ok(m.peakRssBytes >= 200 * MIB, `peak RSS ${m.peakRssBytes / MIB} MiB`);
    assert.ok(m.cpuSeconds >= 0.4, `cpu ${m.cpuSeconds} s`);
    assert.ok(m.wallSeconds >= m.cpuSeconds * 0.5, "wall time covers the run");
    assert.equal(m.method, hasGnuTime() ? "gnu-time" : "proc-sampler");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("measureCommand: counts the memory of a child process when the command is a wrapper", async () => {
  const m = await measureCommand({ command: "sh", args: ["-c", `"${process.execPath}" -e "${HUNGRY_SCRIPT}"`] });
  assert.equal(m.exitCode, 0);
  assert.ok(m.peakRssBytes >= 200 * MIB, `peak RSS ${m.peakRssBytes / MIB} MiB`);
});

test("measureCommand: reports the exit code and stderr when the command fails", async () => {
  const m = await measureCommand({ command: "sh", args: ["-c", "echo oops >&2; exit 3"] });
  assert.deepEqual([m.exitCode, m.stderr.includes("oops"), m.killed], [3, true, false]);
});

test("measureCommand: kills the whole command when it outlives killAfterMs", async () => {
  const m = await measureCommand({ command: "sh", args: ["-c", "sleep 30; echo never"], killAfterMs: 200 });
  assert.equal(m.killed, true);
  assert.notEqual(m.exitCode, 0);
});

test("parseGnuTimeLine: reads wall, user, system and kilobytes, also after a signal notice", () => {
  assert.deepEqual(parseGnuTimeLine("1.50 1.20 0.10 2048\n"), { wall: 1.5, user: 1.2, system: 0.1, maxRssBytes: 2 * MIB });
  assert.deepEqual(
    parseGnuTimeLine("Command terminated by signal 9\n0.20 0.00 0.00 1024\n").maxRssBytes,
    MIB,
  );
  assert.throws(() => parseGnuTimeLine("garbage"), /unexpected GNU time output/);
});

test("parseProcStat: counts fields after the last parenthesis when the name contains spaces", () => {
  const line = "4242 (my (odd) cmd) S 17 4242 4242 0 -1 4194304 100 0 0 0 250 50 7 3 20 0 1 0 1 2 3";
  assert.deepEqual(parseProcStat(line), { pid: 4242, parentPid: 17, cpuSeconds: 3 });
});

test("parseStatusKilobytes: reads a kB line in bytes and 0 when the key is absent", () => {
  const status = "Name:\tnode\nVmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n";
  assert.deepEqual(
    [parseStatusKilobytes(status, "VmHWM"), parseStatusKilobytes(status, "VmRSS"), parseStatusKilobytes(status, "VmSwap")],
    [2 * MIB, MIB, 0],
  );
});

test("treePids: finds descendants at any depth and ignores unrelated processes", () => {
  const stats = [
    { pid: 1, parentPid: 0, cpuSeconds: 0 }, { pid: 10, parentPid: 1, cpuSeconds: 0 },
    { pid: 11, parentPid: 10, cpuSeconds: 0 }, { pid: 12, parentPid: 11, cpuSeconds: 0 },
    { pid: 20, parentPid: 1, cpuSeconds: 0 },
  ];
  assert.deepEqual(treePids(10, stats), [10, 11, 12]);
  assert.deepEqual(treePids(99, stats), []);
});

test("startTreeSampler: sees a live process's memory without GNU time", async () => {
  const child = spawn(process.execPath, ["-e", HUNGRY_SCRIPT], { stdio: "ignore" });
  const sampler = startTreeSampler(child.pid ?? -1, 10);
  await new Promise((resolve) => child.once("close", resolve));
  const usage = sampler.stop();
  assert.ok(usage.samples > 1);
  assert.ok(usage.peakProcessHwmBytes >= 200 * MIB, `HWM ${usage.peakProcessHwmBytes / MIB} MiB`);
  assert.ok(usage.cpuSecondsLowerBound > 0);
});
