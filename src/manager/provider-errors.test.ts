import assert from "node:assert/strict";
import { test } from "node:test";
import { recordingLogger, settle, startHarness, type LogRecord } from "./manager-harness.js";
import { ProviderErrors } from "./provider-errors.js";

const cases: { name: string; calls: [level: "debug" | "info" | "warn" | "error", fields: Record<string, unknown>, message: string][]; count: number; last: string | undefined }[] = [
  { name: "debug and info are not errors", calls: [["debug", {}, "d"], ["info", {}, "i"]], count: 0, last: undefined },
  { name: "warn and error count, the latest wins", calls: [["warn", {}, "w"], ["error", {}, "e"]], count: 2, last: "e" },
  { name: "an Error in `err` adds its message", calls: [["error", { err: new Error("connection refused") }, "Error refreshing targets"]], count: 1, last: "Error refreshing targets: connection refused" },
  { name: "a string `err` adds itself", calls: [["warn", { err: "EOF" }, "read failed"]], count: 1, last: "read failed: EOF" },
  { name: "a `path` names the file", calls: [["error", { path: "/t/a.json", err: "unexpected end of JSON input" }, "Error reading file"]], count: 1, last: "Error reading file (/t/a.json): unexpected end of JSON input" },
];

for (const c of cases) {
  test(`provider-errors: ${c.name}`, () => {
    const records: LogRecord[] = [];
    const errors = new ProviderErrors(() => 42);
    const logger = errors.watch(recordingLogger(records)).child({ file: "x" });
    for (const [level, fields, message] of c.calls) logger[level](fields, message);
    assert.equal(errors.count, c.count);
    assert.deepEqual(errors.last, c.last === undefined ? undefined : { message: c.last, atMs: 42 });
    assert.equal(records.length, c.calls.length, "every call still reaches the real logger");
  });
}

test("provider-errors: providerStatuses shows what a provider's logger reported", async (t) => {
  const h = startHarness();
  t.after(() => h.manager.close());
  h.apply({ a: [{ files: ["/t/a.json"] }] });
  await settle();
  assert.deepEqual(h.manager.providerStatuses().map((p) => [p.errorCount, p.lastError]), [[0, undefined]]);
  h.file.created[0]?.deps.logger.error({ err: new Error("permission denied") }, "Error reading file");
  const [status] = h.manager.providerStatuses();
  assert.equal(status?.errorCount, 1);
  assert.equal(status?.lastError?.message, "Error reading file: permission denied");
});
