import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { allocate, Allocator, type Allocation, type Consumer } from "./index.js";
import { targetIdentity } from "./identity.js";

/** Fixed seed: the same cases on every run and machine; raise numRuns locally to search harder. */
const PARAMS = { seed: 17017, numRuns: 60 } as const;

const identities = fc.uniqueArray(fc.oneof(fc.ipV4().map((ip) => `${ip}:9100`), fc.string({ minLength: 1, maxLength: 12 })), { minLength: 0, maxLength: 600 });
const consumerIds = fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { minLength: 1, maxLength: 9 });
const epsilon = fc.constantFrom(0, 0.05, 0.1, 0.25, 1);

function consumers(ids: readonly string[]): Consumer[] {
  return ids.map((id) => ({ id }));
}

function assertValid(allocation: Allocation, targets: readonly string[], ids: readonly string[]): void {
  assert.equal(allocation.owners.size, targets.length, "every target has exactly one owner");
  for (const target of targets) assert.ok(ids.includes(allocation.owners.get(target) ?? ""), `owner of ${target} is a member`);
  for (const id of ids) assert.ok((allocation.loads.get(id) ?? 0) <= (allocation.capacities.get(id) ?? 0), `load of ${id} within bound`);
  const loadSum = [...allocation.loads.values()].reduce((a, b) => a + b, 0);
  assert.equal(loadSum, targets.length);
}

