import assert from "node:assert/strict";
import { test } from "node:test";
import { Secret } from "./config/secret.js";
import { createLogger, type LogFormat } from "./logging.js";

function collect(format: LogFormat, level: "debug" | "info" | "warn" | "error" = "info") {
  const lines: string[] = [];
  const logger = createLogger({ level, format, destination: { write: (text: string) => void lines.push(...text.split("\n").filter((l) => l !== "")) } });
  return { lines, logger };
}

test("logging json: one object per line, the level as text, fields and child bindings", () => {
  const { lines, logger } = collect("json");
  logger.debug({ x: 1 }, "hidden below info");
  logger.info({ job: "node", count: 2 }, "Discovered targets");
  logger.child({ component: "manager" }).error({ err: "boom" }, "failed");
  assert.equal(lines.length, 2, lines.join("\n"));
  const first = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
  assert.equal(first["level"], "info");
  assert.match(String(first["time"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  assert.deepEqual({ ...first, time: undefined }, { level: "info", time: undefined, job: "node", count: 2, msg: "Discovered targets" });
  const second = JSON.parse(lines[1] ?? "") as Record<string, unknown>;
  assert.deepEqual([second["level"], second["component"], second["msg"]], ["error", "manager", "failed"]);
});

test("logging json: warn and debug levels are text too", () => {
  const { lines, logger } = collect("json", "debug");
  logger.debug({}, "d");
  logger.warn({}, "w");
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { level: unknown }).level), ["debug", "warn"]);
});

test("logging logfmt: key=value pairs, quoting, errors by message, level filter, child bindings", () => {
  const { lines, logger } = collect("logfmt", "warn");
  logger.info({}, "hidden below warn");
  logger.child({ component: "file" }).warn({ path: "a b.json", err: new Error("no such file") }, "Error reading file");
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0] ?? "", /^ts=\d{4}-\d\d-\d\dT\S+Z level=warn component=file msg="Error reading file" path="a b.json" err="no such file"$/);
});

test("logging: a Secret logged as a field prints <secret>, in both formats", () => {
  for (const format of ["json", "logfmt"] as const) {
    const { lines, logger } = collect(format);
    logger.info({ password: new Secret("hunter2") }, "config");
    assert.equal(lines.length, 1);
    assert.ok(!(lines[0] ?? "").includes("hunter2"), `${format}: ${lines[0]}`);
    if (format === "json") assert.equal((JSON.parse(lines[0] ?? "") as { password: unknown }).password, "<secret>");
    else assert.match(lines[0] ?? "", / password=<secret>$/);
  }
});
