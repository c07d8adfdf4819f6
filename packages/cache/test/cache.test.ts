import { deferred, manualClock, useFakeTime } from '@perf/testing';
import { describe, expect, test, vi } from 'vitest';
import {
  Cache,
  CacheClosedError,
  InvalidSizeError,
  LoadAbortedError,
  LoadTimeoutError,
  UndefinedValueError,
} from '../src/index.js';

useFakeTime();
// The default clock caches Date.now() for 1 ms; tests read the (fake) clock on every call.
const now = () => Date.now();

describe('get / set / ttl', () => {
  test('a value is fresh until its ttl, then gone (lazy expiry)', () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000 });
    cache.set('a', 'x');
    expect(cache.get('a')).toBe('x');
    vi.advanceTimersByTime(999);
    expect(cache.get('a')).toBe('x');
    vi.advanceTimersByTime(1);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 1 });
  });

  test('per-entry ttl overrides the default; ttl 0 never expires', () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000 });
    cache.set('short', 's', { ttl: 10 });
    cache.set('forever', 'f', { ttl: 0 });
    vi.advanceTimersByTime(5000);
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('forever')).toBe('f');
  });

  test('ttlJitter shortens each ttl by up to the fraction, from the injected random', () => {
    const randoms = [0, 0.5, 0.999];
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, ttlJitter: 0.2, random: () => randoms.shift()! });
    cache.set('a', '1'); // 1000 ms
    cache.set('b', '2'); // 900 ms
    cache.set('c', '3'); // ~800 ms
    vi.advanceTimersByTime(850);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual(['1', '2', undefined]);
    vi.advanceTimersByTime(100);
    expect([cache.get('a'), cache.get('b')]).toEqual(['1', undefined]);
  });

  test('an injected clock is used instead of Date.now', () => {
    const clock = manualClock(0);
    const cache = new Cache<string>({ max: 10, ttl: 100, now: clock.now });
    cache.set('a', 'x');
    clock.advance(99);
    expect(cache.get('a')).toBe('x');
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  test('undefined is rejected with a typed error and not stored', () => {
    const cache = new Cache<string | null>({ now, max: 10 });
    expect(() => cache.set('a', undefined as unknown as string)).toThrow(UndefinedValueError);
    expect(cache.size).toBe(0);
    cache.set('n', null);
    expect(cache.get('n')).toBeNull();
  });

  test('max evicts the least recently used entry and counts it', () => {
    const cache = new Cache<number>({ now, max: 2 });
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.stats().evictions).toBe(1);
  });

  test('maxSize with sizeCalculation bounds the total size', () => {
    const cache = new Cache<string>({ now, maxSize: 10, sizeCalculation: (v) => v.length });
    cache.set('a', 'xxxx');
    cache.set('b', 'yyyy');
    cache.set('c', 'zzzz');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('yyyy');
    expect(cache.get('c')).toBe('zzzz');
  });

  test('has() does not count as an access', () => {
    const cache = new Cache<number>({ now, max: 10 });
    cache.set('a', 1);
    expect(cache.has('a')).toBe(true);
    expect(cache.has('b')).toBe(false);
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0 });
  });
});

