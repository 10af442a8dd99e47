/**
 * The fault scenarios every plain-HTTP cloud mechanism must survive (issue 12 "What must work" 3), run
 * against one provider's fake in one go: a 500, a truncated body, an oversized body, a body that stops
 * mid-way (cut off by the refresh deadline), a 429 with Retry-After (one wait of the asked length, no tight
 * loop), then the server gone (connection refused), and a discoverer that starts while it is gone. Each
 * failure is counted in `prometheus_sd_refresh_failures_total{mechanism}` and emits nothing (the manager
 * keeps the last good targets); each recovery emits the good targets again.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { Registry } from "prom-client";
import type { Discoverer, DiscovererDeps } from "../../providers/provider.js";
import { pullUpdates, testDeps, waitForMetric } from "../discoverer-harness.js";
import { manualTicks } from "../manual-ticks.js";
import type { ApiFake, FakeAnswer } from "./api-fake.js";

/** The limits a fault run needs on the discoverer it creates. */
export interface FaultLimits {
  readonly refreshIntervalMs: number;
  readonly maxBodyBytes: number;
}

export interface CloudFaultSubject {
  /** The `mechanism` metric label. */
  readonly mechanism: string;
  readonly fake: ApiFake;
  /** A discoverer pointed at the fake with these limits. */
  create(deps: DiscovererDeps, limits: FaultLimits): Discoverer;
  /** Targets a good refresh yields (at least one, so recovery is visible). */
  readonly targetCount: number;
}

const LIMITS: FaultLimits = { refreshIntervalMs: 400, maxBodyBytes: 64 * 1024 };

export async function checkCloudFaults(t: TestContext, subject: CloudFaultSubject): Promise<void> {
  assert.ok(subject.targetCount > 0, "the fake must serve at least one target");
  const registry = new Registry();
  const ticks = manualTicks();
  const backoffWaits: number[] = [];
  // The poll loop waits refresh_interval (released by the test); any other wait is a backoff, taken at once.
  const sleep: DiscovererDeps["sleep"] = (ms, signal) => (ms === LIMITS.refreshIntervalMs ? ticks.sleep(ms, signal) : (backoffWaits.push(ms), Promise.resolve(!signal.aborted)));
  const updates = pullUpdates(t, subject.create(testDeps({ registry, sleep }), LIMITS));
  const targets = (groups: readonly { targets: readonly unknown[] }[]): number => groups.reduce((n, g) => n + g.targets.length, 0);
  assert.equal(targets(await updates.next()), subject.targetCount, "first refresh");

  let failures = 0;
  const failWith = async (answer: FakeAnswer, what: string): Promise<void> => {
    subject.fake.answerAlways(answer);
    ticks.tick();
    failures++;
    await waitForMetric(registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: subject.mechanism }, value: failures }).catch((error: unknown) => {
      throw new Error(`${what}: the failure was not counted`, { cause: error });
    });
  };
  const pending = updates.next();
  await failWith({ status: 500, body: "internal error" }, "500");
  await failWith({ status: 200, body: '{"servers": [{"id": 1, "name": "trunc', truncateAfterBytes: 20 }, "truncated body");
  await failWith({ status: 200, body: JSON.stringify({ padding: "x".repeat(LIMITS.maxBodyBytes * 2) }) }, "oversized body");
  await failWith({ status: 200, body: JSON.stringify({ padding: "x".repeat(1000) }), hangAfterBytes: 100 }, "hang mid-body");
  subject.fake.answerAlways(undefined);
  const before = subject.fake.requests.length;
  subject.fake.answerNext({ status: 429, body: { error: "slow down" }, headers: { "retry-after": "2" } });
  ticks.tick();
  assert.equal(targets(await pending), subject.targetCount, "recovered after the faults (nothing was emitted while failing)");
  assert.deepEqual(backoffWaits, [2000], "one wait of Retry-After's 2 s after the 429, then the retry");
  const retried = subject.fake.requests.slice(before);
  assert.equal(retried[0]?.path, retried[1]?.path, "the throttled request is the one retried");

  await subject.fake.close();
  const afterDown = updates.pull();
  ticks.tick();
  failures++;
  await waitForMetric(registry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: subject.mechanism }, value: failures });
  await updates.stop(afterDown);

  const coldRegistry = new Registry();
  const cold = pullUpdates(t, subject.create(testDeps({ registry: coldRegistry, sleep: manualTicks().sleep }), LIMITS));
  const never = cold.pull();
  await waitForMetric(coldRegistry, { name: "prometheus_sd_refresh_failures_total", labels: { mechanism: subject.mechanism }, value: 1 });
  await cold.stop(never);
}