function moved(before: Allocation, after: Allocation): string[] {
  return [...after.owners].filter(([target, owner]) => before.owners.has(target) && before.owners.get(target) !== owner).map(([target]) => target);
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

test("any order of targets and members gives the same allocation and generation", () => {
  fc.assert(
    fc.property(identities, consumerIds, epsilon, fc.nat(), (targets, ids, eps, seed) => {
      const a = allocate(targets, consumers(ids), { epsilon: eps });
      const b = allocate(shuffled(targets, seed), consumers(shuffled(ids, seed + 1)), { epsilon: eps });
      assert.deepEqual(new Map([...b.owners].sort()), new Map([...a.owners].sort()));
      assert.equal(b.generation, a.generation);
    }),
    PARAMS,
  );
});

test("each target goes to exactly one member and no member exceeds ceil((1+ε)·average)", () => {
  fc.assert(
    fc.property(identities, consumerIds, epsilon, (targets, ids, eps) => {
      const allocation = allocate(targets, consumers(ids), { epsilon: eps });
      assertValid(allocation, targets, ids);
      for (const id of ids) assert.equal(allocation.capacities.get(id), Math.ceil(((1 + eps) * targets.length) / ids.length));
    }),
    PARAMS,
  );
});

test("adding one member moves only targets to it, plus the displaced ones (bounded-load slack)", () => {
  fc.assert(
    fc.property(identities, consumerIds, fc.stringMatching(/^new-[a-z0-9]{1,6}$/), epsilon, (targets, ids, newcomer, eps) => {
      const before = allocate(targets, consumers(ids), { epsilon: eps });
      const after = allocate(targets, consumers([...ids, newcomer]), { epsilon: eps });
      assertValid(after, targets, [...ids, newcomer]);
      const movedTargets = moved(before, after);
      const toOthers = movedTargets.filter((t) => after.owners.get(t) !== newcomer).length;
      // A target at its top both times either stays or now tops with the newcomer: only displacement moves it elsewhere.
      assert.ok(toOthers <= before.displaced + after.displaced, `${toOthers} moved among old members, displaced ${before.displaced}+${after.displaced}`);
      assert.ok(movedTargets.length - toOthers <= (after.capacities.get(newcomer) ?? 0));
    }),
    PARAMS,
  );
});

test("removing one member moves only its targets, plus the displaced ones", () => {
  fc.assert(
    fc.property(identities, consumerIds.filter((ids) => ids.length >= 2), fc.nat(), epsilon, (targets, ids, pick, eps) => {
      const leaver = ids[pick % ids.length] as string;
      const rest = ids.filter((id) => id !== leaver);
      const before = allocate(targets, consumers(ids), { epsilon: eps });
      const after = allocate(targets, consumers(rest), { epsilon: eps });
      assertValid(after, targets, rest);
      const others = moved(before, after).filter((t) => before.owners.get(t) !== leaver).length;
      assert.ok(others <= before.displaced + after.displaced, `${others} moved from staying members`);
    }),
    PARAMS,
  );
});

test("with a large average the movement is close to the optimum 1/(n+1) and the slack stays small", () => {
  const targets = Array.from({ length: 10_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:9100`);
  for (const n of [3, 10]) {
    const ids = Array.from({ length: n }, (_, i) => `prometheus-${i}`);
    const before = allocate(targets, consumers(ids));
    const added = allocate(targets, consumers([...ids, "prometheus-new"]));
    const fraction = moved(before, added).length / targets.length;
    assert.ok(fraction <= (1 / (n + 1)) * 1.1 + 0.01, `n=${n}: moved ${fraction} on join`);
    const removed = allocate(targets, consumers(ids.slice(1)));
    const fromStaying = moved(before, removed).filter((t) => before.owners.get(t) !== ids[0]).length;
    assert.ok(fromStaying / targets.length <= 0.02, `n=${n}: ${fromStaying} moved from staying members on leave`);
    const max = Math.max(...before.loads.values());
    assert.ok(max <= Math.ceil((1.1 * targets.length) / n));
  }
});

test("weights: shares follow the weights and stay within the weighted bound", () => {
  const targets = Array.from({ length: 9000 }, (_, i) => `host-${i}:80`);
  const allocation = allocate(targets, [{ id: "big", weight: 2 }, { id: "small-a" }, { id: "small-b" }]);
  assertValid(allocation, targets, ["big", "small-a", "small-b"]);
  assert.equal(allocation.capacities.get("big"), Math.ceil((1.1 * 9000 * 2) / 4));
  const big = allocation.loads.get("big") ?? 0;
  assert.ok(big > 4000 && big <= 4950, `big got ${big}`);
});

test("the incremental allocator equals a fresh one after any sequence of changes", () => {
  const change = fc.oneof(
    fc.record({ kind: fc.constant("targets" as const), targets: identities }),
    fc.record({ kind: fc.constant("consumers" as const), ids: consumerIds, weighted: fc.boolean() }),
  );
  fc.assert(
    fc.property(fc.array(change, { minLength: 1, maxLength: 6 }), (changes) => {
      const allocator = new Allocator();
      let targets: readonly string[] = [];
      let members: Consumer[] = [{ id: "a" }];
      allocator.setConsumers(members);
      for (const c of changes) {
        if (c.kind === "targets") allocator.setTargets((targets = c.targets));
        else allocator.setConsumers((members = c.ids.map((id, i) => ({ id, weight: c.weighted ? 1 + (i % 3) : 1 }))));
        const fresh = allocate(targets, members);
        assert.deepEqual(new Map([...allocator.allocation().owners].sort()), new Map([...fresh.owners].sort()));
        assert.equal(allocator.allocation().generation, fresh.generation);
      }
    }),
    { ...PARAMS, numRuns: 30 },
  );
});

test("generation changes with membership and with the target set, not with order", () => {
  const a = allocate(["x:1", "y:1"], consumers(["p", "q"]));
  assert.notEqual(allocate(["x:1", "y:1"], consumers(["p"])).generation, a.generation);
  assert.notEqual(allocate(["x:1", "z:1"], consumers(["p", "q"])).generation, a.generation);
  assert.equal(allocate(["y:1", "x:1"], consumers(["q", "p"])).generation, a.generation);
  // Pinned: a stable hash means this value never changes across processes, machines or releases.
  assert.equal(a.generation, "40dafe7ffd15fa7c");
});

test("the allocation of a fixed input is pinned (replicas and releases agree)", () => {
  const allocation = allocate(["10.0.0.1:9100", "10.0.0.2:9100", "10.0.0.3:9100", "10.0.0.4:9100"], consumers(["a", "b"]), { epsilon: 1 });
  assert.deepEqual(Object.fromEntries([...allocation.owners].sort()), PINNED);
});
const PINNED = { "10.0.0.1:9100": "b", "10.0.0.2:9100": "b", "10.0.0.3:9100": "a", "10.0.0.4:9100": "b" };

test("identity: __address__ by default, several labels as a JSON array", () => {
  assert.equal(targetIdentity({ __address__: "h:1", job: "j" }), "h:1");
  assert.equal(targetIdentity({ __address__: "h:1", __metrics_path__: "/m" }, ["__address__", "__metrics_path__"]), '["h:1","/m"]');
  assert.throws(() => allocate(["a"], [{ id: "x", weight: 0 }]), /weight must be/);
  assert.throws(() => allocate(["a"], [{ id: "x" }, { id: "x" }]), /given twice/);
});
