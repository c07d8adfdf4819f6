// The jobs ordered by their next tick: a binary min-heap, so that with a
// thousand jobs the scheduler wakes once for the earliest and finds every due
// job in O(log n) each, instead of a timer per job.

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
    const h = this.#heap;
    h.push({ at, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((h[parent] as Due<T>).at <= (h[i] as Due<T>).at) break;
      [h[parent], h[i]] = [h[i] as Due<T>, h[parent] as Due<T>];
      i = parent;
    }
  }

  pop(): Due<T> | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length === 0 || last === undefined) return top;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < h.length && (h[l] as Due<T>).at < (h[smallest] as Due<T>).at) smallest = l;
      if (r < h.length && (h[r] as Due<T>).at < (h[smallest] as Due<T>).at) smallest = r;
      if (smallest === i) break;
      [h[smallest], h[i]] = [h[i] as Due<T>, h[smallest] as Due<T>];
      i = smallest;
    }
    return top;
  }

  /** Removes every entry for which `drop` is true. */
  remove(drop: (item: T) => boolean): void {
    const kept = this.#heap.filter((d) => !drop(d.item));
    this.#heap.length = 0;
    for (const d of kept) this.push(d.at, d.item);
  }
}
