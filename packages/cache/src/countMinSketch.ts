// A count-min sketch of 4-bit-style counters (capped at 15) with aging, the
// frequency filter of TinyLFU: after `sampleSize` increments every counter is
// halved, so popularity from long ago fades and a new favourite can win.

const MAX_COUNT = 15;
const ROWS = 4;

/** FNV-1a over UTF-16 code units: cheap, and good enough to spread keys over the rows. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class CountMinSketch {
  readonly #table: Uint8Array;
  readonly #mask: number;
  readonly #sampleSize: number;
  #additions = 0;

  /** `capacity`: the number of entries the cache holds; the sketch is sized from it. */
  constructor(capacity: number) {
    let width = 16;
    while (width < capacity * 4) width *= 2;
    this.#table = new Uint8Array(width * ROWS);
    this.#mask = width - 1;
    this.#sampleSize = 10 * Math.max(capacity, 16);
  }

  #index(hash: number, row: number): number {
    // Double hashing: row i probes h1 + i*h2, each row in its own stripe.
    const h2 = (Math.imul(hash, 0x9e3779b1) >>> 16) | 1;
    return row * (this.#mask + 1) + ((hash + row * h2) & this.#mask);
  }

  /** Estimated number of recent accesses of the key with this hash. */
  frequency(hash: number): number {
    let min = MAX_COUNT;
    for (let row = 0; row < ROWS; row++) {
      const c = this.#table[this.#index(hash, row)]!;
      if (c < min) min = c;
    }
    return min;
  }

  /**
   * Records one access. Conservative update: only the counters at the current
   * minimum grow, so collisions inflate estimates far less.
   */
  increment(hash: number): void {
    const t = this.#table;
    const i0 = this.#index(hash, 0);
    const i1 = this.#index(hash, 1);
    const i2 = this.#index(hash, 2);
    const i3 = this.#index(hash, 3);
    const min = Math.min(t[i0]!, t[i1]!, t[i2]!, t[i3]!);
    if (min >= MAX_COUNT) return;
    if (t[i0] === min) t[i0] = min + 1;
    if (t[i1] === min) t[i1] = min + 1;
    if (t[i2] === min) t[i2] = min + 1;
    if (t[i3] === min) t[i3] = min + 1;
    if (++this.#additions >= this.#sampleSize) this.#age();
  }

  #age(): void {
    const t = this.#table;
    for (let i = 0; i < t.length; i++) t[i] = t[i]! >>> 1;
    this.#additions = this.#additions >>> 1;
  }
}
