import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { describe, expect, test } from 'vitest';
import { BufferPool, channelNames } from '../src/index.js';

const MB = 1024 * 1024;

function churn(pool: BufferPool, sizes: readonly number[], rounds: number): void {
  for (let i = 0; i < rounds; i++) for (const size of sizes) pool.release(pool.acquire(size));
}

describe('adaptive tiering', () => {
  test('learns a common size that wastes its class and gives it an exact-fit class', () => {
    const seen: unknown[] = [];
    const fn = (m: unknown) => seen.push(m);
    subscribe(channelNames.tier, fn);
    try {
      const pool = new BufferPool({ name: 'learn', adaptive: { window: 100, minShare: 0.3 } });
      expect(pool.acquire(2.5 * MB).buffer.byteLength).toBe(4 * MB);
      churn(pool, [2.5 * MB], 99);
      expect(pool.tiers).toContain(2.5 * MB);
      expect(pool.acquire(2.5 * MB).buffer.byteLength).toBe(2.5 * MB);
      expect(seen).toEqual([{ name: 'learn', capacity: 2.5 * MB }]);
    } finally {
      unsubscribe(channelNames.tier, fn);
    }
  });

  test('sizes a few bytes apart share one learned class that fits them all', () => {
    const pool = new BufferPool({ adaptive: { window: 90, minShare: 0.5 } });
    churn(pool, [2_500_000, 2_500_100, 2_510_000], 30);
    const added = pool.tiers.filter((t) => !Number.isInteger(Math.log2(t)));
    expect(added).toHaveLength(1);
    expect(added[0]).toBeGreaterThanOrEqual(2_510_000);
    expect(added[0]! - 2_510_000).toBeLessThan(0.07 * 2_510_000);
  });

  test('learns only sizes that waste more than 1/8 of their class', () => {
    const pool = new BufferPool({ adaptive: { window: 100, minShare: 0.3 } });
    const before = pool.tiers;
    // 4096 fits its class exactly; 3900 wastes 3 % of 4 KiB; 3000 wastes 27 %.
    churn(pool, [4096, 3900, 3000], 34);
    expect(pool.tiers.filter((t) => !before.includes(t))).toEqual([3072]);
  });

  test('adds nothing for sizes below minShare', () => {
    const pool = new BufferPool({ adaptive: { window: 100, minShare: 0.5 } });
    const before = pool.tiers;
    churn(pool, [5000, 6000, 7000, 3000], 50); // 25 % each
    expect(pool.tiers).toEqual(before);
  });

  test('maxAddedTiers bounds the classes it adds', () => {
    const pool = new BufferPool({ adaptive: { window: 10, minShare: 0.5, maxAddedTiers: 1 } });
    churn(pool, [3000], 10);
    churn(pool, [5000], 10);
    expect(pool.tiers).toContain(3072);
    expect(pool.tiers.some((t) => t > 4096 && t < 8192)).toBe(false);
  });

  test('maxAddedTiers holds even when one window finds several common sizes, and the most common wins', () => {
    const pool = new BufferPool({ adaptive: { window: 40, minShare: 0.1, maxAddedTiers: 1 } });
    const before = pool.tiers;
    // One window: 3000 (wastes 25 % of 4 KiB) ×10, 5000 (wastes 38 % of 8 KiB) ×20, 40000 (of 64 KiB) ×10.
    const sizes = [...Array(10).fill(3000), ...Array(20).fill(5000), ...Array(10).fill(40_000)] as number[];
    for (const size of sizes) pool.release(pool.acquire(size));
    expect(pool.tiers.filter((t) => !before.includes(t))).toEqual([5120]);
  });
});
