import { describe, expect, test } from 'vitest';
import { AGING_PER_ENTRY, CountMinSketch, counterHash, keyHash, MAX_COUNT } from '../src/countMinSketch.js';

const inc = (sketch: CountMinSketch, key: string) => sketch.increment(keyHash(key), counterHash(keyHash(key)));
const freq = (sketch: CountMinSketch, key: string) => sketch.frequency(keyHash(key), counterHash(keyHash(key)));

describe('count-min sketch: counters', () => {
  test('counts each access of a key, from 0', () => {
    const sketch = new CountMinSketch(1024);
    expect(freq(sketch, 'k')).toBe(0);
    for (let i = 1; i <= 7; i++) {
      inc(sketch, 'k');
      expect(freq(sketch, 'k')).toBe(i);
    }
  });

  test('counters saturate at 15 and a saturated key no longer counts towards aging', () => {
    const sketch = new CountMinSketch(1024);
    for (let i = 0; i < 100; i++) inc(sketch, 'k');
    expect(freq(sketch, 'k')).toBe(MAX_COUNT);
    expect(sketch.size).toBe(MAX_COUNT);
  });

  test('keys of a lightly loaded sketch are counted apart (the minimum over 4 rows hides collisions)', () => {
    const sketch = new CountMinSketch(1024);
    const keys = Array.from({ length: 200 }, (_, i) => `key:${i}`);
    keys.forEach((k, i) => {
      for (let n = 0; n < i % 6; n++) inc(sketch, k);
    });
    expect(keys.map((k) => freq(sketch, k))).toEqual(keys.map((_, i) => i % 6));
  });
});

describe('count-min sketch: aging', () => {
  test(`every ${AGING_PER_ENTRY} × capacity increments all counters are halved, odd ones rounded down`, () => {
    const sketch = new CountMinSketch(16); // ages at 160 increments
    expect(sketch.sampleSize).toBe(160);
    const keys = ['hot', 'warm', ...Array.from({ length: 20 }, (_, i) => `other:${i}`)];
    for (let i = 0; i < 10; i++) inc(sketch, 'hot');
    for (let i = 0; i < 9; i++) inc(sketch, 'warm');
    for (let i = 0; i < 140; i++) inc(sketch, `other:${i % 20}`);
    expect(sketch.size).toBe(159);
    const before = keys.map((k) => freq(sketch, k));
    expect(before[0]).toBeGreaterThanOrEqual(10);
    expect(before[1]).toBeGreaterThanOrEqual(9);
    inc(sketch, 'last'); // the 160th
    // The minimum of halved counters is the halved minimum: every estimate halves, rounded down.
    expect(keys.map((k) => freq(sketch, k))).toEqual(before.map((f) => Math.floor(f / 2)));
  });

  test('the increment count halves too, less what rounding the odd counters down removed', () => {
    const sketch = new CountMinSketch(64); // ages at 640 increments
    for (let i = 0; i < 640; i++) inc(sketch, `once:${i}`);
    // Half of 640 would be 320; counters at 1 rounded to 0 take their share of the count with them.
    expect(sketch.size).toBeLessThan(320);
    expect(sketch.size).toBeGreaterThanOrEqual(0);
  });

  test('a new favourite overtakes an old one within two aging periods', () => {
    const sketch = new CountMinSketch(64); // ages every 640
    for (let i = 0; i < 15; i++) inc(sketch, 'old');
    let rounds = 0;
    while (freq(sketch, 'new') <= freq(sketch, 'old')) {
      for (let i = 0; i < 640; i++) inc(sketch, i % 8 === 0 ? 'new' : `noise:${rounds}:${i}`);
      rounds++;
    }
    expect(rounds).toBeLessThanOrEqual(2);
  });
});
