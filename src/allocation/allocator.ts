/**
 * Bounded-load rendezvous allocation of target identities over consumers (issue 17, item 1).
 *
 * Each target ranks the consumers by rendezvous (highest-random-weight) score, `pairDraw` of the two stable
 * hashes (weighted: `weightedScore`). Without capacity limits every target goes to its top consumer, so
 * adding a consumer moves only the targets whose new top it is (≈ 1/(n+1)) and removing one moves only its
 * own. Capacities (`⌈(1+ε)·T·wᵢ/W⌉`, the average for equal weights) are enforced by a capacitated stable
 * matching (Gale–Shapley, targets proposing, a consumer keeping the targets it scores highest): its result
 * is the unique target-optimal stable matching, so it does not depend on the order of targets, consumers or
 * evictions, and a target leaves its top consumer only when that one is full of targets it prefers.
 *
 * Incremental: each target's top consumer is cached. A membership change rescores every target against the
 * newcomer only (or rescans only the leaver's targets); a target change scores only that target. The
 * matching pass after a change is O(T + displaced·n log n).
 */
import { createHash } from "node:crypto";
import { fnv1a64, hashHex, pairDraw, weightedScore } from "./hash.js";
import { WorstFirstHeap, type HeldTarget } from "./worst-first-heap.js";

export interface Consumer {
  readonly id: string;
  /** Relative share, > 0; default 1. */
  readonly weight?: number;
}

export const DEFAULT_EPSILON = 0.1;

export interface Allocation {
  /** Consumer id of each target identity. */
  readonly owners: ReadonlyMap<string, string>;
  /** Targets per consumer id (every consumer, 0 included). */
  readonly loads: ReadonlyMap<string, number>;
  /** The bound no consumer exceeds, per consumer id. */
  readonly capacities: ReadonlyMap<string, number>;
  /** Targets not at their top consumer: the bounded-load correction. */
  readonly displaced: number;
  /** Hex hash of ε, membership (ids, weights) and the set of target identities: equal inputs, equal value. */
  readonly generation: string;
}

interface Member {
  readonly id: string;
  readonly weight: number;
  readonly hi: number;
  readonly lo: number;
}

interface TargetState {
  readonly hi: number;
  readonly lo: number;
  top: Member | undefined;
  topScore: number;
}

/** True when consumer `a` with score `sa` beats `b` with `sb` for one target. */
function beats(sa: number, a: Member, sb: number, b: Member | undefined): boolean {
  return b === undefined || sa > sb || (sa === sb && a.id < b.id);
}

export class Allocator {
  readonly #epsilon: number;
  #members: Member[] = [];
  #uniform = true;
  readonly #targets = new Map<string, TargetState>();
  #targetSetHash = { hi: 0, lo: 0 };
  #cached: Allocation | undefined;

  constructor(options: { readonly epsilon?: number } = {}) {
    const epsilon = options.epsilon ?? DEFAULT_EPSILON;
    if (!(epsilon >= 0) || !Number.isFinite(epsilon)) throw new RangeError(`allocation epsilon must be a finite number >= 0, got ${epsilon}`);
    this.#epsilon = epsilon;
  }

  /** Replaces the membership; only the difference is rescored when weights stay as they were. */
  setConsumers(consumers: readonly Consumer[]): void {
    const same = consumers.length === this.#members.length && consumers.every(({ id, weight = 1 }) => this.#members.some((m) => m.id === id && m.weight === weight));
    if (same) return;
    const next = new Map<string, Member>();
    for (const { id, weight = 1 } of consumers) {
      if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`consumer ${JSON.stringify(id)}: weight must be a finite number > 0, got ${weight}`);
      if (next.has(id)) throw new RangeError(`consumer ${JSON.stringify(id)} given twice`);
      const old = this.#members.find((m) => m.id === id);
      next.set(id, old && old.weight === weight ? old : { id, weight, ...fnv1a64(id) });
    }
    const members = [...next.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const uniform = members.every((m) => m.weight === members[0]?.weight);
    const kept = new Set(members.filter((m) => this.#members.includes(m)));
    // A weighted score depends on the member's own weight only, so only a switch between the equal-weight
    // draw and the weighted score rescores everything.
    const rescoreAll = uniform !== this.#uniform;
    const added = members.filter((m) => !kept.has(m));
    this.#members = members;
    this.#uniform = uniform;
    this.#cached = undefined;
    for (const target of this.#targets.values()) {
      if (rescoreAll || (target.top && !kept.has(target.top))) this.#rescan(target);
      else for (const member of added) this.#offer(target, member);
    }
  }

  /** Replaces the set of target identities; only new ones are scored. */
  setTargets(identities: Iterable<string>): void {
    const next = new Set(identities);
    for (const [identity, target] of this.#targets) if (!next.has(identity)) this.#remove(identity, target);
    for (const identity of next) if (!this.#targets.has(identity)) this.#add(identity);
  }

  get consumerIds(): readonly string[] {
    return this.#members.map((m) => m.id);
  }

  /** The allocation for the current members and targets, computed once per change. */
  allocation(): Allocation {
    return (this.#cached ??= this.#match());
  }

  #score(target: TargetState, member: Member): number {
    const draw = pairDraw(target.hi, target.lo, member.hi, member.lo);
    return this.#uniform ? draw : weightedScore(draw, member.weight);
  }

  #offer(target: TargetState, member: Member): void {
    const score = this.#score(target, member);
    if (beats(score, member, target.topScore, target.top)) {
      target.top = member;
      target.topScore = score;
    }
  }

  #rescan(target: TargetState): void {
    target.top = undefined;
    target.topScore = -Infinity;
    for (const member of this.#members) this.#offer(target, member);
  }

  #add(identity: string): void {
    const target: TargetState = { ...fnv1a64(identity), top: undefined, topScore: -Infinity };
    this.#rescan(target);
    this.#targets.set(identity, target);
    this.#toggleInSetHash(target);
    this.#cached = undefined;
  }

  #remove(identity: string, target: TargetState): void {
    this.#targets.delete(identity);
    this.#toggleInSetHash(target);
    this.#cached = undefined;
  }

  /** XOR of mixed identity hashes: order-independent and updated in O(1) per added or removed target. */
  #toggleInSetHash(target: TargetState): void {
    const hi = Math.floor(pairDraw(target.hi, target.lo, 0x5bd1e995, 0x1b873593) * 2 ** 32);
    const lo = Math.floor(pairDraw(target.hi, target.lo, 0xcc9e2d51, 0xe6546b64) * 2 ** 32);
    this.#targetSetHash = { hi: (this.#targetSetHash.hi ^ hi) >>> 0, lo: (this.#targetSetHash.lo ^ lo) >>> 0 };
  }

