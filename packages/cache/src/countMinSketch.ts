// The frequency filter of TinyLFU: a count-min sketch of 4-bit counters with
// aging, laid out as Caffeine's FrequencySketch. Each key maps to one 64-bit
// block (two Uint32 words) per row and to a counter inside it; 16 counters per
// entry the cache holds, 8 bytes per entry. After `10 × capacity` increments
// every counter is halved, so popularity from long ago fades and a new
// favourite can win admission.

/** Counters saturate here (4 bits). */
export const MAX_COUNT = 15;
/** Increments between two halvings, per entry of capacity. */
export const AGING_PER_ENTRY = 10;

/** FNV-1a over UTF-16 code units: cheap, and spread further by the sketch's own mixing. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** One odd multiplier per row (Caffeine's seeds, truncated to 32 bits). */
const SEED0 = 0x97cb3127;
const SEED1 = 0xb3a0e8c7;
const SEED2 = 0x5f4f7d1b;
const SEED3 = 0x9f1e5a63;
/** The low bit of every 4-bit counter in a word: counts the odd counters a halving truncates. */
const ONE_MASK = 0x11111111;
/** Clears the bit a halving shifts in from the neighbouring counter. */
const RESET_MASK = 0x77777777;

function spread(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
  return (x ^ (x >>> 16)) >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export class CountMinSketch {
  /** Two words per 64-bit block of 16 counters. */
  readonly #table: Uint32Array;
  readonly #blockMask: number;
  /** Increments before the next halving. */
  readonly sampleSize: number;
  #size = 0;

  /** `capacity`: the number of entries the cache holds; the table has the next power of two ≥ capacity blocks. */
  constructor(capacity: number) {
    let blocks = 1;
    while (blocks < capacity) blocks *= 2;
    this.#table = new Uint32Array(blocks * 2);
    this.#blockMask = blocks - 1;
    this.sampleSize = AGING_PER_ENTRY * Math.max(1, capacity);
  }

  /** Increments counted since the last halving (halved with the counters). */
  get size(): number {
    return this.#size;
  }

  /** Word index and bit shift of row `row`'s counter for a spread hash. */
  #word(h: number, seed: number, row: number): number {
    let x = Math.imul(h, seed);
    x = (x + (x >>> 16)) >>> 0;
    const counter = ((h & 3) << 2) + row; // 0..15 within the block
    return ((x & this.#blockMask) << 1) + (counter >>> 3);
  }

  #count(word: number, row: number, h: number): number {
    const shift = ((((h & 3) << 2) + row) & 7) << 2;
    return (this.#table[word]! >>> shift) & 0xf;
  }

  /** Estimated number of recent accesses of the key with this hash (0..15). */
  frequency(hash: number): number {
    const h = spread(hash);
    const a = this.#count(this.#word(h, SEED0, 0), 0, h);
    const b = this.#count(this.#word(h, SEED1, 1), 1, h);
    const c = this.#count(this.#word(h, SEED2, 2), 2, h);
    const d = this.#count(this.#word(h, SEED3, 3), 3, h);
    return Math.min(a, b, c, d);
  }

  /**
   * Records one access: each row's counter grows unless saturated (not the
   * conservative update: see the README on loops), and every `sampleSize`
   * increments all counters are halved.
   */
  increment(hash: number): void {
    const h = spread(hash);
    let added = this.#add(this.#word(h, SEED0, 0), 0, h);
    added = this.#add(this.#word(h, SEED1, 1), 1, h) || added;
    added = this.#add(this.#word(h, SEED2, 2), 2, h) || added;
    added = this.#add(this.#word(h, SEED3, 3), 3, h) || added;
    if (added && ++this.#size >= this.sampleSize) this.#age();
  }

  #add(word: number, row: number, h: number): boolean {
    const shift = ((((h & 3) << 2) + row) & 7) << 2;
    const t = this.#table;
    if (((t[word]! >>> shift) & 0xf) === MAX_COUNT) return false;
    t[word] = t[word]! + (1 << shift);
    return true;
  }

  /** Halves every counter; the count of increments drops by what the truncation of odd counters removed. */
  #age(): void {
    const t = this.#table;
    let odd = 0;
    for (let i = 0; i < t.length; i++) {
      odd += popcount(t[i]! & ONE_MASK);
      t[i] = (t[i]! >>> 1) & RESET_MASK;
    }
    this.#size = Math.max(0, (this.#size >>> 1) - (odd >>> 2));
  }
}
