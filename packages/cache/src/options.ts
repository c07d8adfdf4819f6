// Every option of this package, its documentation, and the resolvers that turn
// a bad option into an InvalidOptionError at construction rather than odd
// behaviour later: each constructor resolves its options once and keeps the
// result. Durations say their unit (`...Ms`), except the names copied from
// lru-cache (`ttl`, `max`, `maxSize`, `sizeCalculation`), which keep its units.
// RedisTierOptions alone is declared in redis.ts (see resolveRedisTierOptions).
import { coarseNow } from './clock.js';
import { InvalidOptionError } from './errors.js';
import type { SecondLevel } from './secondLevel.js';

/** Longest allowed `negativeTtlMs`: a cached failure must stay short-lived. */
export const MAX_NEGATIVE_TTL_MS = 60_000;

/** Single flight across instances through the second level. */
export interface LockOptions {
  /** Lifetime of the lock, and the longest the other instances wait before loading themselves (ms). */
  readonly ttlMs: number;
  /** How often the other instances look for the value in the second level (ms). Default 20. */
  readonly pollIntervalMs?: number;
}

/** Options of `new Cache(options)`. */
export interface CacheOptions<V> {
  /** Name carried in `stats()`, in errors and in every diagnostics_channel message. Default `'cache'`. */
  readonly name?: string;
  /** Most entries held in process (lru-cache's `max`). At least one of `max` and `maxSize` is required. */
  readonly max?: number;
  /**
   * Most total size held in process, as measured by `sizeCalculation` (lru-cache's `maxSize`; default: every
   * entry weighs 1). With policy `'tinylfu'`, instead of `max` (Caffeine's `maximumWeight`).
   */
  readonly maxSize?: number;
  /**
   * Size of one value for `maxSize` (lru-cache's `sizeCalculation`); must return a positive integer
   * (otherwise the value is not stored: `InvalidSizeError`).
   */
  readonly sizeCalculation?: (value: V, key: string) => number;
  /**
   * Default time to live in milliseconds (lru-cache's `ttl`, in its unit); `0` or absent: entries do not
   * expire. Expiry is lazy: no timer per entry.
   */
  readonly ttl?: number;
  /** Spreads expiries: each TTL is shortened by up to this fraction (0 ≤ jitter < 1), so keys written together do not expire together. */
  readonly ttlJitter?: number;
  /** After expiry, `getOrLoad` serves the old value for this many ms while one background refresh runs. Default 0. */
  readonly staleWhileRevalidateMs?: number;
  /** After expiry, `getOrLoad` serves the old value for this many ms when the refresh fails. Default 0. */
  readonly staleIfErrorMs?: number;
  /**
   * Caches a loader's error for this many ms (at most 60 000 and at most `ttl`; never longer than the
   * call's own `ttl`), so a failing backend is not hammered. Off when absent.
   */
  readonly negativeTtlMs?: number;
  /** Aborts a loader (its signal fires) and rejects its waiters with `LoadTimeoutError` after this many ms. Off when absent. */
  readonly loadTimeoutMs?: number;
  /** Eviction policy: `'lru'` (lru-cache, default) or `'tinylfu'` (W-TinyLFU admission with an adaptive window; bounded by `max` or by `maxSize`, not both). */
  readonly policy?: 'lru' | 'tinylfu';
  /** Clock in ms, for tests. Default: `Date.now()` read at most once per millisecond (expiry exact to 1 ms). */
  readonly now?: () => number;
  /** Source of randomness in [0, 1) for `ttlJitter`, for seeded tests. Default `Math.random`. */
  readonly random?: () => number;
  /** Shared second level, e.g. `new RedisTier(...)` from `@perf/cache/redis`. The cache closes it on `close()`. */
  readonly secondLevel?: SecondLevel;
  /** Longest wait for one second-level call before the read goes on without it (ms). Default 100. */
  readonly secondLevelTimeoutMs?: number;
  /**
   * Single flight across instances: the first instance to miss takes a lock for `ttlMs` and loads; the
   * others poll the second level. Needs `secondLevel`.
   */
  readonly lock?: LockOptions;
}

/** {@link CacheOptions} with every default filled in and every value checked. */
export interface ResolvedCacheOptions<V> {
  readonly name: string;
  readonly max: number | undefined;
  readonly maxSize: number | undefined;
  readonly sizeCalculation: ((value: V, key: string) => number) | undefined;
  /** 0: no expiry. */
  readonly ttl: number;
  readonly ttlJitter: number;
  readonly staleWhileRevalidateMs: number;
  readonly staleIfErrorMs: number;
  /** 0: errors are not cached. */
  readonly negativeTtlMs: number;
  /** 0: no timeout. */
  readonly loadTimeoutMs: number;
  readonly policy: 'lru' | 'tinylfu';
  readonly now: () => number;
  readonly random: () => number;
  readonly secondLevel: SecondLevel | undefined;
  readonly secondLevelTimeoutMs: number;
  readonly lock: Required<LockOptions> | undefined;
}

