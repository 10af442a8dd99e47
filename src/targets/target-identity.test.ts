import assert from "node:assert/strict";
import { test } from "node:test";
import { ActiveTargetSet, labelsHash, sameLabels } from "./target-identity.js";
import type { ActiveTarget } from "./types.js";

function target(address: string, source = "s"): ActiveTarget {
  const labels = { __address__: address, instance: address };
  return { discoveredLabels: { __address__: address }, labels, scrapeUrl: `http://${address}/metrics`, source, index: 0 };
}

test("labelsHash: these two label sets collide (found by search), so the set must compare labels", () => {
  assert.equal(labelsHash(target("h12849:1").labels), labelsHash(target("h18336:1").labels));
  assert.ok(!sameLabels(target("h12849:1").labels, target("h18336:1").labels));
});

test("ActiveTargetSet: colliding targets stay apart; duplicates replace in place, last wins", () => {
  const set = new ActiveTargetSet();
  set.add(target("h12849:1", "a"));
  set.add(target("h18336:1", "b"));
  set.add(target("other:1", "c"));
  set.add(target("h18336:1", "d"));
  set.add(target("h12849:1", "e"));
  assert.deepEqual(set.targets.map((t) => `${t.labels["instance"]}@${t.source}`), ["h12849:1@e", "h18336:1@d", "other:1@c"]);
});
