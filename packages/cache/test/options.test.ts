// Options are checked once, at construction (per call for the options of one
// call), and a bad one is an InvalidOptionError naming the option, what it must
// be and what was received.
import { describe, expect, test } from 'vitest';
import { Cache, type CacheOptions, InvalidOptionError, MAX_NEGATIVE_TTL_MS, type SecondLevel } from '../src/index.js';
import { RedisTier } from '../src/redis.js';

/** The error `fn` throws, checked to be an InvalidOptionError. */
function invalidOption(fn: () => unknown): InvalidOptionError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidOptionError);
  return caught as InvalidOptionError;
}

/** A second level that does nothing, enough to construct a tiered cache. */
const idle: SecondLevel = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
  invalidateTag: async () => {},
  clear: async () => {},
  publish: async () => {},
  subscribe: () => {},
  acquireLock: async () => false,
  releaseLock: async () => {},
  close: async () => {},
};

describe('new Cache(options)', () => {
  test.each<[Partial<CacheOptions<string>> | null, string]>([
    [null, 'options'],
    [{}, 'max'],
    [{ max: 0 }, 'max'],
    [{ max: -1 }, 'max'],
    [{ max: 1.5 }, 'max'],
    [{ maxSize: 0 }, 'maxSize'],
    [{ max: 10, name: '' }, 'name'],
    [{ max: 10, ttl: -1 }, 'ttl'],
    [{ max: 10, ttl: Number.NaN }, 'ttl'],
    [{ max: 10, ttlJitter: 1 }, 'ttlJitter'],
    [{ max: 10, staleWhileRevalidateMs: -5 }, 'staleWhileRevalidateMs'],
    [{ max: 10, staleIfErrorMs: Number.POSITIVE_INFINITY }, 'staleIfErrorMs'],
    [{ max: 10, negativeTtlMs: 120_000 }, 'negativeTtlMs'],
    [{ max: 10, ttl: 100, negativeTtlMs: 500 }, 'negativeTtlMs'],
    [{ max: 10, loadTimeoutMs: 0 }, 'loadTimeoutMs'],
    [{ max: 10, policy: 'lfu' as 'lru' }, 'policy'],
    [{ max: 10, maxSize: 10, policy: 'tinylfu' }, 'policy'],
    [{ max: 10, sizeCalculation: () => 1 }, 'sizeCalculation'],
    [{ max: 10, now: 5 as unknown as () => number }, 'now'],
    [{ max: 10, random: 'seeded' as unknown as () => number }, 'random'],
    [{ max: 10, secondLevel: {} as SecondLevel }, 'secondLevel'],
    [{ max: 10, secondLevelTimeoutMs: 0, secondLevel: idle }, 'secondLevelTimeoutMs'],
    [{ max: 10, lock: { ttlMs: 100 } }, 'lock'],
    [{ max: 10, secondLevel: idle, lock: { ttlMs: 0 } }, 'lock.ttlMs'],
    [{ max: 10, secondLevel: idle, lock: { ttlMs: 100, pollIntervalMs: -1 } }, 'lock.pollIntervalMs'],
  ])('%j throws InvalidOptionError on %s', (options, option) => {
    const error = invalidOption(() => new Cache<string>(options as CacheOptions<string>));
    expect(error.code).toBe('PERF_CACHE_INVALID_OPTION');
    expect(error.option).toBe(option);
  });

  test('the message says which option, what it must be and what it received', () => {
    expect(invalidOption(() => new Cache<string>({ max: 10, negativeTtlMs: 120_000 }))).toMatchObject({
      option: 'negativeTtlMs',
      expected: `a number of ms > 0 and ≤ ${MAX_NEGATIVE_TTL_MS} (a cached error should be short-lived)`,
      received: 120_000,
      message: `@perf/cache: option negativeTtlMs must be a number of ms > 0 and ≤ ${MAX_NEGATIVE_TTL_MS} (a cached error should be short-lived), received 120000`,
    });
    expect(invalidOption(() => new Cache<string>({ max: 10, sizeCalculation: (v) => v.length })).message).toBe(
      '@perf/cache: option sizeCalculation must be used with maxSize, the bound its sizes count toward, received a function',
    );
    expect(invalidOption(() => new Cache<string>({ max: 10, name: '' })).message).toBe(
      '@perf/cache: option name must be a non-empty string, received ""',
    );
  });

  test('the lock needs a second level, since it lives there', () => {
    expect(invalidOption(() => new Cache<string>({ max: 10, lock: { ttlMs: 100 } })).message).toBe(
      '@perf/cache: option lock must be used with secondLevel (the lock lives there), received {"ttlMs":100}',
    );
  });

  test('a valid set of options constructs', async () => {
    const cache = new Cache<string>({
      name: 'checked-once',
      max: 10,
      ttl: 1_000,
      staleWhileRevalidateMs: 500,
      staleIfErrorMs: 500,
      negativeTtlMs: 100,
      loadTimeoutMs: 1_000,
      secondLevel: idle,
      secondLevelTimeoutMs: 50,
      lock: { ttlMs: 100, pollIntervalMs: 10 },
    });
    expect(cache.stats().name).toBe('checked-once');
    await cache.close();
  });
});