/** What the cache calls on a second level: anything without one of these is not a SecondLevel. */
const SECOND_LEVEL_METHODS = [
  'get',
  'set',
  'delete',
  'invalidateTag',
  'clear',
  'publish',
  'subscribe',
  'acquireLock',
  'releaseLock',
  'close',
] as const;

/** Checks `options` once, at construction, and fills in the defaults. */
export function resolveCacheOptions<V>(options: CacheOptions<V>): ResolvedCacheOptions<V> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object of CacheOptions', options);
  }
  const name = options.name ?? 'cache';
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', 'a non-empty string', name);
  const { max, maxSize } = options;
  if (max === undefined && maxSize === undefined) {
    throw new InvalidOptionError(
      'max',
      'a positive integer when maxSize is absent (an unbounded cache grows until the process dies)',
      max,
    );
  }
  if (max !== undefined) positiveInteger('max', max);
  if (maxSize !== undefined) positiveInteger('maxSize', maxSize);
  const sizeCalculation = options.sizeCalculation;
  if (sizeCalculation !== undefined) {
    if (maxSize === undefined) {
      throw new InvalidOptionError(
        'sizeCalculation',
        'used with maxSize, the bound its sizes count toward',
        sizeCalculation,
      );
    }
    aFunction('sizeCalculation', sizeCalculation);
  }
  const ttl = nonNegative('ttl', options.ttl ?? 0);
  const ttlJitter = options.ttlJitter ?? 0;
  if (typeof ttlJitter !== 'number' || !(ttlJitter >= 0 && ttlJitter < 1)) {
    throw new InvalidOptionError('ttlJitter', 'a fraction in [0, 1)', ttlJitter);
  }
  const negativeTtlMs = options.negativeTtlMs;
  if (negativeTtlMs !== undefined) {
    if (typeof negativeTtlMs !== 'number' || !(negativeTtlMs > 0 && negativeTtlMs <= MAX_NEGATIVE_TTL_MS)) {
      throw new InvalidOptionError(
        'negativeTtlMs',
        `a number of ms > 0 and ≤ ${MAX_NEGATIVE_TTL_MS} (a cached error should be short-lived)`,
        negativeTtlMs,
      );
    }
    if (ttl > 0 && negativeTtlMs > ttl) {
      throw new InvalidOptionError('negativeTtlMs', `at most ttl (${ttl} ms)`, negativeTtlMs);
    }
  }
  const policy = options.policy ?? 'lru';
  if (policy !== 'lru' && policy !== 'tinylfu') throw new InvalidOptionError('policy', "'lru' or 'tinylfu'", policy);
  if (policy === 'tinylfu' && max !== undefined && maxSize !== undefined) {
    throw new InvalidOptionError(
      'policy',
      "'lru' when both max and maxSize are set ('tinylfu' weighs entries by one measure: set max, or maxSize with sizeCalculation)",
      policy,
    );
  }
  const secondLevel = options.secondLevel;
  if (secondLevel !== undefined && !SECOND_LEVEL_METHODS.every((m) => typeof secondLevel?.[m] === 'function')) {
    throw new InvalidOptionError(
      'secondLevel',
      'a SecondLevel (e.g. new RedisTier() from @perf/cache/redis)',
      secondLevel,
    );
  }
  return {
    name,
    max,
    maxSize,
    sizeCalculation,
    ttl,
    ttlJitter,
    staleWhileRevalidateMs: nonNegative('staleWhileRevalidateMs', options.staleWhileRevalidateMs ?? 0),
    staleIfErrorMs: nonNegative('staleIfErrorMs', options.staleIfErrorMs ?? 0),
    negativeTtlMs: negativeTtlMs ?? 0,
    loadTimeoutMs: options.loadTimeoutMs === undefined ? 0 : positive('loadTimeoutMs', options.loadTimeoutMs),
    policy,
    now: aFunction('now', options.now ?? coarseNow),
    random: aFunction('random', options.random ?? Math.random),
    secondLevel,
    secondLevelTimeoutMs: positive('secondLevelTimeoutMs', options.secondLevelTimeoutMs ?? 100),
    lock: resolveLock(options.lock, secondLevel),
  };
}