describe('getOrLoad', () => {
  test('concurrent misses share one load (single flight)', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const d = deferred<string>();
    const loader = vi.fn(() => d.promise);
    const all = Promise.all([cache.getOrLoad('k', loader), cache.getOrLoad('k', loader), cache.getOrLoad('k', loader)]);
    d.resolve('v');
    expect(await all).toEqual(['v', 'v', 'v']);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await cache.getOrLoad('k', loader)).toBe('v');
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats()).toMatchObject({ loads: 1, hits: 1, misses: 3 });
  });

  test('a load error reaches every waiter and is not cached', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const d = deferred<string>();
    const loader = vi.fn(() => d.promise);
    const a = cache.getOrLoad('k', loader);
    const b = cache.getOrLoad('k', loader);
    d.reject(new Error('db down'));
    await expect(a).rejects.toThrow('db down');
    await expect(b).rejects.toThrow('db down');
    expect(await cache.getOrLoad('k', () => 'ok')).toBe('ok');
    expect(cache.stats()).toMatchObject({ loads: 2, loadErrors: 1 });
  });

  test('negative caching keeps the error for negativeTtlMs only', async () => {
    const cache = new Cache<string>({ now, max: 10, negativeTtlMs: 500 });
    const loader = vi.fn(async (): Promise<string> => {
      throw new Error('not found');
    });
    await expect(cache.getOrLoad('k', loader)).rejects.toThrow('not found');
    await expect(cache.getOrLoad('k', loader)).rejects.toThrow('not found');
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.get('k')).toBeUndefined();
    vi.advanceTimersByTime(500);
    await expect(cache.getOrLoad('k', () => 'found')).resolves.toBe('found');
    expect(cache.stats().negativeHits).toBe(1);
  });

  test('a cached error never outlives a per-entry ttl shorter than negativeTtlMs', async () => {
    const c = new Cache<string>({ max: 10, negativeTtlMs: 5_000, now });
    const failing = vi.fn(async () => {
      throw new Error('backend down');
    });
    await expect(c.getOrLoad('k', failing, { ttl: 1_000 })).rejects.toThrow('backend down');
    await expect(c.getOrLoad('k', failing, { ttl: 1_000 })).rejects.toThrow('backend down');
    expect(failing).toHaveBeenCalledTimes(1); // cached...
    vi.advanceTimersByTime(1_000);
    expect(await c.getOrLoad('k', () => 'ok', { ttl: 1_000 })).toBe('ok'); // ...but only for the entry's 1 s
  });

  test('a loader returning undefined rejects with UndefinedValueError and caches nothing', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    await expect(cache.getOrLoad('k', () => undefined as unknown as string)).rejects.toBeInstanceOf(
      UndefinedValueError,
    );
    expect(cache.size).toBe(0);
  });

  test('the loader gets the key and an AbortSignal; it aborts when every waiter leaves', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    let seen: AbortSignal | undefined;
    const loader = vi.fn(({ key, signal }: { key: string; signal: AbortSignal }) => {
      expect(key).toBe('k');
      seen = signal;
      return new Promise<string>(() => {});
    });
    const c1 = new AbortController();
    const c2 = new AbortController();
    const a = cache.getOrLoad('k', loader, { signal: c1.signal });
    const b = cache.getOrLoad('k', loader, { signal: c2.signal });
    c1.abort();
    await expect(a).rejects.toBeInstanceOf(LoadAbortedError);
    expect(seen?.aborted).toBe(false);
    c2.abort();
    await expect(b).rejects.toMatchObject({ code: 'PERF_CACHE_LOAD_ABORTED' });
    expect(seen?.aborted).toBe(true);
    expect(cache.stats().inFlight).toBe(0);
  });

  test('a waiter without a signal keeps the shared load alive', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const d = deferred<string>();
    let seen: AbortSignal | undefined;
    const c = new AbortController();
    const a = cache.getOrLoad('k', ({ signal }) => {
      seen = signal;
      return d.promise;
    });
    const b = cache.getOrLoad('k', () => 'unused', { signal: c.signal });
    c.abort();
    await expect(b).rejects.toBeInstanceOf(LoadAbortedError);
    expect(seen?.aborted).toBe(false);
    d.resolve('v');
    expect(await a).toBe('v');
  });

  test('a caller arriving right after the last waiter aborted does not inherit that abort', async () => {
    const c = new Cache<string>({ max: 10, now });
    const ac = new AbortController();
    let loads = 0;
    const loader = async ({ signal }: { signal: AbortSignal }) => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      signal.throwIfAborted();
      return `v${loads}`;
    };
    const first = c.getOrLoad('k', loader, { signal: ac.signal });
    ac.abort();
    const second = c.getOrLoad('k', loader);
    await expect(first).rejects.toBeInstanceOf(LoadAbortedError);
    await vi.advanceTimersByTimeAsync(10);
    await expect(second).resolves.toMatch(/^v\d$/);
    expect(c.get('k')).toMatch(/^v\d$/);
    await c.close();
  });

  test('loadTimeoutMs aborts the loader and rejects with LoadTimeoutError', async () => {
    const cache = new Cache<string>({ now, max: 10, loadTimeoutMs: 1000 });
    let seen: AbortSignal | undefined;
    const p = cache.getOrLoad('k', ({ signal }) => {
      seen = signal;
      return new Promise<string>(() => {});
    });
    const check = expect(p).rejects.toMatchObject({ code: 'PERF_CACHE_LOAD_TIMEOUT' });
    await vi.advanceTimersByTimeAsync(1000);
    await check;
    expect(seen?.reason).toBeInstanceOf(LoadTimeoutError);
  });

  test('delete during a load: waiters get the value but it is not stored', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const d = deferred<string>();
    const p = cache.getOrLoad('k', () => d.promise);
    await cache.delete('k');
    d.resolve('old');
    expect(await p).toBe('old');
    expect(cache.get('k')).toBeUndefined();
  });

  test('set during a load wins over the load result', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const d = deferred<string>();
    const p = cache.getOrLoad('k', () => d.promise);
    await cache.set('k', 'new');
    d.resolve('old');
    expect(await p).toBe('old');
    expect(cache.get('k')).toBe('new');
  });
});

