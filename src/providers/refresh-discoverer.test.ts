import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import type { Logger } from "../logging.js";
import { silentLogger } from "../logging.js";
import { manualTicks, metricValue, pullUpdates, testDeps } from "../testing/index.js";
import { createRefreshDiscoverer } from "./refresh-discoverer.js";

function recordingLogger(lines: string[]): Logger {
  return { ...silentLogger, error: (fields: object, message: string) => lines.push(`error ${message} ${JSON.stringify(fields)}`), info: (_fields: object, message: string) => lines.push(`info ${message}`) } as Logger;
}

test("refresh discoverer: failures keep the last groups, are counted, and logged once per distinct error", async (t) => {
  const registry = new Registry();
  const lines: string[] = [];
  const answers: (string | Error)[] = ["a", new Error("down"), new Error("down"), new Error("other"), "b"];
  let opened = 0;
  const ticks = manualTicks();
  const discoverer = createRefreshDiscoverer({
    mechanism: "test",
    intervalMs: 1000,
    open: () => {
      opened++;
      return {
        refresh: async () => {
          const answer = answers.shift() ?? "b";
          if (answer instanceof Error) throw answer;
          return [{ source: answer, labels: {}, targets: [{ __address__: `${answer}:1` }] }];
        },
      };
    },
  }, testDeps({ registry, logger: recordingLogger(lines), sleep: ticks.sleep }));
  const updates = pullUpdates(t, discoverer);
  assert.deepEqual((await updates.next()).map((g) => g.source), ["a"]);
  const next = updates.next();
  for (let i = 0; i < 4; i++) ticks.tick();
  // After three failures, "b" replaces "a", which is sent empty.
  assert.deepEqual((await next).map((g) => [g.source, g.targets.length]), [["b", 1], ["a", 0]]);
  assert.equal(opened, 1);
  assert.equal(await metricValue(registry, "prometheus_sd_refresh_failures_total", { mechanism: "test" }), 3);
  assert.deepEqual(lines.map((l) => l.split(" {")[0]), ["error Unable to refresh target groups", "error Unable to refresh target groups", "info Refreshing target groups succeeded again"]);
  await updates.stop();
});

test("refresh discoverer: a refresh that hangs is cut off by the refresh timeout and counted", async (t) => {
  const registry = new Registry();
  const ticks = manualTicks();
  let calls = 0;
  const discoverer = createRefreshDiscoverer({
    mechanism: "hang",
    intervalMs: 1000,
    refreshTimeoutMs: 50,
    open: () => ({
      refresh: (signal) => {
        calls++;
        if (calls === 1) return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
        return Promise.resolve([{ source: "s", labels: {}, targets: [] }]);
      },
    }),
  }, testDeps({ registry, sleep: ticks.sleep }));
  const updates = pullUpdates(t, discoverer);
  const first = updates.next();
  ticks.tick();
  assert.deepEqual((await first).map((g) => g.source), ["s"]);
  assert.equal(await metricValue(registry, "prometheus_sd_refresh_failures_total", { mechanism: "hang" }), 1);
  await updates.stop();
});
