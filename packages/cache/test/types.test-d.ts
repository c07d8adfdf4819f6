import { describe, expectTypeOf, test } from 'vitest';
import {
  Cache,
  type CacheChannelMessages,
  type CacheError,
  type CacheErrorCode,
  type CacheStats,
  channelNames,
  type InvalidOptionError,
  type LockOptions,
  type Memo,
  type SecondLevel,
  type SecondLevelEvents,
  type SecondLevelOp,
} from '../src/index.js';

describe('public types', () => {
  test('get returns V | undefined; getOrLoad returns Promise<V>', () => {
    const cache = new Cache<{ id: number }>({ max: 10 });
    expectTypeOf(cache.get('k')).toEqualTypeOf<{ id: number } | undefined>();
    expectTypeOf(cache.getOrLoad('k', () => ({ id: 1 }))).toEqualTypeOf<Promise<{ id: number }>>();
    expectTypeOf(cache.stats()).toEqualTypeOf<CacheStats>();
  });

  test('undefined cannot be a value type; null can', () => {
    // @ts-expect-error undefined would be indistinguishable from a miss
    new Cache<undefined>({ max: 1 });
    new Cache<string | null>({ max: 1 });
  });

  test('memo keeps the argument and result types', () => {
    const cache = new Cache<number>({ max: 10 });
    const m = cache.memo(async (pool: string, n: number) => pool.length + n);
    expectTypeOf(m).toEqualTypeOf<Memo<[pool: string, n: number], number>>();
    expectTypeOf(m('a', 1)).toEqualTypeOf<Promise<number>>();
  });

  test('the loader sees key, signal and the stale value', () => {
    const cache = new Cache<string>({ max: 10 });
    void cache.getOrLoad('k', ({ key, signal, stale }) => {
      expectTypeOf(key).toEqualTypeOf<string>();
      expectTypeOf(signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(stale).toEqualTypeOf<string | undefined>();
      return 'v';
    });
  });

  test('a SecondLevel written before the connection events (one-argument subscribe, no bound) still fits', () => {
    const legacy = {
      get: async () => undefined,
      set: async () => {},
      delete: async () => {},
      invalidateTag: async () => {},
      clear: async () => {},
      publish: async () => {},
      subscribe: (_listener: (m: { origin: string }) => void) => {},
      acquireLock: async () => true,
      releaseLock: async () => {},
      close: async () => {},
    };
    expectTypeOf(legacy).toExtend<SecondLevel>();
    new Cache<string>({ max: 10, secondLevel: legacy });
    expectTypeOf<SecondLevelEvents>().toEqualTypeOf<{
      readonly busRestored?: () => void;
      readonly reconnected?: () => void;
    }>();
  });
});

describe('the package contract', () => {
  test('error codes are a union that a switch narrows', () => {
    const describe = (error: CacheError): string => {
      switch (error.code) {
        case 'PERF_CACHE_INVALID_OPTION':
        case 'PERF_CACHE_UNDEFINED_VALUE':
        case 'PERF_CACHE_INVALID_SIZE':
        case 'PERF_CACHE_LOAD_TIMEOUT':
        case 'PERF_CACHE_LOAD_ABORTED':
        case 'PERF_CACHE_CLOSED':
        case 'PERF_CACHE_SECOND_LEVEL_TIMEOUT':
        case 'PERF_CACHE_INVALIDATIONS_UNDELIVERED':
          return error.code;
        default:
          return error.code satisfies never;
      }
    };
    expectTypeOf(describe).parameter(0).toEqualTypeOf<CacheError>();
    expectTypeOf<InvalidOptionError['code']>().toEqualTypeOf<'PERF_CACHE_INVALID_OPTION'>();
    expectTypeOf<CacheError['code']>().toEqualTypeOf<CacheErrorCode>();
  });

  test('each channel has its message type, with the cache name', () => {
    expectTypeOf<keyof CacheChannelMessages>().toEqualTypeOf<keyof typeof channelNames>();
    expectTypeOf(channelNames.l2Error).toEqualTypeOf<'perf:cache:l2-error'>();
    expectTypeOf<CacheChannelMessages['l2Error']['op']>().toEqualTypeOf<SecondLevelOp>();
    expectTypeOf<CacheStats['name']>().toEqualTypeOf<string>();
  });

  test('durations say their unit, except the names copied from lru-cache', () => {
    new Cache<string>({
      max: 10,
      ttl: 1_000,
      staleWhileRevalidateMs: 1,
      staleIfErrorMs: 1,
      negativeTtlMs: 1,
      loadTimeoutMs: 1,
      secondLevelTimeoutMs: 1,
    });
    // @ts-expect-error renamed staleWhileRevalidateMs
    new Cache<string>({ max: 10, staleWhileRevalidate: 1 });
    expectTypeOf<LockOptions>().toEqualTypeOf<{ readonly ttlMs: number; readonly pollIntervalMs?: number }>();
  });
});