function resolveLock(
  lock: LockOptions | undefined,
  secondLevel: SecondLevel | undefined,
): Required<LockOptions> | undefined {
  if (lock === undefined) return undefined;
  if (secondLevel === undefined)
    throw new InvalidOptionError('lock', 'used with secondLevel (the lock lives there)', lock);
  if (typeof lock !== 'object' || lock === null)
    throw new InvalidOptionError('lock', 'an object { ttlMs, pollIntervalMs? }', lock);
  return {
    ttlMs: positive('lock.ttlMs', lock.ttlMs),
    pollIntervalMs: positive('lock.pollIntervalMs', lock.pollIntervalMs ?? 20),
  };
}

/** Per-write options of `set` and `getOrLoad`. */
export interface WriteOptions {
  /** Time to live in ms for this entry (lru-cache's per-entry `ttl`); overrides the cache's `ttl` (`0`: no expiry). */
  readonly ttl?: number;
  /** Tags for `invalidateTag`. */
  readonly tags?: readonly string[];
}

/** Checks the options of one call (they change per call, so they are checked per call). */
export function validateWrite(o: WriteOptions | undefined): void {
  if (o === undefined) return;
  if (o.ttl !== undefined) nonNegative('ttl', o.ttl);
  if (o.tags !== undefined && !(Array.isArray(o.tags) && o.tags.every((t) => typeof t === 'string'))) {
    throw new InvalidOptionError('tags', 'an array of strings', o.tags);
  }
}

/** Options of `memo`. */
export interface MemoOptions<A extends unknown[]> extends WriteOptions {
  /** Key of one call's arguments. Default: `JSON.stringify(args)`. */
  readonly key?: (...args: A) => string;
  /**
   * Name of this memo, unique within the cache; its results live under `memo:<name>:`.
   * Required when the cache has a second level, so that instances share the results of the
   * same function and never read another function's. Default: a per-instance counter.
   */
  readonly name?: string;
}

/** Checks the options of `memo()` once, when the memoised function is made. */
export function validateMemo<A extends unknown[]>(options: MemoOptions<A> | undefined, shared: boolean): void {
  validateWrite(options);
  const name = options?.name;
  if (name === undefined ? shared : typeof name !== 'string' || name === '') {
    throw new InvalidOptionError(
      'name',
      shared
        ? 'a non-empty string naming the memo on a cache with a second level (instances share its results by name)'
        : 'a non-empty string',
      name,
    );
  }
  if (options?.key !== undefined) aFunction('key', options.key);
}

/** Options of `warm`. */
export interface WarmOptions extends WriteOptions {
  /** Most loads at once when warming from a loader. Default 8. */
  readonly concurrency?: number;
}

/** Checks the options of `warm()`; resolves the concurrency. */
export function resolveWarm(options: WarmOptions | undefined): number {
  validateWrite(options);
  return positiveInteger('concurrency', options?.concurrency ?? 8);
}

/**
 * What {@link resolveRedisTierOptions} checks of `RedisTierOptions`. The interface itself is in
 * redis.ts: it names ioredis' types, which the main entry must never reference (ioredis is an
 * optional peer dependency).
 */
interface RedisTierBasics {
  readonly url: string;
  readonly namespace: string;
  readonly maxQueuedInvalidations?: number;
}

const NAMESPACE = /^[A-Za-z0-9_.-]+$/;

/** Checks `RedisTierOptions` once, at construction, and fills in the defaults. */
export function resolveRedisTierOptions<O extends RedisTierBasics>(
  options: O,
): O & { readonly maxQueuedInvalidations: number } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object of RedisTierOptions', options);
  }
  if (typeof options.url !== 'string' || options.url === '') {
    throw new InvalidOptionError('url', 'a Redis URL such as "redis://127.0.0.1:6379"', options.url);
  }
  if (typeof options.namespace !== 'string' || !NAMESPACE.test(options.namespace)) {
    throw new InvalidOptionError('namespace', 'non-empty letters, digits, "_", "." or "-"', options.namespace);
  }
  return {
    ...options,
    maxQueuedInvalidations: positiveInteger('maxQueuedInvalidations', options.maxQueuedInvalidations ?? 1_000),
  };
}

// The checks every option goes through, so each fails with the same kind of error.

function positiveInteger(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidOptionError(option, 'a positive integer', value);
  return value;
}

function nonNegative(option: string, value: number): number {
  if (typeof value !== 'number' || !(Number.isFinite(value) && value >= 0)) {
    throw new InvalidOptionError(option, 'a finite number of ms ≥ 0', value);
  }
  return value;
}

function positive(option: string, value: number): number {
  if (typeof value !== 'number' || !(Number.isFinite(value) && value > 0)) {
    throw new InvalidOptionError(option, 'a finite number of ms > 0', value);
  }
  return value;
}

function aFunction<F>(option: string, value: F): F {
  if (typeof value !== 'function') throw new InvalidOptionError(option, 'a function', value);
  return value;
}
