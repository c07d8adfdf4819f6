// Regression tests for bugs found in review: each failed before its fix.
import { describe, expect, test } from 'vitest';
import { BufferPool } from '../src/index.js';

describe('adaptive tiering caps', () => {
  test('maxAddedTiers holds even when one window finds several common sizes, and the most common wins', () => {
    const pool = new BufferPool({ adaptive: { window: 40, minShare: 0.1, maxAddedTiers: 1 } });
    const before = pool.tiers;
    // One window: 3000 (wastes 25 % of 4 KiB) ×10, 5000 (wastes 38 % of 8 KiB) ×20, 40000 (of 64 KiB) ×10.
    const sizes = [...Array(10).fill(3000), ...Array(20).fill(5000), ...Array(10).fill(40_000)] as number[];
    for (const size of sizes) pool.release(pool.acquire(size));
    expect(pool.tiers.filter((t) => !before.includes(t))).toEqual([5120]);
  });
});

describe('OutputBuffer.bytes()', () => {
  test('a view taken before the output grows belongs to memory given back to the pool (debug mode detaches it)', () => {
    const pool = new BufferPool({ debug: true });
    const out = pool.output({ maxBytes: 64 * 1024, initialBytes: 1024 });
    out.write(Buffer.alloc(1000, 1));
    const early = out.bytes();
    expect(early.length).toBe(1000);
    out.write(Buffer.alloc(1000, 2)); // grows: the first buffer goes back to the pool
    expect(pool.isLeased(early)).toBe(false);
    expect(early.length).toBe(0); // detached: it can no longer read or write the memory's next lease
    expect(out.bytes().length).toBe(2000);
    out.release();
  });
});