describe('stale serving', () => {
  test('stale-while-revalidate serves the old value and refreshes once in the background', async () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleWhileRevalidateMs: 5000 });
    await cache.getOrLoad('k', () => 'v1');
    vi.advanceTimersByTime(1500);
    const d = deferred<string>();
    const loader = vi.fn(() => d.promise);
    expect(await cache.getOrLoad('k', loader)).toBe('v1');
    expect(await cache.getOrLoad('k', loader)).toBe('v1');
    expect(loader).toHaveBeenCalledTimes(1);
    d.resolve('v2');
    await vi.advanceTimersByTimeAsync(0);
    expect(await cache.getOrLoad('k', loader)).toBe('v2');
    expect(cache.stats().staleServed).toBe(2);
  });

  test('a refresh slower than the window stops stale serving at the window end', async () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleWhileRevalidateMs: 1000, loadTimeoutMs: 3000 });
    await cache.getOrLoad('k', () => 'v1');
    vi.advanceTimersByTime(1100);
    const hung = () => new Promise<string>(() => {});
    expect(await cache.getOrLoad('k', hung)).toBe('v1');
    vi.advanceTimersByTime(1000); // past expiry + staleWhileRevalidateMs, refresh still running
    let settled = false;
    const p = cache.getOrLoad('k', hung).finally(() => {
      settled = true;
    });
    const check = expect(p).rejects.toBeInstanceOf(LoadTimeoutError);
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(false); // no longer the stale value: it waits for the load
    await vi.advanceTimersByTimeAsync(3000);
    await check;
    expect(await cache.getOrLoad('k', () => 'v2')).toBe('v2');
  });

  test('a failed background refresh keeps the stale value and is counted', async () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleWhileRevalidateMs: 5000 });
    await cache.getOrLoad('k', () => 'v1');
    vi.advanceTimersByTime(1500);
    const failing = async (): Promise<string> => {
      throw new Error('backend down');
    };
    expect(await cache.getOrLoad('k', failing)).toBe('v1');
    await vi.advanceTimersByTimeAsync(0);
    expect(cache.stats().loadErrors).toBe(1);
    expect(await cache.getOrLoad('k', failing)).toBe('v1');
  });

  test('stale-if-error serves the old value when the refresh fails, within its bound', async () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleIfErrorMs: 2000 });
    await cache.getOrLoad('k', () => 'v1');
    const failing = async (): Promise<string> => {
      throw new Error('backend down');
    };
    vi.advanceTimersByTime(1500);
    expect(await cache.getOrLoad('k', failing)).toBe('v1');
    vi.advanceTimersByTime(1500); // 3000 after write: past the bound
    await expect(cache.getOrLoad('k', failing)).rejects.toThrow('backend down');
    expect(cache.stats().staleServed).toBe(1);
  });

  test('get() never serves stale values', async () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleWhileRevalidateMs: 5000 });
    await cache.set('k', 'v1');
    vi.advanceTimersByTime(1500);
    expect(cache.get('k')).toBeUndefined();
    expect(await cache.getOrLoad('k', () => 'v2')).toBe('v1');
  });
});

