// Seeded access traces for the hit-ratio comparison. Same seed, same trace,
// on every machine: the ratios in the README can be reproduced exactly.
import { seededRandom } from '@perf/bench';

/** Draws item ranks 0..n-1 with Zipf popularity (exponent `s`). */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += 1 / (i + 1) ** s;
    cdf[i] = sum;
  }
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface Trace {
  readonly name: string;
  readonly cacheSize: number;
  readonly keys: readonly string[];
}

/**
 * Zipf popularity over `items` keys with one-off scans mixed in: every
 * `scanEvery` accesses a burst of `scanLength` keys that are never seen again.
 */
export function zipfWithScan(seed = 42, length = 200_000, items = 20_000, cacheSize = 1_000): Trace {
  const random = seededRandom(seed);
  const next = zipfSampler(items, 0.9, random);
  const keys: string[] = [];
  const scanEvery = 10_000;
  const scanLength = 2_000;
  let scanned = 0;
  while (keys.length < length) {
    if (keys.length > 0 && keys.length % scanEvery === 0) {
      for (let i = 0; i < scanLength && keys.length < length; i++) keys.push(`scan:${scanned++}`);
    }
    keys.push(`item:${next()}`);
  }
  return { name: 'Zipf 0.9 + one-off scans', cacheSize, keys };
}

/** Plain Zipf popularity. */
export function zipf(seed = 7, length = 200_000, items = 20_000, cacheSize = 1_000): Trace {
  const next = zipfSampler(items, 0.9, seededRandom(seed));
  return { name: 'Zipf 0.9', cacheSize, keys: Array.from({ length }, () => `item:${next()}`) };
}

/**
 * Zipf popularity whose favourites change: every `phase` accesses the ranks are
 * rotated onto other keys, so yesterday's hot keys go cold at once.
 */
export function shiftingZipf(seed = 9, length = 200_000, items = 20_000, cacheSize = 1_000, phase = 25_000): Trace {
  const next = zipfSampler(items, 0.9, seededRandom(seed));
  const keys = Array.from({ length }, (_, i) => `item:${(next() + Math.floor(i / phase) * 7919) % items}`);
  return { name: `Zipf 0.9, favourites change every ${phase / 1000}k`, cacheSize, keys };
}

/** A loop over 1.5× the cache size: LRU always evicts the key needed next. */
export function loop(length = 200_000, cacheSize = 1_000): Trace {
  const span = Math.round(cacheSize * 1.5);
  return { name: 'loop 1.5× cache', cacheSize, keys: Array.from({ length }, (_, i) => `loop:${i % span}`) };
}

/**
 * Recency-biased: most accesses go back to a key seen a short while ago (the
 * distance drawn with a heavy tail), the rest are new keys. Popularity counts
 * say little here; how recently a key was used says a lot, so a large window wins.
 */
export function recency(seed = 13, length = 200_000, cacheSize = 1_000): Trace {
  const random = seededRandom(seed);
  const keys: string[] = [];
  let fresh = 0;
  for (let i = 0; i < length; i++) {
    if (i === 0 || random() < 0.2) keys.push(`recent:${fresh++}`);
    else keys.push(keys[Math.max(0, i - 1 - Math.floor(random() ** 3 * 4 * cacheSize))]!);
  }
  return { name: 'recency-biased (re-use of recent keys)', cacheSize, keys };
}
