// The frequency filter of TinyLFU: a count-min sketch of 4-bit counters with
// aging, as Caffeine's FrequencySketch: four rows, 16 counters (8 bytes) per
// entry the cache holds, every row's counter incremented on an access, the
// estimate the minimum of the four. After `10 × capacity` increments every
// counter is halved, so popularity from long ago fades and a new favourite can
// win admission.

/** Counters saturate here (4 bits). */
export const MAX_COUNT = 15;
/** Increments between two halvings, per entry of capacity. */
export const AGING_PER_ENTRY = 10;

/** FNV-1a over UTF-16 code units: cheap; `keyHash` spreads it further. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Murmur3's finaliser: every input bit moves every output bit. */
function spread(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A key's identity in the sketch (it picks the block) and in the ghost list:
 * 30 bits, so V8 keeps it as a small integer on the entry, unboxed.
 */
export function keyHash(key: string): number {
  return spread(hashString(key)) & 0x3fffffff;
}

/** Picks the key's four counters inside its block (20 bits used); computed once per entry and kept on it. */
export function counterHash(keyHash: number): number {
  return spread(keyHash ^ 0x9e3779b9) & 0x3fffffff;
}

/** The low bit of every 4-bit counter in a word: counts the odd counters a halving truncates. */
const ONE_MASK = 0x11111111;
/** Clears the bit a halving shifts in from the neighbouring counter. */
const RESET_MASK = 0x77777777;
/** Words per block: 64 bytes, one cache line, 128 counters. */
const BLOCK_WORDS = 16;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export class CountMinSketch {
  /**
   * Blocks of 16 words (one 64-byte cache line). A key's four counters all
   * live in one block, one per row of four words: one cache miss per access
   * instead of four (Caffeine 3's layout).
   */
  readonly #table: Uint32Array;
  readonly #blockMask: number;
  /** Increments before the next halving. */
  readonly sampleSize: number;
  #size = 0;

  /**
   * `capacity`: the number of entries the cache holds; `countersPerEntry`
   * (16: 8 bytes per entry) rounded up to a power of two of blocks;
   * `agingPerEntry`: increments between halvings, per entry (10).
   */
  constructor(capacity: number, countersPerEntry = 16, agingPerEntry = AGING_PER_ENTRY) {
    let blocks = 1;
    while (blocks * 128 < capacity * countersPerEntry) blocks *= 2;
    this.#table = new Uint32Array(blocks * BLOCK_WORDS);
    this.#blockMask = blocks - 1;
    this.sampleSize = Math.max(1, Math.round(agingPerEntry * Math.max(1, capacity)));
  }

  /** Increments counted since the last halving (halved with the counters). */
  get size(): number {
    return this.#size;
  }

  /** Estimated number of recent accesses of the key with these hashes (0..15). */
  frequency(keyHash: number, counterHash: number): number {
    const block = (keyHash & this.#blockMask) * BLOCK_WORDS;
    const c = counterHash; // 5 bits per row: the word (2) and the nibble in it (3)
    const t = this.#table;
    let min = (t[block + (c & 3)]! >>> (((c >>> 2) & 7) << 2)) & 0xf;
    let n = (t[block + 4 + ((c >>> 5) & 3)]! >>> (((c >>> 7) & 7) << 2)) & 0xf;
    if (n < min) min = n;
    n = (t[block + 8 + ((c >>> 10) & 3)]! >>> (((c >>> 12) & 7) << 2)) & 0xf;
    if (n < min) min = n;
    n = (t[block + 12 + ((c >>> 15) & 3)]! >>> (((c >>> 17) & 7) << 2)) & 0xf;
    return Math.min(n, min);
  }

  /**
   * Records one access: each row's counter grows unless saturated (not the
   * conservative update: see the README on loops), and every `sampleSize`
   * increments all counters are halved. The rows use disjoint words of the
   * block, so the four updates never touch the same word.
   */
  increment(keyHash: number, counterHash: number): void {
    const t = this.#table;
    const block = (keyHash & this.#blockMask) * BLOCK_WORDS;
    const c = counterHash;
    const i0 = block + (c & 3);
    const i1 = block + 4 + ((c >>> 5) & 3);
    const i2 = block + 8 + ((c >>> 10) & 3);
    const i3 = block + 12 + ((c >>> 15) & 3);
    const s0 = ((c >>> 2) & 7) << 2;
    const s1 = ((c >>> 7) & 7) << 2;
    const s2 = ((c >>> 12) & 7) << 2;
    const s3 = ((c >>> 17) & 7) << 2;
    const w0 = t[i0]!;
    const w1 = t[i1]!;
    const w2 = t[i2]!;
    const w3 = t[i3]!;
    let added = false;
    if (((w0 >>> s0) & 0xf) !== MAX_COUNT) {
      t[i0] = w0 + (1 << s0);
      added = true;
    }
    if (((w1 >>> s1) & 0xf) !== MAX_COUNT) {
      t[i1] = w1 + (1 << s1);
      added = true;
    }
    if (((w2 >>> s2) & 0xf) !== MAX_COUNT) {
      t[i2] = w2 + (1 << s2);
      added = true;
    }
    if (((w3 >>> s3) & 0xf) !== MAX_COUNT) {
      t[i3] = w3 + (1 << s3);
      added = true;
    }
    if (added && ++this.#size >= this.sampleSize) this.#age();
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