describe('invalidation', () => {
  test('tags drop every entry written with them', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    await cache.set('a', '1', { tags: ['user:1'] });
    await cache.set('b', '2', { tags: ['user:1', 'org:1'] });
    await cache.set('c', '3', { tags: ['org:1'] });
    expect(await cache.invalidateTag('user:1')).toBe(2);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, '3']);
    expect(await cache.invalidateTag('user:1')).toBe(0);
  });

  test('replacing an entry replaces its tags', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    await cache.set('a', '1', { tags: ['x'] });
    await cache.set('a', '2', { tags: ['y'] });
    expect(await cache.invalidateTag('x')).toBe(0);
    expect(cache.get('a')).toBe('2');
    expect(await cache.invalidateTag('y')).toBe(1);
  });

  test('getOrLoad tags apply to the loaded entry', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    await cache.getOrLoad('a', () => '1', { tags: ['t'] });
    expect(await cache.invalidateTag('t')).toBe(1);
    expect(cache.get('a')).toBeUndefined();
  });

  test('delete and clear', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    await cache.set('a', '1');
    await cache.set('b', '2');
    expect(await cache.delete('a')).toBe(true);
    expect(await cache.delete('a')).toBe(false);
    await cache.clear();
    expect(cache.size).toBe(0);
  });

  describe('a load invalidated while running is not handed to later callers', () => {
    test.each([
      ['delete', (c: Cache<string>) => c.delete('k')],
      ['clear', (c: Cache<string>) => c.clear()],
      ['invalidateTag', (c: Cache<string>) => c.invalidateTag('t')],
    ])('a caller arriving after %s starts a fresh load', async (_, invalidate) => {
      const c = new Cache<string>({ max: 10, now });
      const old = deferred<string>();
      const first = c.getOrLoad('k', () => old.promise, { tags: ['t'] });
      await invalidate(c);
      const second = c.getOrLoad('k', () => 'after', { tags: ['t'] });
      old.resolve('before');
      await expect(first).resolves.toBe('before'); // it was asked for before the invalidation
      await expect(second).resolves.toBe('after');
      expect(c.get('k')).toBe('after');
      await c.close();
    });

    test('close() still waits for an invalidated load a caller waits for', async () => {
      const c = new Cache<string>({ max: 10, now });
      const old = deferred<string>();
      const first = c.getOrLoad('k', () => old.promise);
      await c.delete('k');
      let closed = false;
      const closing = c.close().then(() => {
        closed = true;
      });
      await vi.advanceTimersByTimeAsync(0);
      expect(closed).toBe(false);
      old.resolve('v');
      await closing;
      await expect(first).resolves.toBe('v');
    });

    test('delete aborts a background refresh nobody waits for', async () => {
      const c = new Cache<string>({ max: 10, ttl: 100, staleWhileRevalidateMs: 1_000, now });
      await c.set('k', 'v1');
      vi.advanceTimersByTime(150);
      let refreshSignal: AbortSignal | undefined;
      expect(
        await c.getOrLoad('k', ({ signal }) => {
          refreshSignal = signal;
          return new Promise<string>(() => {}); // hangs
        }),
      ).toBe('v1');
      await vi.advanceTimersByTimeAsync(0);
      await c.delete('k');
      expect(refreshSignal?.aborted).toBe(true);
      await c.close(); // would hang on the detached refresh otherwise
    });
  });

  test('memo caches by arguments for its ttl and invalidate() recomputes', async () => {
    const cache = new Cache<number>({ now, max: 10 });
    let state = 1;
    const fn = vi.fn(async (pool: string) => state * (pool === 'a' ? 1 : 10));
    const poolStats = cache.memo(fn, { ttl: 1000 });
    expect(await poolStats('a')).toBe(1);
    expect(await poolStats('a')).toBe(1);
    expect(await poolStats('b')).toBe(10);
    expect(fn).toHaveBeenCalledTimes(2);
    state = 2;
    await poolStats.invalidate('a');
    expect(await poolStats('a')).toBe(2);
    expect(await poolStats('b')).toBe(10);
    await poolStats.invalidate();
    expect(await poolStats('b')).toBe(20);
    vi.advanceTimersByTime(1000);
    state = 3;
    expect(await poolStats('b')).toBe(30);
  });
});

describe('warming', () => {
  test('from a list of pairs', async () => {
    const cache = new Cache<number>({ now, max: 10 });
    const report = await cache.warm([
      ['a', 1],
      ['b', 2],
    ]);
    expect(report).toEqual({ loaded: 2, failed: [] });
    expect(cache.get('b')).toBe(2);
  });

  test('from a loader, reporting failures instead of throwing', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const report = await cache.warm({
      keys: ['a', 'b', 'c'],
      loader: async ({ key }) => {
        if (key === 'b') throw new Error('no b');
        return key.toUpperCase();
      },
    });
    expect(report.loaded).toBe(2);
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]?.key).toBe('b');
    expect(cache.get('c')).toBe('C');
  });
});

