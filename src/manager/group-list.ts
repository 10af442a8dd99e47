/**
 * The groups one provider reported for one job, keyed by source, in the order Prometheus's tests see them
 * (insertion order of sources: replacing a group keeps its place, a deleted and re-added source goes last).
 *
 * Why not a plain Map: with `--discovery.update-interval=0` every change is followed by a snapshot, and a
 * snapshot must not change when the store does. Copying 100,000 groups per change made the manager fall
 * behind at 500 changes/s (bench/kubernetes-e2e). Here groups live in fixed-size chunks that a snapshot
 * shares: `capture()` costs one copy of the chunk table (n/256 pointers) and a later write copies only the
 * chunk it touches (copy-on-write), so a change costs O(chunk), not O(groups).
 */
import type { TargetGroup } from "../model/target-group.js";

const CHUNK_SIZE = 256;

type Chunk = (TargetGroup | undefined)[];

/** An immutable view of a GroupList at one moment. */
export class GroupListView {
  readonly groupCount: number;
  readonly targetCount: number;
  readonly #chunks: readonly Chunk[];
  /** Slots in use (live groups and holes left by deletions). */
  readonly #length: number;

  constructor(chunks: readonly Chunk[], length: number, groupCount: number, targetCount: number) {
    this.#chunks = chunks;
    this.#length = length;
    this.groupCount = groupCount;
    this.targetCount = targetCount;
  }

  /** Appends the groups to `out`, in order. */
  appendTo(out: TargetGroup[]): void {
    for (let c = 0, slot = 0; slot < this.#length; c++) {
      const chunk = this.#chunks[c] as Chunk; // slot < length implies the chunk exists
      const end = Math.min(CHUNK_SIZE, this.#length - slot);
      for (let i = 0; i < end; i++) {
        const group = chunk[i];
        if (group !== undefined) out.push(group);
      }
      slot += end;
    }
  }
}

export const EMPTY_GROUP_LIST_VIEW = new GroupListView([], 0, 0, 0);

export class GroupList {
  #chunks: Chunk[] = [];
  /** Which chunks were copied since the last capture (only those may be written in place). */
  #ownedChunks = new Set<number>();
  #isTableOwned = true;
  readonly #slots = new Map<string, number>();
  #length = 0;
  #targetCount = 0;
  /** The view of the last capture while nothing changed since, so unchanged lists give the same object. */
  #view: GroupListView | undefined = EMPTY_GROUP_LIST_VIEW;

  get groupCount(): number {
    return this.#slots.size;
  }

  get targetCount(): number {
    return this.#targetCount;
  }

  get(source: string): TargetGroup | undefined {
    const slot = this.#slots.get(source);
    return slot === undefined ? undefined : this.#chunks[Math.floor(slot / CHUNK_SIZE)]?.[slot % CHUNK_SIZE];
  }

  /** Stores `group` under its source (replacing in place, or appending). */
  set(group: TargetGroup): void {
    const existing = this.#slots.get(group.source);
    if (existing !== undefined) {
      this.#targetCount -= this.#at(existing)?.targets.length ?? 0;
      this.#write(existing, group);
    } else {
      const slot = this.#length++;
      this.#slots.set(group.source, slot);
      this.#write(slot, group);
    }
    this.#targetCount += group.targets.length;
  }

  /** Forgets `source`; true when it was stored. */
  delete(source: string): boolean {
    const slot = this.#slots.get(source);
    if (slot === undefined) return false;
    this.#targetCount -= this.#at(slot)?.targets.length ?? 0;
    this.#slots.delete(source);
    this.#write(slot, undefined);
    // Holes cost iteration time; squeeze them out once they outnumber the live groups (amortised O(1)).
    const holes = this.#length - this.#slots.size;
    if (holes > CHUNK_SIZE && holes > this.#slots.size) this.#compact();
    return true;
  }

  /** An immutable view of the current groups; O(chunks) the first time after a change, O(1) after. */
  capture(): GroupListView {
    if (this.#view !== undefined) return this.#view;
    this.#isTableOwned = false;
    this.#ownedChunks.clear();
    this.#view = new GroupListView(this.#chunks, this.#length, this.#slots.size, this.#targetCount);
    return this.#view;
  }

  /** The groups in order (a new array). */
  toArray(): TargetGroup[] {
    const out: TargetGroup[] = [];
    this.capture().appendTo(out);
    return out;
  }

  #at(slot: number): TargetGroup | undefined {
    return this.#chunks[Math.floor(slot / CHUNK_SIZE)]?.[slot % CHUNK_SIZE];
  }

  #write(slot: number, group: TargetGroup | undefined): void {
    this.#view = undefined;
    if (!this.#isTableOwned) {
      this.#chunks = this.#chunks.slice();
      this.#isTableOwned = true;
    }
    const c = Math.floor(slot / CHUNK_SIZE);
    let chunk = this.#chunks[c];
    if (chunk === undefined) {
      chunk = new Array<TargetGroup | undefined>(CHUNK_SIZE).fill(undefined);
      this.#chunks[c] = chunk;
      this.#ownedChunks.add(c);
    } else if (!this.#ownedChunks.has(c)) {
      chunk = chunk.slice();
      this.#chunks[c] = chunk;
      this.#ownedChunks.add(c);
    }
    chunk[slot % CHUNK_SIZE] = group;
  }

  /** Rewrites the live groups into fresh chunks, in order (captured chunks are left untouched). */
  #compact(): void {
    const groups = this.toArray();
    this.#chunks = [];
    this.#ownedChunks.clear();
    this.#isTableOwned = true;
    this.#slots.clear();
    this.#length = 0;
    this.#targetCount = 0;
    for (const group of groups) this.set(group);
  }
}
