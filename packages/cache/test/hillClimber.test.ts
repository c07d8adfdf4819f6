import { describe, expect, test } from 'vitest';
import { loop, recency, type Trace, zipf } from '../bench/trace.js';
import type { Entry } from '../src/entry.js';
import { HillClimber } from '../src/hillClimber.js';
import { TinyLfuStore } from '../src/tinyLfuStore.js';

describe('hill climber', () => {
  test('keeps its direction while the hit rate rises and turns when it falls', () => {
    const climber = new HillClimber(1000); // full step 20 entries
    expect(climber.climb(0.5)).toBe(-20); // first step: shrink the window, as Caffeine does
    // A big change (≥ 5 points) restarts the steps at full size; small ones decay them by 2 %.
    expect(climber.climb(0.6)).toBe(-20); // rose: same direction
    expect(climber.climb(0.62)).toBe(-20); // rose a little: same direction, step decays
    expect(climber.climb(0.6)).toBe(19); // fell: turn around (decayed step 19.6 → 19 entries)
    expect(climber.climb(0.61)).toBe(19); // rose: keep growing
  });

  test('decayed steps round down to nothing once the split has settled', () => {
    const climber = new HillClimber(100); // full step 2 entries
    const steps: number[] = [];
    for (let i = 0; i < 60; i++) steps.push(climber.climb(0.5));
    expect(steps[0]).toBe(-2);
    expect(steps.slice(-5)).toEqual([0, 0, 0, 0, 0]);
  });
});

function play(store: TinyLfuStore<number>, trace: Trace): number {
  const entry = { value: 1 } as Entry<number>;
  let hits = 0;
  for (const key of trace.keys) {
    if (store.get(key) !== undefined) hits++;
    else store.set(key, entry);
    expect(store.size).toBeLessThanOrEqual(trace.cacheSize);
  }
  return hits / trace.keys.length;
}

describe('adaptive window (seeded traces)', () => {
  // 200 entries, a sample every 1,000 accesses (5 × max, so a test sees ~40 samples), steps of 4 entries.
  const max = 200;
  const newStore = (adaptive = true) =>
    new TinyLfuStore<number>({ max, onRemove: () => {}, adaptive, sampleSize: 1_000 });

  test('recency-biased traffic grows the window and raises the hit ratio over the fixed 1 % window', () => {
    const store = newStore();
    expect(store.windowCapacity).toBe(2);
    const adaptive = play(store, recency(22, 40_000, max));
    expect(store.windowCapacity).toBeGreaterThanOrEqual(10);
    const fixed = play(newStore(false), recency(22, 40_000, max));
    expect(adaptive).toBeGreaterThan(fixed + 0.02);
  });

  test('frequency-biased traffic then shrinks it again', () => {
    const store = newStore();
    play(store, recency(22, 40_000, max));
    const grown = store.windowCapacity;
    expect(grown).toBeGreaterThanOrEqual(10);
    // A loop over 1.5× the cache: recency is worthless, only the main space's
    // frequency filter keeps hits, so every entry given to the window is lost.
    play(store, loop(40_000, max));
    expect(store.windowCapacity).toBeLessThanOrEqual(grown / 3);
  });

  test('on plain Zipf the window stays small', () => {
    const store = newStore();
    play(store, zipf(23, 40_000, 2_000, max));
    expect(store.windowCapacity).toBeLessThanOrEqual(10);
  });
});
