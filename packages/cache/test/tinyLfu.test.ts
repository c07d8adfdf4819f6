import { seededRandom } from '@perf/bench';
import { describe, expect, test } from 'vitest';
import { lruHitRatio, optimalHitRatio, tinyLfuHitRatio } from '../bench/hitRatio.js';
import { loop, zipfWithScan } from '../bench/trace.js';
import { CountMinSketch, hashString } from '../src/countMinSketch.js';
import { Cache } from '../src/index.js';

describe('count-min sketch', () => {
  test('estimates frequency and ages: old popularity fades', () => {
    const sketch = new CountMinSketch(16); // ages after 160 increments
    const hot = hashString('hot');
    for (let i = 0; i < 10; i++) sketch.increment(hot);
    expect(sketch.frequency(hot)).toBe(10);
    expect(sketch.frequency(hashString('cold'))).toBe(0);
    for (let i = 0; i < 150; i++) sketch.increment(hashString(`other:${i}`));
    expect(sketch.frequency(hot)).toBeLessThanOrEqual(5);
  });

  test('counters saturate at 15', () => {
    const sketch = new CountMinSketch(1024);
    const h = hashString('k');
    for (let i = 0; i < 100; i++) sketch.increment(h);
    expect(sketch.frequency(h)).toBe(15);
  });
});

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

describe('hit-ratio simulation (seeded traces in bench/)', () => {
  test('the trace generator is deterministic', () => {
    expect(zipfWithScan(1, 5000).keys).toEqual(zipfWithScan(1, 5000).keys);
    const r = seededRandom(3);
    const xs = Array.from({ length: 1000 }, r);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  test('Bélády on a hand-checked trace', () => {
    // cache 2: a b c a b → keep a,b by bypassing c: hits on the last a and b.
    expect(optimalHitRatio({ name: 't', cacheSize: 2, keys: ['a', 'b', 'c', 'a', 'b'] })).toBeCloseTo(2 / 5);
    expect(lruHitRatio({ name: 't', cacheSize: 2, keys: ['a', 'b', 'c', 'a', 'b'] })).toBe(0);
  });

  test('on Zipf + scans W-TinyLFU beats LRU and stays under the optimum', () => {
    const trace = zipfWithScan(42, 60_000, 10_000, 500);
    const lru = lruHitRatio(trace);
    const ours = tinyLfuHitRatio(trace);
    expect(ours - lru).toBeGreaterThan(0.05);
    expect(optimalHitRatio(trace)).toBeGreaterThan(ours);
  });

  test('on a loop larger than the cache LRU gets nothing and W-TinyLFU most of the optimum', () => {
    const trace = loop(30_000, 200);
    expect(lruHitRatio(trace)).toBe(0);
    expect(tinyLfuHitRatio(trace)).toBeGreaterThan(0.5);
  });
});
