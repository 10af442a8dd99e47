/**
 * The targets a consumer holds during bounded-load matching, the one it wants least on top: lowest score
 * first, ties broken by the larger identity (a strict order, so the matching does not depend on input order).
 */
export interface HeldTarget {
  readonly identity: string;
  /** This consumer's rendezvous score for the target. */
  readonly score: number;
}

function isWorse(a: HeldTarget, b: HeldTarget): boolean {
  return a.score < b.score || (a.score === b.score && a.identity > b.identity);
}

export class WorstFirstHeap {
  readonly #items: HeldTarget[];

  /** Takes ownership of `items` and orders them in O(n). */
  constructor(items: HeldTarget[]) {
    this.#items = items;
    for (let i = (items.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): HeldTarget | undefined {
    return this.#items[0];
  }

  push(item: HeldTarget): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = items[parent] as HeldTarget;
      if (!isWorse(item, up)) break;
      items[i] = up;
      i = parent;
    }
    items[i] = item;
  }

  pop(): HeldTarget | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last !== undefined) {
      items[0] = last;
      this.#down(0);
    }
    return top;
  }

  #down(start: number): void {
    const items = this.#items;
    const item = items[start] as HeldTarget;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      const right = child + 1;
      if (right < items.length && isWorse(items[right] as HeldTarget, items[child] as HeldTarget)) child = right;
      const worst = items[child] as HeldTarget;
      if (!isWorse(worst, item)) break;
      items[i] = worst;
      i = child;
    }
    items[i] = item;
  }

  /** The identities held, in no particular order. */
  identities(): string[] {
    return this.#items.map((item) => item.identity);
  }
}