  #capacities(): Map<Member, number> {
    const total = this.#targets.size;
    const weightSum = this.#members.reduce((sum, m) => sum + m.weight, 0);
    return new Map(this.#members.map((m) => [m, Math.ceil(((1 + this.#epsilon) * total * m.weight) / weightSum)]));
  }

  #match(): Allocation {
    const capacities = this.#capacities();
    const held = new Map<Member, HeldTarget[]>(this.#members.map((m) => [m, []]));
    const states = new Map<string, TargetState>();
    for (const [identity, target] of this.#targets) {
      if (!target.top) continue; // no consumers at all
      held.get(target.top)?.push({ identity, score: target.topScore });
      states.set(identity, target);
    }
    const heaps = new Map<Member, WorstFirstHeap>();
    const homeless: HeldTarget[] = [];
    for (const [member, items] of held) {
      if (items.length <= (capacities.get(member) ?? 0)) continue;
      const heap = new WorstFirstHeap(items);
      heaps.set(member, heap);
      while (heap.size > (capacities.get(member) ?? 0)) homeless.push(heap.pop() as HeldTarget);
    }
    // Evicted targets propose down their ranking; order of proposals does not change the stable result.
    const rankings = new Map<string, { order: { member: Member; score: number }[]; next: number }>();
    let displaced = 0;
    for (let evicted = homeless.pop(); evicted !== undefined; evicted = homeless.pop()) {
      const identity = evicted.identity;
      const target = states.get(identity) as TargetState;
      let ranking = rankings.get(identity);
      if (!ranking) {
        const order = this.#members.map((member) => ({ member, score: this.#score(target, member) }));
        order.sort((a, b) => (beats(a.score, a.member, b.score, b.member) ? -1 : 1));
        rankings.set(identity, (ranking = { order, next: 1 }));
        displaced++;
      }
      const choice = ranking.order[ranking.next++];
      if (!choice) throw new Error(`allocation: ${identity} rejected by every consumer (capacities too small)`);
      const offer = { identity, score: choice.score };
      const capacity = capacities.get(choice.member) ?? 0;
      let heap = heaps.get(choice.member);
      const items = held.get(choice.member) as HeldTarget[];
      if (!heap && items.length < capacity) {
        items.push(offer);
        continue;
      }
      if (!heap) heaps.set(choice.member, (heap = new WorstFirstHeap(items)));
      heap.push(offer);
      if (heap.size > capacity) homeless.push(heap.pop() as HeldTarget);
    }
    // A rejection is final in Gale–Shapley, so every target that was ranked ends away from its top.
    return this.#result(held, heaps, capacities, displaced);
  }

  #result(held: Map<Member, HeldTarget[]>, heaps: Map<Member, WorstFirstHeap>, capacities: Map<Member, number>, displaced: number): Allocation {
    const owners = new Map<string, string>();
    const loads = new Map<string, number>();
    for (const member of this.#members) {
      const identities = heaps.get(member)?.identities() ?? (held.get(member) ?? []).map((h) => h.identity);
      loads.set(member.id, identities.length);
      for (const identity of identities) owners.set(identity, member.id);
    }
    const generation = createHash("sha256");
    generation.update(`epsilon=${this.#epsilon}\n`);
    for (const m of this.#members) generation.update(`${JSON.stringify(m.id)} ${m.weight}\n`);
    generation.update(`targets=${this.#targets.size} ${hashHex(this.#targetSetHash)}\n`);
    return {
      owners,
      loads,
      capacities: new Map([...capacities].map(([m, c]) => [m.id, c])),
      displaced,
      generation: generation.digest("hex").slice(0, 16),
    };
  }
}

/** One-shot allocation from scratch. */
export function allocate(identities: Iterable<string>, consumers: readonly Consumer[], options: { readonly epsilon?: number } = {}): Allocation {
  const allocator = new Allocator(options);
  allocator.setConsumers(consumers);
  allocator.setTargets(identities);
  return allocator.allocation();
}
