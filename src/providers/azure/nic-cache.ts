/**
 * 3.x's network interface cache: an LRU of 5,000 NICs, each kept for 10 refresh intervals plus a random
 * 0-3 intervals (so entries do not all expire in the same refresh). NICs rarely change, and re-reading one
 * per machine per refresh is what makes large subscriptions hit ARM's rate limits.
 */
const CAPACITY = 5000;

export class NicCache {
  readonly #entries = new Map<string, { nic: unknown; expiresAtMs: number }>();
  constructor(readonly refreshIntervalMs: number, readonly now: () => number = Date.now, readonly random: () => number = Math.random) {}

  get(id: string): unknown {
    const entry = this.#entries.get(id);
    if (entry === undefined) return undefined;
    this.#entries.delete(id);
    if (entry.expiresAtMs <= this.now()) return undefined;
    this.#entries.set(id, entry); // most recently used last
    return entry.nic;
  }

  set(id: string, nic: unknown): void {
    const jitterMs = Math.floor(this.random() * 3 * (this.refreshIntervalMs / 1000)) * 1000;
    this.#entries.delete(id);
    this.#entries.set(id, { nic, expiresAtMs: this.now() + 10 * this.refreshIntervalMs + jitterMs });
    if (this.#entries.size > CAPACITY) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}
