import { describe, expect, test } from 'vitest';
import { loop, phases, recencySource, type Trace, take, zipf, zipfSource } from '../bench/trace.js';
import type { Entry } from '../src/entry.js';
import { ANCHOR_SAMPLES, HillClimber, type Sample } from '../src/hillClimber.js';
import { TinyLfuStore } from '../src/tinyLfuStore.js';

const CAPACITY = 1000;
/** A sample of 3,000 requests with half of them hits; the rest overrides. */
const sample = (s: Partial<Sample>): Sample => ({
  requests: 3000,
  hits: 1500,
  windowHits: 0,
  ghostHits: 0,
  ghostCapacity: 500,
  mainEntries: 980,
  ...s,
});

describe('hill climber: density steering', () => {
  test('a window that earns more per entry than the main space grows, by at most 30 % of the capacity', () => {
    // Window density 300 / 10 against main 1200 / 990: log ratio 3.2 → 0.1 × 3.2 × 1000, capped at 300.
    expect(new HillClimber(CAPACITY).climb(sample({ windowHits: 300 }), 10)).toBe(300);
    // A smaller imbalance takes a proportional step: ln((150 / 200) / (1350 / 800)) = −0.81 → −81.
    expect(new HillClimber(CAPACITY).climb(sample({ windowHits: 150 }), 200)).toBe(-81);
  });

  test('a window that earns less shrinks, down to the 2 % floor and no further', () => {
    const climber = new HillClimber(CAPACITY);
    let window = 500;
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      window += climber.climb(sample({ windowHits: 10 }), window);
      sizes.push(window);
    }
    expect(sizes).toEqual([200, 20, 20, 20]);
  });

  test('balanced densities leave the window where it is', () => {
    // 10 % of the capacity earning 10 % of the hits.
    expect(new HillClimber(CAPACITY).climb(sample({ windowHits: 150, mainEntries: 900 }), 100)).toBe(0);
  });
});

describe('hill climber: probes out of the blind corner', () => {
  // A starved 2 % window (no hits) while turned-away keys come back: 600 ghost hits per 500 remembered.
  const blind = sample({ windowHits: 0, ghostHits: 600 });

  test('no probe while turned-away keys do not come back (a loop, a frequency workload)', () => {
    expect(new HillClimber(CAPACITY).climb(sample({ windowHits: 0, ghostHits: 10 }), 20)).toBe(0);
  });

  test('a probe that raises the hit rate, earned by the window, is kept and anchored', () => {
    const climber = new HillClimber(CAPACITY);
    expect(climber.climb(blind, 20)).toBe(63); // the first rung: 1/16 of the capacity
    expect(climber.probing).toBe(true);
    // +6.7 points (2 standard errors are 1.8), all of it earned in the window: kept.
    expect(climber.climb(sample({ hits: 1700, windowHits: 250, ghostHits: 0 }), 83)).toBe(0);
    expect(climber.probing).toBe(false);
    // The window now earns little per entry, but the anchor holds it for a while…
    const idle = sample({ hits: 1700, windowHits: 5, ghostHits: 0 });
    for (let i = 0; i < ANCHOR_SAMPLES - 1; i++) expect(climber.climb(idle, 83)).toBe(0);
    // …then density steering takes over again.
    expect(climber.climb(idle, 83)).toBeLessThan(0);
  });

  test('a probe that does not pay is undone, and the next one waits twice as long and tries a larger rung', () => {
    const climber = new HillClimber(CAPACITY);
    expect(climber.climb(blind, 20)).toBe(63);
    expect(climber.climb(blind, 83)).toBe(-63); // same hit rate: back to 20
    expect(climber.climb(blind, 20)).toBe(0); // waiting (2 samples)
    expect(climber.climb(blind, 20)).toBe(0);
    expect(climber.climb(blind, 20)).toBe(125); // rung 2: 1/8
    expect(climber.climb(blind, 145)).toBe(-125);
    for (let i = 0; i < 4; i++) expect(climber.climb(blind, 20)).toBe(0); // waiting (4 samples)
    expect(climber.climb(blind, 20)).toBe(250); // rung 3: 1/4
  });

  test('a rise earned by the main space (it refilling after the last probe) does not confirm a probe', () => {
    const climber = new HillClimber(CAPACITY);
    expect(climber.climb(blind, 20)).toBe(63);
    expect(climber.climb(sample({ hits: 1800, windowHits: 20, ghostHits: 600 }), 83)).toBe(-63);
  });

  test('a new workload (a 5-point jump while the window stood still) ends the wait', () => {
    const climber = new HillClimber(CAPACITY);
    climber.climb(blind, 20);
    climber.climb(blind, 83); // undone: wait 2
    expect(climber.climb(blind, 20)).toBe(0);
    expect(climber.climb(blind, 20)).toBe(0); // still for two samples
    // Wait over anyway at this sample; show the reset with a second failure first.
    expect(climber.climb(blind, 20)).toBe(125);
    climber.climb(blind, 145); // undone: wait 4
    expect(climber.climb(blind, 20)).toBe(0);
    expect(climber.climb(blind, 20)).toBe(0);
    // The hit rate jumps by 10 points: probing starts afresh, at once and from the first rung.
    expect(climber.climb({ ...blind, hits: 1800 }, 20)).toBe(63);
  });
});

function play(store: TinyLfuStore<number>, trace: Trace, windows: number[] = []): number {
  const entry = { value: 1 } as Entry<number>;
  let hits = 0;
  trace.keys.forEach((id, i) => {
    const key = `k${id}`;
    if (store.get(key) !== undefined) hits++;
    else store.set(key, entry);
    if ((i + 1) % 20_000 === 0) windows.push(store.windowCapacity);
  });
  expect(store.size).toBeLessThanOrEqual(trace.cacheSize);
  return hits / trace.keys.length;
}

describe('the adaptive window on small seeded traces (200 entries, a sample every 600 accesses)', () => {
  const max = 200;
  const newStore = (adaptive = true) => new TinyLfuStore<number>({ capacity: max, onRemove: () => {}, adaptive });

  test('recency-biased traffic grows the window well past half the cache and beats the fixed 1 % window', () => {
    const store = newStore();
    const trace = take('recency', max, 60_000, recencySource(22, 800));
    const adaptive = play(store, trace);
    expect(store.windowCapacity).toBeGreaterThan(max / 2);
    expect(adaptive).toBeGreaterThan(play(newStore(false), trace) + 0.1);
  });

  test('on Zipf the window stays small, and a loop longer than the cache shrinks it back to the floor', () => {
    const store = newStore();
    play(store, zipf(23, 0.9, 5_000, 30_000, max));
    expect(store.windowCapacity).toBeLessThanOrEqual(10);
    play(store, take('recency', max, 30_000, recencySource(24, 800)));
    expect(store.windowCapacity).toBeGreaterThan(max / 2);
    play(store, loop(300, 30_000, max));
    expect(store.windowCapacity).toBeLessThanOrEqual(4); // 2 % of 200
  });

  test('alternating recency and frequency phases: the window follows each phase within it', () => {
    const store = newStore();
    const windows: number[] = [];
    const trace = phases('alternating', max, 160_000, 40_000, [
      recencySource(25, 800, 0.2, 1_000_000),
      zipfSource(26, 0.9, 5_000),
    ]);
    play(store, trace, windows);
    // Sampled every 20k: the second half of each recency phase large, of each Zipf phase small.
    expect(windows.filter((_, i) => i % 4 === 1).every((w) => w > max / 2)).toBe(true);
    expect(windows.filter((_, i) => i % 4 === 3).every((w) => w <= 20)).toBe(true);
  });
});
