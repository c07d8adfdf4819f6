import { describe, expectTypeOf, test } from 'vitest';
import { Cache, type CacheStats, type Memo, type SecondLevel, type SecondLevelEvents } from '../src/index.js';

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
