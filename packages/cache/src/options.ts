// Cache options, their documentation, and the checks that turn a bad option
// into a typed error at construction rather than odd behaviour later.
import { InvalidOptionError } from './errors.js';
import type { SecondLevel } from './secondLevel.js';

/** Longest allowed `negativeTtl`: a cached failure must stay short-lived. */
export const MAX_NEGATIVE_TTL = 60_000;

export interface CacheOptions<V> {
  /** Most entries held in process. At least one of `max` and `maxSize` is required. */
  readonly max?: number;
  /** Most total size held in process, as measured by `sizeCalculation` (default: every entry weighs 1). With policy `'tinylfu'`, instead of `max` (Caffeine's `maximumWeight`). */
  readonly maxSize?: number;
  /** Size of one value for `maxSize`; must return a positive integer (otherwise the value is not stored: `InvalidSizeError`). */
  readonly sizeCalculation?: (value: V, key: string) => number;
  /** Default time to live in ms; `0` or absent: entries do not expire. Expiry is lazy: no timer per entry. */
  readonly ttl?: number;
  /** Spreads expiries: each TTL is shortened by up to this fraction (0 ≤ jitter < 1), so keys written together do not expire together. */
  readonly ttlJitter?: number;
  /** After expiry, `getOrLoad` serves the old value for this many ms while one background refresh runs. */
  readonly staleWhileRevalidate?: number;
  /** After expiry, `getOrLoad` serves the old value for this many ms when the refresh fails. */
  readonly staleIfError?: number;
  /** Caches a loader's error for this many ms (at most 60 000 and at most `ttl`; never longer than the call's own `ttl`), so a failing backend is not hammered. Off when absent. */
  readonly negativeTtl?: number;
  /** Aborts a loader (its signal fires) and rejects its waiters with `LoadTimeoutError` after this many ms. Off when absent. */
  readonly loadTimeout?: number;
  /** Eviction policy: `'lru'` (lru-cache, default) or `'tinylfu'` (W-TinyLFU admission with an adaptive window; bounded by `max` or by `maxSize`, not both). */
  readonly policy?: 'lru' | 'tinylfu';
  /** Name carried in diagnostics_channel messages. Default `'cache'`. */
  readonly name?: string;
  /** Clock in ms, for tests. Default: `Date.now()` read at most once per millisecond (expiry exact to 1 ms). */
  readonly now?: () => number;
  /** Source of randomness in [0, 1) for `ttlJitter`, for seeded tests. Default `Math.random`. */
  readonly random?: () => number;
  /** Shared second level, e.g. `new RedisTier(...)` from `@perf/cache/redis`. The cache closes it on `close()`. */
  readonly secondLevel?: SecondLevel;
  /** Longest wait for one second-level call before the read goes on without it (ms). Default 100. */
  readonly secondLevelTimeout?: number;
  /** Single flight across instances: the first instance to miss takes a lock for this many ms and loads; the others poll the second level. Needs `secondLevel`. */
  readonly lock?: {
    /** Lock lifetime and the longest the others wait before loading themselves (ms). */
    readonly ttl: number;
    /** How often the others look for the value (ms). Default 20. */
    readonly pollInterval?: number;
  };
}

function nonNegative(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0)) {
    throw new InvalidOptionError(name, `must be a finite number ≥ 0 (got ${String(v)})`);
  }
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v > 0)) {
    throw new InvalidOptionError(name, `must be a positive integer (got ${String(v)})`);
  }
}

export function validateOptions<V>(o: CacheOptions<V>): void {
  if (o.max === undefined && o.maxSize === undefined) {
    throw new InvalidOptionError('max', 'or "maxSize" is required: an unbounded cache grows until the process dies');
  }
  positiveInt('max', o.max);
  positiveInt('maxSize', o.maxSize);
  if (o.sizeCalculation !== undefined && o.maxSize === undefined) {
    throw new InvalidOptionError('sizeCalculation', 'needs "maxSize" to be set');
  }
  nonNegative('ttl', o.ttl);
  nonNegative('staleWhileRevalidate', o.staleWhileRevalidate);
  nonNegative('staleIfError', o.staleIfError);
  if (o.ttlJitter !== undefined && !(o.ttlJitter >= 0 && o.ttlJitter < 1)) {
    throw new InvalidOptionError('ttlJitter', `must be a fraction in [0, 1) (got ${String(o.ttlJitter)})`);
  }
  if (o.negativeTtl !== undefined) {
    if (!(Number.isFinite(o.negativeTtl) && o.negativeTtl > 0 && o.negativeTtl <= MAX_NEGATIVE_TTL)) {
      throw new InvalidOptionError(
        'negativeTtl',
        `must be > 0 and ≤ ${MAX_NEGATIVE_TTL} ms: a cached error should be short-lived (got ${String(o.negativeTtl)})`,
      );
    }
    if (o.ttl && o.negativeTtl > o.ttl) {
      throw new InvalidOptionError('negativeTtl', `must not exceed ttl=${o.ttl} ms (got ${o.negativeTtl})`);
    }
  }
  if (o.loadTimeout !== undefined && !(Number.isFinite(o.loadTimeout) && o.loadTimeout > 0)) {
    throw new InvalidOptionError('loadTimeout', `must be a finite number > 0 (got ${String(o.loadTimeout)})`);
  }
  if (o.policy !== undefined && o.policy !== 'lru' && o.policy !== 'tinylfu') {
    throw new InvalidOptionError('policy', `must be 'lru' or 'tinylfu' (got ${String(o.policy)})`);
  }
  if (o.policy === 'tinylfu' && o.max !== undefined && o.maxSize !== undefined) {
    throw new InvalidOptionError(
      'policy',
      "'tinylfu' weighs entries by one measure: set max (entries) or maxSize (with sizeCalculation), not both",
    );
  }
  if (o.secondLevelTimeout !== undefined && !(Number.isFinite(o.secondLevelTimeout) && o.secondLevelTimeout > 0)) {
    throw new InvalidOptionError(
      'secondLevelTimeout',
      `must be a finite number > 0 (got ${String(o.secondLevelTimeout)})`,
    );
  }
  if (o.lock !== undefined) {
    if (o.secondLevel === undefined) throw new InvalidOptionError('lock', 'needs "secondLevel" (the lock lives there)');
    if (!(Number.isFinite(o.lock.ttl) && o.lock.ttl > 0)) {
      throw new InvalidOptionError('lock.ttl', `must be a finite number > 0 (got ${String(o.lock.ttl)})`);
    }
    if (o.lock.pollInterval !== undefined && !(Number.isFinite(o.lock.pollInterval) && o.lock.pollInterval > 0)) {
      throw new InvalidOptionError(
        'lock.pollInterval',
        `must be a finite number > 0 (got ${String(o.lock.pollInterval)})`,
      );
    }
  }
}

/** Per-write options of `set` and `getOrLoad`. */
export interface WriteOptions {
  /** Time to live in ms for this entry; overrides the cache's `ttl` (`0`: no expiry). */
  readonly ttl?: number;
  /** Tags for `invalidateTag`. */
  readonly tags?: readonly string[];
}

export function validateWrite(o: WriteOptions | undefined): void {
  if (o === undefined) return;
  nonNegative('ttl', o.ttl);
  if (o.tags !== undefined && !o.tags.every((t) => typeof t === 'string')) {
    throw new InvalidOptionError('tags', 'must be an array of strings');
  }
}
