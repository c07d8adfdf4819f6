// Regressions found in review: invalidated or abandoned loads must not leak into
// later callers, and a cached error never outlives the entry it stands for.
import { deferred } from '@perf/testing';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { Cache, InvalidSizeError, LoadAbortedError } from '../src/index.js';

const now = () => Date.now();

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
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
    const c = new Cache<string>({ max: 10, ttl: 100, staleWhileRevalidate: 1_000, now });
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

test('a cached error never outlives a per-entry ttl shorter than negativeTtl', async () => {
  const c = new Cache<string>({ max: 10, negativeTtl: 5_000, now });
  const failing = vi.fn(async () => {
    throw new Error('backend down');
  });
  await expect(c.getOrLoad('k', failing, { ttl: 1_000 })).rejects.toThrow('backend down');
  await expect(c.getOrLoad('k', failing, { ttl: 1_000 })).rejects.toThrow('backend down');
  expect(failing).toHaveBeenCalledTimes(1); // cached...
  vi.advanceTimersByTime(1_000);
  expect(await c.getOrLoad('k', () => 'ok', { ttl: 1_000 })).toBe('ok'); // ...but only for the entry's 1 s
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
