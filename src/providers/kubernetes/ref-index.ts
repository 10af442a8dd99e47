/**
 * A reverse index from referenced things (a node name, a pod key, a service key) to the primary objects
 * that reference them, so a secondary change finds the groups to rebuild without scanning every object.
 */
export class RefIndex {
  readonly #forward = new Map<string, readonly string[]>();
  readonly #reverse = new Map<string, Set<string>>();

  /** Replaces the references of `key`. */
  set(key: string, refs: readonly string[]): void {
    this.delete(key);
    if (refs.length === 0) return;
    this.#forward.set(key, refs);
    for (const ref of refs) {
      let keys = this.#reverse.get(ref);
      if (keys === undefined) this.#reverse.set(ref, (keys = new Set()));
      keys.add(key);
    }
  }

  delete(key: string): void {
    const refs = this.#forward.get(key);
    if (refs === undefined) return;
    this.#forward.delete(key);
    for (const ref of refs) {
      const keys = this.#reverse.get(ref);
      keys?.delete(key);
      if (keys?.size === 0) this.#reverse.delete(ref);
    }
  }

  /** The primary keys referencing `ref` (a copy: callers may change the index while iterating). */
  keysFor(ref: string): string[] {
    return [...(this.#reverse.get(ref) ?? [])];
  }
}
