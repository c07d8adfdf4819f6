import { seededRandom } from '@perf/testing';
import { describe, expect, test } from 'vitest';
import type { Entry } from '../src/entry.js';
import { Cache } from '../src/index.js';
import type { RemovalReason } from '../src/store.js';
import { TinyLfuStore } from '../src/tinyLfuStore.js';

const entry = (value: number) => ({ value }) as Entry<number>;

describe("policy: 'tinylfu'", () => {
  test('a one-off scan does not flush the popular keys', () => {
    const cache = new Cache<number>({ max: 100, policy: 'tinylfu' });
    const lru = new Cache<number>({ max: 100 });
    for (const c of [cache, lru]) {
      for (let round = 0; round < 5; round++) {
        for (let i = 0; i < 80; i++) if (c.get(`hot:${i}`) === undefined) void c.set(`hot:${i}`, i);
      }
      for (let i = 0; i < 1000; i++) if (c.get(`scan:${i}`) === undefined) void c.set(`scan:${i}`, i);
    }
    const kept = (c: Cache<number>) => Array.from({ length: 80 }, (_, i) => c.has(`hot:${i}`)).filter(Boolean).length;
    expect(kept(cache)).toBeGreaterThanOrEqual(75);
    expect(kept(lru)).toBe(0);
    expect(cache.stats().admissionsRejected).toBeGreaterThan(900);
    expect(cache.size).toBeLessThanOrEqual(100);
  });

  test('get/set/delete/clear keep size and tags consistent', async () => {
    const cache = new Cache<number>({ max: 3, policy: 'tinylfu' });
    await cache.set('a', 1, { tags: ['t'] });
    await cache.set('a', 2, { tags: ['t'] });
    expect(cache.get('a')).toBe(2);
    await cache.set('b', 3);
    expect(await cache.delete('b')).toBe(true);
    expect(await cache.invalidateTag('t')).toBe(1);
    for (let i = 0; i < 10; i++) await cache.set(`k${i}`, i);
    expect(cache.size).toBeLessThanOrEqual(3);
    await cache.clear();
    expect(cache.size).toBe(0);
  });
});

/** A seeded mix of reads, writes, rewrites and deletes over a small key space, with the removals it caused. */
function replay(store: TinyLfuStore<number>, removals: string[], seed: number, steps: number): number {
  const random = seededRandom(seed);
  let hits = 0;
  for (let i = 0; i < steps; i++) {
    const r = random();
    // Skewed keys: a few hot ones, a long tail, some never seen twice.
    const key = r < 0.02 ? `once:${i}` : `k${Math.floor(random() ** 3 * 400)}`;
    if (r < 0.01) store.delete(key);
    else if (r < 0.03) store.set(key, entry(i));
    else if (store.get(key) !== undefined) hits++;
    else store.set(key, entry(i));
    if (i % 997 === 0) removals.push(`size ${store.size}`);
  }
  return hits;
}

describe('the read buffer', () => {
  const newStore = (removals: string[], readBufferSize: number) =>
    new TinyLfuStore<number>({
      capacity: 50,
      readBufferSize,
      onRemove: (key: string, _: Entry<number>, reason: RemovalReason) => removals.push(`${reason} ${key}`),
    });

  test('buffered reads change no decision: the same removals, in the same order, as applying each read at once', () => {
    const buffered: string[] = [];
    const immediate: string[] = [];
    const hits = replay(newStore(buffered, 64), buffered, 7, 30_000);
    expect(replay(newStore(immediate, 1), immediate, 7, 30_000)).toBe(hits);
    expect(buffered.filter((r) => r.startsWith('evict')).length).toBeGreaterThan(1000);
    expect(buffered).toEqual(immediate);
  });

  test('reads still in the buffer count before the next eviction', () => {
    const removals: string[] = [];
    const store = new TinyLfuStore<number>({ capacity: 10, adaptive: false, onRemove: (key) => removals.push(key) });
    for (let i = 0; i < 10; i++) store.set(`k${i}`, entry(i)); // k0 is now the oldest in probation
    // Thirty newcomers, each missed twice (frequency 2) before they are written.
    for (let i = 0; i < 30; i++) for (let n = 0; n < 2; n++) expect(store.get(`new:${i}`)).toBeUndefined();
    // Six reads of k0 wait in the buffer (64 slots): not applied yet.
    for (let i = 0; i < 6; i++) expect(store.get('k0')).toBeDefined();
    // Without those reads k0 (frequency 0, the first victim) would lose to every newcomer.
    for (let i = 0; i < 30; i++) store.set(`new:${i}`, entry(i));
    expect(removals).toContain('k1');
    expect(removals).not.toContain('k0');
    expect(store.peek('k0')).toBeDefined();
  });

  test('a key deleted after buffered reads and written again starts afresh', () => {
    const removals: string[] = [];
    const store = newStore(removals, 64);
    store.set('a', entry(1));
    store.get('a');
    store.get('a');
    expect(store.delete('a')).toBe(true); // drains first: the reads land on the old entry
    store.set('a', entry(2));
    expect(store.get('a')?.value).toBe(2);
    store.set('b', entry(3));
    expect(store.size).toBe(2);
    expect(removals).toEqual(['delete a']);
  });
});
