import { seededRandom } from '@perf/testing';
import { describe, expect, test } from 'vitest';
import type { Entry } from '../src/entry.js';
import { Cache, InvalidSizeError } from '../src/index.js';
import { TinyLfuStore } from '../src/tinyLfuStore.js';

// Entries whose value is their weight.
const entry = (weight: number) => ({ value: weight, negative: false }) as Entry<number>;
const weighted = (capacity: number, removed: string[] = []) =>
  new TinyLfuStore<number>({
    capacity,
    weigh: (e) => e.value!,
    onRemove: (key, _, reason) => removed.push(`${reason} ${key}`),
  });

/** The sum of the weights of what the store holds, recomputed from its entries. */
const held = (store: TinyLfuStore<number>) => [...store.keys()].reduce((sum, k) => sum + store.peek(k)!.value!, 0);

describe("policy 'tinylfu' with maxSize: weighted admission", () => {
  test('a seeded mix of reads, writes, re-weighings and deletes never holds more than maxSize', () => {
    const store = weighted(1_000);
    const random = seededRandom(11);
    let peak = 0;
    for (let i = 0; i < 40_000; i++) {
      const key = `k${Math.floor(random() ** 2 * 600)}`;
      const r = random();
      // Weights from 1 to 300: a third of the window's… and up to 30 % of the whole cache.
      const weight = 1 + Math.floor(random() ** 4 * 300);
      if (r < 0.02) store.delete(key);
      else if (r < 0.1) store.set(key, entry(weight));
      else if (store.get(key) === undefined) store.set(key, entry(weight));
      expect(store.weight).toBeLessThanOrEqual(1_000);
      if (i % 101 === 0) expect(store.weight).toBe(held(store));
      peak = Math.max(peak, store.weight);
    }
    expect(peak).toBeGreaterThan(900);
  });

  test('an entry heavier than the window is judged at once: a one-off is turned away, the popular entries stay', () => {
    const removed: string[] = [];
    const store = weighted(1_000, removed); // window: 10
    for (let i = 0; i < 100; i++) {
      store.get(`small:${i}`);
      store.set(`small:${i}`, entry(10));
    }
    for (let round = 0; round < 3; round++) for (let i = 0; i < 100; i++) store.get(`small:${i}`);
    expect(store.weight).toBe(1_000);
    removed.length = 0;
    store.get('heavy');
    expect(store.set('heavy', entry(200))).toBe(true); // not too large: it was judged, and lost
    expect(store.peek('heavy')).toBeUndefined();
    expect(store.rejected).toBe(1);
    // The small entry it pushed out of the window competes as usual, for one victim at most.
    expect(removed).toContain('evict heavy');
    expect(removed.length).toBeLessThanOrEqual(2);
    expect(store.weight).toBeGreaterThanOrEqual(990);
  });

  test('a heavy entry used more often than the victims evicts as many of them as its weight needs', () => {
    const removed: string[] = [];
    const store = weighted(1_000, removed);
    for (let i = 0; i < 100; i++) store.set(`small:${i}`, entry(10)); // never read: frequency 0
    for (let i = 0; i < 5; i++) store.get('heavy');
    removed.length = 0;
    store.set('heavy', entry(200));
    expect(store.peek('heavy')).toBeDefined();
    expect(removed.length).toBeGreaterThanOrEqual(20);
    expect(store.weight).toBeLessThanOrEqual(1_000);
    expect(store.weight).toBe(held(store));
  });

  test('an entry as heavy as the whole cache may replace everything; one heavier is refused', () => {
    const store = weighted(1_000);
    for (let i = 0; i < 10; i++) store.set(`k${i}`, entry(50));
    for (let i = 0; i < 3; i++) store.get('all');
    expect(store.set('all', entry(1_000))).toBe(true);
    expect(store.weight).toBeLessThanOrEqual(1_000);
    expect(store.set('k0', entry(1_001))).toBe(false);
    expect(store.peek('k0')).toBeUndefined();
    expect(store.weight).toBeLessThanOrEqual(1_000);
  });
});

describe.each(['lru', 'tinylfu'] as const)('Cache with maxSize + sizeCalculation, policy %s', (policy) => {
  const newCache = (sizeCalculation: (v: string) => number = (v) => v.length) =>
    new Cache<string>({ policy, maxSize: 100, sizeCalculation });

  test('the total size stays within maxSize', async () => {
    const cache = newCache();
    for (let i = 0; i < 200; i++) await cache.set(`k${i}`, 'x'.repeat(1 + (i % 30)));
    let total = 0;
    for (let i = 0; i < 200; i++) if (cache.has(`k${i}`)) total += 1 + (i % 30);
    expect(total).toBeLessThanOrEqual(100);
    expect(cache.stats().evictions).toBeGreaterThan(0);
  });

  test('a value larger than maxSize is not stored, its old value is dropped, and it counts as tooLarge', async () => {
    const cache = newCache();
    await cache.set('k', 'small', { tags: ['t'] });
    await cache.set('k', 'x'.repeat(101));
    expect(cache.get('k')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ tooLarge: 1 });
    expect(await cache.invalidateTag('t')).toBe(0);
  });

  test('a size function that throws: InvalidSizeError, the old value dropped, a load still reaches its waiter', async () => {
    let broken = false;
    const cache = newCache((v) => {
      if (broken) throw new Error('cannot measure');
      return v.length;
    });
    await cache.set('k', 'old');
    broken = true;
    expect(() => cache.set('k', 'new')).toThrow(InvalidSizeError);
    expect(cache.get('k')).toBeUndefined();
    expect(await cache.getOrLoad('l', () => 'loaded')).toBe('loaded');
    expect(cache.has('l')).toBe(false);
    expect(cache.stats()).toMatchObject({ tooLarge: 2, loadErrors: 0 });
  });
});

test("policy 'tinylfu': a heavy newcomer used less often than what it would displace is turned away, not counted as too large", async () => {
  const cache = new Cache<string>({ policy: 'tinylfu', maxSize: 1_000, sizeCalculation: (v) => v.length });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 100; i++)
      if (cache.get(`small:${i}`) === undefined) await cache.set(`small:${i}`, 'x'.repeat(10));
  }
  await cache.set('heavy', 'y'.repeat(300), { tags: ['t'] }); // heavier than the 10-unit window, never read before
  expect(cache.get('heavy')).toBeUndefined();
  expect(cache.stats()).toMatchObject({ tooLarge: 0 });
  expect(cache.stats().admissionsRejected).toBeGreaterThanOrEqual(1);
  expect(await cache.invalidateTag('t')).toBe(0); // nothing indexed for an entry that was not kept
  expect(Array.from({ length: 100 }, (_, i) => cache.has(`small:${i}`)).filter(Boolean).length).toBeGreaterThan(95);
});

test("policy 'tinylfu' takes max or maxSize, not both", () => {
  expect(() => new Cache<string>({ policy: 'tinylfu', max: 10, maxSize: 10 })).toThrow(/max, or maxSize/);
  expect(new Cache<string>({ policy: 'tinylfu', maxSize: 10 }).size).toBe(0);
});
