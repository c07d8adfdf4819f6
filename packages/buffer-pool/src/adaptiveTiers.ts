import type { AdaptiveOptions } from './options.js';

// Distinct buckets counted per window: bounds the memory and the work of a
// window even when every request has a different size.
const MAX_BUCKETS = 64;

/**
 * Rounds a size up to 1/16 of its power of two (and at least 4 KiB pages
 * above 64 KiB), so sizes that differ by a few bytes share a learned class and
 * its waste stays under ~6 %.
 */
export function bucketOf(size: number): number {
  const step = Math.max(1, 2 ** (Math.floor(Math.log2(size)) - 4));
  return Math.ceil(size / step) * step;
}

/** Counts request sizes per window and reports the buckets that deserve a class. */
export class AdaptiveTiers {
  readonly #window: number;
  readonly #minShare: number;
  #remaining: number;
  readonly #counts = new Map<number, number>();
  #seen = 0;

  constructor(options: Required<AdaptiveOptions>) {
    this.#window = options.window;
    this.#minShare = options.minShare;
    this.#remaining = options.maxAddedTiers;
  }

  /**
   * Records one request. At the end of a window returns the bucket sizes whose
   * share reached `minShare`, most common first (the caller decides which need a new class).
   */
  record(size: number): number[] | undefined {
    if (this.#remaining === 0) return undefined;
    const bucket = bucketOf(size);
    const n = this.#counts.get(bucket);
    if (n !== undefined) this.#counts.set(bucket, n + 1);
    else if (this.#counts.size < MAX_BUCKETS) this.#counts.set(bucket, 1);
    if (++this.#seen < this.#window) return undefined;
    const threshold = this.#minShare * this.#seen;
    const common: Array<[number, number]> = [];
    for (const entry of this.#counts) if (entry[1] >= threshold) common.push(entry);
    this.#counts.clear();
    this.#seen = 0;
    // Most common first: when few classes may still be added, the busiest sizes get them.
    return common.sort((a, b) => b[1] - a[1]).map(([bucket]) => bucket);
  }

  /** Whether another class may be added (`maxAddedTiers` not reached). */
  get canAdd(): boolean {
    return this.#remaining > 0;
  }

  /** Called by the pool for each class it added; stops learning once `maxAddedTiers` is reached. */
  added(): void {
    this.#remaining--;
  }
}
