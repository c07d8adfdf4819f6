// Seeded access traces for the hit-ratio suite. Same seed, same trace, on
// every machine: the ratios in the README can be reproduced exactly. A trace is
// a sequence of integer key ids (an Int32Array: compact, and written as is to
// the file the Caffeine replay reads); the replays turn ids into string keys.
import { seededRandom } from '@perf/bench';

export interface Trace {
  readonly name: string;
  /** Entries the cache holds. */
  readonly cacheSize: number;
  /** Key ids, one per access. */
  readonly keys: Int32Array;
}

/** A stateful source of key ids: each call is the next access. */
export type KeySource = () => number;

/** Draws ranks 0..n-1 with Zipf popularity (exponent `s`): rank 0 is the most popular. */
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

/**
 * A fixed pseudo-random permutation of 0..n-1 (multiplication by an odd
 * constant modulo a power of two, cycle-walked into range), so that popular
 * ranks are not consecutive ids and a shift lands favourites on unrelated keys.
 */
function scramble(n: number): (i: number) => number {
  let size = 1;
  while (size < n) size *= 2;
  const mask = size - 1;
  return (i) => {
    let x = i;
    do x = (Math.imul(x, 0x2c1b3c6d) + 0x297a2d39) & mask;
    while (x >= n);
    return x;
  };
}

/** Zipf popularity over `items` keys starting at id `base`. */
export function zipfSource(seed: number, skew: number, items: number, base = 0): KeySource {
  const next = zipfSampler(items, skew, seededRandom(seed));
  const id = scramble(items);
  return () => base + id(next());
}

/**
 * Re-use of recent keys: with probability `fresh` a never-seen key, otherwise a
 * key accessed a short while ago (the distance back drawn with a heavy tail up to
 * `reach` accesses). How often a key was used says little; how recently, a lot.
 */
export function recencySource(seed: number, reach: number, fresh = 0.2, base = 0): KeySource {
  const random = seededRandom(seed);
  const history = new Int32Array(reach);
  let count = 0;
  let created = 0;
  return () => {
    let key: number;
    if (count === 0 || random() < fresh) key = base + created++;
    else key = history[(count - 1 - Math.floor(random() ** 3 * Math.min(count, reach))) % reach]!;
    history[count % reach] = key;
    count++;
    return key;
  };
}

/**
 * Popularity that follows age (YCSB's "latest"): every `insertEvery` accesses a
 * new key appears, and accesses pick keys by Zipf over how recently they appeared.
 */
export function latestSource(seed: number, skew: number, window: number, insertEvery: number, base = 0): KeySource {
  const next = zipfSampler(window, skew, seededRandom(seed));
  let i = 0;
  return () => {
    const newest = Math.floor(i++ / insertEvery) + window;
    return base + newest - next();
  };
}

/** Builds a trace of `length` accesses from one source. */
export function take(name: string, cacheSize: number, length: number, source: KeySource): Trace {
  const keys = new Int32Array(length);
  for (let i = 0; i < length; i++) keys[i] = source();
  return { name, cacheSize, keys };
}

/**
 * Alternating phases of `phase` accesses, one source after another; each
 * source resumes where it stopped (its own key range), so a phase can find its
 * keys still cached from the last time round.
 */
export function phases(name: string, cacheSize: number, length: number, phase: number, sources: KeySource[]): Trace {
  const keys = new Int32Array(length);
  for (let i = 0; i < length; i++) keys[i] = sources[Math.floor(i / phase) % sources.length]!();
  return { name, cacheSize, keys };
}

/** Plain Zipf popularity. */
export function zipf(seed: number, skew: number, items: number, length: number, cacheSize: number): Trace {
  return take(`Zipf ${skew.toFixed(1)}`, cacheSize, length, zipfSource(seed, skew, items));
}

/**
 * Zipf popularity with one-off scans: every `scanEvery` accesses a burst of
 * `scanLength` keys that are never seen again (a batch job, a crawler).
 */
export function zipfWithScans(
  seed: number,
  items: number,
  length: number,
  cacheSize: number,
  scanEvery: number,
  scanLength: number,
): Trace {
  const zipfKey = zipfSource(seed, 0.9, items);
  let scanned = 0;
  let i = 0;
  const source = () => {
    const at = i++ % (scanEvery + scanLength);
    return at < scanEvery ? zipfKey() : items + scanned++;
  };
  return take(`Zipf 0.9 + scans of ${scanLength / 1000}k every ${scanEvery / 1000}k`, cacheSize, length, source);
}

/** A loop over `span` keys: LRU evicts exactly the key needed next. */
export function loop(span: number, length: number, cacheSize: number): Trace {
  let i = 0;
  return take(`loop over ${span / 1000}k keys`, cacheSize, length, () => i++ % span);
}

/**
 * Zipf popularity whose favourites change at once every `phase` accesses: the
 * ranks move onto unrelated keys, so yesterday's hot keys go cold.
 */
export function shiftingZipf(seed: number, items: number, length: number, cacheSize: number, phase: number): Trace {
  const next = zipfSampler(items, 0.9, seededRandom(seed));
  const id = scramble(items);
  let i = 0;
  const source = () => id((next() + Math.floor(i++ / phase) * 7919) % items);
  return take(`Zipf 0.9, favourites change every ${phase / 1000}k`, cacheSize, length, source);
}

/** Zipf popularity that drifts: every `every` accesses each rank moves to the next key, so favourites cool slowly. */
export function driftingZipf(seed: number, items: number, length: number, cacheSize: number, every: number): Trace {
  const next = zipfSampler(items, 0.9, seededRandom(seed));
  let i = 0;
  const source = () => next() + Math.floor(i++ / every);
  return take(`Zipf 0.9 drifting one key per ${every}`, cacheSize, length, source);
}

/**
 * Keys used exactly twice, `distance` calls apart: blocks of `distance` new
 * keys, each block read again right after (session-scoped re-reads).
 */
export function pairsSource(distance: number, base = 0): KeySource {
  let i = 0;
  return () => {
    const block = Math.floor(i / (2 * distance));
    const at = i++ % (2 * distance);
    return base + block * distance + (at % distance);
  };
}

/** Each access from `a` with probability `share`, else from `b`. */
export function mixSource(seed: number, share: number, a: KeySource, b: KeySource): KeySource {
  const random = seededRandom(seed);
  return () => (random() < share ? a() : b());
}
