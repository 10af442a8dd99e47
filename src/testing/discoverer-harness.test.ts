import assert from "node:assert/strict";
import { test } from "node:test";
import { Counter, Registry } from "prom-client";
import { ConfigError } from "../errors.js";
import { ConfigLocation } from "../yaml/location.js";
import type { TargetGroup } from "../model/target-group.js";
import { collectGroups, configProblem, manualTicks, metricValue, pullUpdates } from "./index.js";

test("manualTicks: a sleep ends on tick, a tick before the sleep is kept, an abort ends it with false", async () => {
  const ticks = manualTicks();
  const stop = new AbortController();
  const first = ticks.sleep(1000, stop.signal);
  ticks.tick();
  assert.equal(await first, true);
  ticks.tick();
  assert.equal(await ticks.sleep(1000, stop.signal), true);
  const third = ticks.sleep(1000, stop.signal);
  stop.abort();
  assert.equal(await third, false);
  assert.equal(await ticks.sleep(1000, stop.signal), false);
});

test("configProblem: 'accepted', the ConfigError's problem, or the other error thrown on", () => {
  assert.equal(configProblem(() => 1), "accepted");
  assert.equal(configProblem(() => {
    throw new ConfigError(ConfigLocation.root("p.yml"), "URL is missing", "set url");
  }), "URL is missing");
  assert.throws(() => configProblem(() => {
    throw new TypeError("bug");
  }), TypeError);
});

test("metricValue: sums the samples whose labels include the given ones", async () => {
  const registry = new Registry();
  const counter = new Counter({ name: "x_total", help: "x", labelNames: ["mechanism", "config"], registers: [registry] });
  assert.equal(await metricValue(registry, "x_total"), 0);
  counter.inc({ mechanism: "http", config: "a" }, 2);
  counter.inc({ mechanism: "http", config: "b" }, 3);
  counter.inc({ mechanism: "dns", config: "a" }, 5);
  assert.equal(await metricValue(registry, "x_total"), 10);
  assert.equal(await metricValue(registry, "x_total", { mechanism: "http" }), 5);
  assert.equal(await metricValue(registry, "x_total", { mechanism: "http", config: "b" }), 3);
  assert.equal(await metricValue(registry, "missing_total"), 0);
});

/** A discoverer that sends the given updates, then waits for the abort. */
function scripted(updates: (readonly TargetGroup[])[]) {
  return {
    async *discover(signal: AbortSignal): AsyncGenerator<readonly TargetGroup[]> {
      yield* updates;
      if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    },
  };
}

const group = (source: string, ...addresses: string[]): TargetGroup => ({ source, labels: {}, targets: addresses.map((__address__) => ({ __address__ })) });

test("pullUpdates: hands out update after update and ends the stream on stop", async (t) => {
  const updates = pullUpdates(t, scripted([[group("a", "1")], [group("a")]]));
  assert.deepEqual(await updates.next(), [group("a", "1")]);
  assert.deepEqual(await updates.next(), [group("a")]);
  await updates.stop(updates.pull());
});

test("collectGroups: keeps the last group per source and every source in order", async (t) => {
  const seen = collectGroups(t, scripted([[group("a", "1"), group("b", "2")], [group("a")]]));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen.sources, ["a", "b", "a"]);
  assert.deepEqual(seen.targets("a"), []);
  assert.deepEqual(seen.targets("b"), [{ __address__: "2" }]);
  assert.deepEqual(seen.targets("c"), []);
});