describe('the options of one call', () => {
  test('a negative per-entry ttl is rejected', () => {
    const cache = new Cache<string>({ max: 10 });
    expect(() => cache.set('a', 'x', { ttl: -1 })).toThrow(InvalidOptionError);
  });

  test('tags must be an array of strings', () => {
    const cache = new Cache<string>({ max: 10 });
    expect(invalidOption(() => cache.set('a', 'x', { tags: 'user:1' as unknown as string[] }))).toMatchObject({
      option: 'tags',
      received: 'user:1',
    });
  });

  test('getOrLoad rejects (never throws) with a bad per-call option', async () => {
    const cache = new Cache<string>({ max: 10 });
    await expect(cache.getOrLoad('a', () => 'x', { ttl: Number.NaN })).rejects.toMatchObject({
      code: 'PERF_CACHE_INVALID_OPTION',
      option: 'ttl',
    });
  });

  test('warm rejects a concurrency that is not a positive integer, before loading anything', async () => {
    const cache = new Cache<string>({ max: 10 });
    let loads = 0;
    const loader = () => {
      loads++;
      return 'v';
    };
    for (const concurrency of [0, Number.NaN, 1.5]) {
      await expect(cache.warm({ keys: ['a'], loader }, { concurrency })).rejects.toMatchObject({
        option: 'concurrency',
      });
    }
    expect(loads).toBe(0);
  });

  test('memo: a name that is not a non-empty string, or a key that is not a function', () => {
    const cache = new Cache<string>({ max: 10 });
    expect(invalidOption(() => cache.memo(async () => 'x', { name: '' })).option).toBe('name');
    expect(invalidOption(() => cache.memo(async () => 'x', { key: 'k' as unknown as () => string })).option).toBe(
      'key',
    );
  });

  test('memo on a cache with a second level needs a name', async () => {
    const cache = new Cache<string>({ max: 10, secondLevel: idle });
    expect(invalidOption(() => cache.memo(async () => 'x'))).toMatchObject({ option: 'name', received: undefined });
    await cache.close();
  });
});

describe('new RedisTier(options)', () => {
  test('an invalid url, namespace or maxQueuedInvalidations is a typed error, before any connection', () => {
    const url = 'redis://127.0.0.1:1';
    expect(invalidOption(() => new RedisTier({ url, namespace: 'a b*' }))).toMatchObject({
      option: 'namespace',
      message: '@perf/cache: option namespace must be non-empty letters, digits, "_", "." or "-", received "a b*"',
    });
    expect(invalidOption(() => new RedisTier({ url: '', namespace: 'ok' })).option).toBe('url');
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(invalidOption(() => new RedisTier({ url, namespace: 'ok', maxQueuedInvalidations: bad }))).toMatchObject({
        code: 'PERF_CACHE_INVALID_OPTION',
        option: 'maxQueuedInvalidations',
      });
    }
  });
});