describe('lifecycle', () => {
  test('close waits for running loads, then refuses writes and loads', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    const d = deferred<string>();
    const p = cache.getOrLoad('k', () => d.promise);
    const closed = cache.close();
    d.resolve('v');
    await closed;
    expect(await p).toBe('v');
    expect(() => cache.set('a', 'x')).toThrow(CacheClosedError);
    await expect(cache.getOrLoad('z', () => 'x')).rejects.toBeInstanceOf(CacheClosedError);
  });

  test('close aborts a hung background refresh instead of waiting for it', async () => {
    const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleWhileRevalidateMs: 5000 });
    await cache.getOrLoad('k', () => 'v1');
    vi.advanceTimersByTime(1500);
    let seen: AbortSignal | undefined;
    expect(
      await cache.getOrLoad('k', ({ signal }) => {
        seen = signal;
        return new Promise<string>(() => {});
      }),
    ).toBe('v1');
    await cache.close();
    expect(seen?.reason).toBeInstanceOf(CacheClosedError);
    expect(cache.stats().inFlight).toBe(0);
  });

  test('after close, CacheClosedError names the cache', async () => {
    const cache = new Cache<string>({ now, max: 10, name: 'clients' });
    await cache.close();
    expect(() => cache.set('a', 'x')).toThrow(
      expect.objectContaining({
        code: 'PERF_CACHE_CLOSED',
        cache: 'clients',
        message: '@perf/cache: cache "clients" is closed; create a new Cache instead of using one after close()',
      }),
    );
  });

  test('stats() is a fresh plain object: the name, counters since construction, and what is held and loading now', async () => {
    const cache = new Cache<string>({ now, max: 10, name: 'clients' });
    const loading = deferred<string>();
    await cache.set('a', 'x');
    cache.get('a');
    const pending = cache.getOrLoad('b', () => loading.promise);
    const stats = cache.stats();
    expect(Object.getPrototypeOf(stats)).toBe(Object.prototype);
    expect(stats).toEqual({
      name: 'clients',
      hits: 1,
      misses: 1,
      negativeHits: 0,
      staleServed: 0,
      loads: 1,
      loadErrors: 0,
      evictions: 0,
      tooLarge: 0,
      admissionsRejected: 0,
      l2Hits: 0,
      l2Misses: 0,
      l2Errors: 0,
      lockWaits: 0,
      remoteInvalidations: 0,
      invalidationsQueued: 0,
      invalidationsCollapsed: 0,
      busRecoveries: 0,
      size: 1,
      inFlight: 1,
    });
    loading.resolve('y');
    await pending;
    expect(cache.stats()).toMatchObject({ size: 2, inFlight: 0 });
    expect(cache.stats()).not.toBe(cache.stats());
  });

  test('Symbol.asyncDispose closes', async () => {
    const cache = new Cache<string>({ now, max: 10 });
    await cache[Symbol.asyncDispose]();
    expect(() => cache.set('a', 'x')).toThrow(CacheClosedError);
  });
});

test('the default clock serves entries with a ttl (real time)', async () => {
  vi.useRealTimers();
  const cache = new Cache<string>({ max: 10, ttl: 60_000 });
  await cache.set('a', 'x');
  expect(cache.get('a')).toBe('x');
  expect(await cache.getOrLoad('a', () => 'y')).toBe('x');
  expect(cache.has('a')).toBe(true);
});

test('a value larger than maxSize is not stored, and is counted as tooLarge', async () => {
  const cache = new Cache<string>({ now, maxSize: 5, sizeCalculation: (v) => v.length });
  await cache.set('a', 'abc');
  await cache.set('big', 'abcdefgh');
  expect(cache.get('big')).toBeUndefined();
  expect(cache.get('a')).toBe('abc');
  expect(cache.stats().tooLarge).toBe(1);
});

describe('a size function that throws or returns no positive integer', () => {
  test.each([
    ['NaN', () => Number.NaN],
    ['0', () => 0],
    [
      'throws',
      () => {
        throw new Error('cannot measure');
      },
    ],
  ])('%s: set throws InvalidSizeError and drops the old value; a load still reaches its waiters', async (_, size) => {
    let broken = false;
    const c = new Cache<string>({
      maxSize: 100,
      now,
      sizeCalculation: (v) => (broken ? size() : v.length),
    });
    await c.set('k', 'old', { tags: ['t'] });
    broken = true;
    expect(() => c.set('k', 'new')).toThrow(InvalidSizeError);
    expect(c.get('k')).toBeUndefined(); // never the outdated value
    expect(await c.getOrLoad('l', () => 'loaded')).toBe('loaded'); // not turned into a load error
    expect(c.has('l')).toBe(false);
    expect(c.stats()).toMatchObject({ tooLarge: 2, loadErrors: 0 });
    expect(await c.invalidateTag('t')).toBe(0); // the tag index forgot the dropped key
  });
});
