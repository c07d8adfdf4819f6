// The jobs ordered by their next tick: a binary min-heap, so that with a
// thousand jobs the scheduler wakes once for the earliest and finds every due
// job in O(log n) each, instead of a timer per job. It allocates nothing per
// tick (an entry is moved, not copied; `requeue` reuses the popped entry),
// because a thousand jobs due in the same second would otherwise make
// thousands of short-lived objects right when their runs must start.

export interface Due<T> {
  at: number;
  readonly item: T;
}

export class TickQueue<T> {
  readonly #heap: Due<T>[] = [];

  get size(): number {
    return this.#heap.length;
  }

  peek(): Due<T> | undefined {
    return this.#heap[0];
  }

  push(at: number, item: T): void {
    this.#siftUp({ at, item });
  }

  /** Puts back an entry that `pop` returned, due at `at` now. */
  requeue(entry: Due<T>, at: number): void {
    entry.at = at;
    this.#siftUp(entry);
  }

  pop(): Due<T> | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    // Sift `last` down from the root, moving smaller children up into the hole.
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && (h[r] as Due<T>).at < (h[l] as Due<T>).at ? r : l;
      if ((h[child] as Due<T>).at >= last.at) break;
      h[i] = h[child] as Due<T>;
      i = child;
    }
    h[i] = last;
    return top;
  }

  #siftUp(entry: Due<T>): void {
    const h = this.#heap;
    let i = h.length;
    h.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Due<T>).at <= entry.at) break;
      h[i] = h[parent] as Due<T>;
      i = parent;
    }
    h[i] = entry;
  }
}
