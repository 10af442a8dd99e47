/**
 * Who the consumers are (`--allocation.consumers=`, issue 17 item 2).
 *
 * - `static:a,b,c`: a fixed list. The same flag gives every replica the same membership, hence the same
 *   allocation and bytes: use it (or, later, `kubernetes:`) behind a Service with several replicas.
 * - `polling`: a consumer is a member from its first poll on, so it gets targets on that very poll and
 *   nothing moves before it is there to scrape; one silent longer than the timeout is dropped and its
 *   targets go to the others. The membership lives in one process: replicas each see only the consumers
 *   that poll them.
 */
import type { Consumer } from "./allocator.js";

export type MembershipSpec = { readonly kind: "static"; readonly ids: readonly string[] } | { readonly kind: "polling" };

export const DEFAULT_CONSUMER_TIMEOUT_MS = 120_000;

const CONSUMER_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/;

/** Parses the flag value; throws Error with the reason. */
export function parseMembershipSpec(text: string): MembershipSpec {
  if (text === "polling") return { kind: "polling" };
  if (text.startsWith("static:")) {
    const ids = text.slice("static:".length).split(",").map((id) => id.trim());
    for (const id of ids) if (!CONSUMER_ID.test(id)) throw new Error(`invalid consumer id ${JSON.stringify(id)} in "${text}"; expected letters, digits, '.', '_', ':', '-'`);
    if (new Set(ids).size !== ids.length) throw new Error(`consumer ids in "${text}" are not unique`);
    return { kind: "static", ids };
  }
  throw new Error(`invalid allocation consumers "${text}"; expected static:<id>,<id>,... or polling`);
}

export interface Membership {
  /** Called for every `?consumer=` request: true when `id` is (now) a member and may be answered. */
  admit(id: string): boolean;
  /** The live members, sorted by id. */
  consumers(): readonly Consumer[];
  /** The members with their last poll (polling), for metrics. */
  lastPolls(): ReadonlyMap<string, number>;
}

export function createMembership(spec: MembershipSpec, options: { readonly timeoutMs?: number; readonly now?: () => number } = {}): Membership {
  return spec.kind === "static" ? new StaticMembership(spec.ids) : new PollingMembership(options.timeoutMs ?? DEFAULT_CONSUMER_TIMEOUT_MS, options.now ?? Date.now);
}

class StaticMembership implements Membership {
  readonly #consumers: readonly Consumer[];
  readonly #ids: ReadonlySet<string>;

  constructor(ids: readonly string[]) {
    this.#consumers = Object.freeze([...ids].sort().map((id) => ({ id })));
    this.#ids = new Set(ids);
  }

  admit(id: string): boolean {
    return this.#ids.has(id);
  }

  consumers(): readonly Consumer[] {
    return this.#consumers;
  }

  lastPolls(): ReadonlyMap<string, number> {
    return new Map();
  }
}

/** Bound on polling members, so arbitrary ids cannot grow memory without limit. */
const MAX_POLLING_CONSUMERS = 10_000;

class PollingMembership implements Membership {
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #lastPoll = new Map<string, number>();
  #consumers: readonly Consumer[] = [];

  constructor(timeoutMs: number, now: () => number) {
    this.#timeoutMs = timeoutMs;
    this.#now = now;
  }

  admit(id: string): boolean {
    if (!CONSUMER_ID.test(id)) return false;
    this.#expire();
    const isNew = !this.#lastPoll.has(id);
    if (isNew && this.#lastPoll.size >= MAX_POLLING_CONSUMERS) return false;
    this.#lastPoll.set(id, this.#now());
    if (isNew) this.#rebuild();
    return true;
  }

  consumers(): readonly Consumer[] {
    this.#expire();
    return this.#consumers;
  }

  lastPolls(): ReadonlyMap<string, number> {
    this.#expire();
    return this.#lastPoll;
  }

  #expire(): void {
    const deadline = this.#now() - this.#timeoutMs;
    let changed = false;
    for (const [id, at] of this.#lastPoll) {
      if (at < deadline) {
        this.#lastPoll.delete(id);
        changed = true;
      }
    }
    if (changed) this.#rebuild();
  }

  #rebuild(): void {
    this.#consumers = Object.freeze([...this.#lastPoll.keys()].sort().map((id) => ({ id })));
  }
}
