import { describe, expect, test } from 'vitest';
import { BufferPool, InvalidSizeError, OversizeError } from '../src/index.js';

const KB = 1024;
const MB = 1024 * KB;

describe('acquire', () => {
  test('returns exactly the requested length, backed by an ArrayBuffer of its class alone', () => {
    const pool = new BufferPool();
    const a = pool.acquire(3000);
    const b = pool.acquire(3000);
    expect(a.length).toBe(3000);
    expect(a.byteOffset).toBe(0);
    expect(a.buffer.byteLength).toBe(4 * KB);
    expect(b.buffer).not.toBe(a.buffer);
    expect(pool.capacityFor(3000)).toBe(4 * KB);
  });

  test('reuses released memory: a hit hands back the same ArrayBuffer', () => {
    const pool = new BufferPool();
    const a = pool.acquire(100 * KB);
    const memory = a.buffer;
    pool.release(a);
    const b = pool.acquire(120 * KB);
    expect(b.buffer).toBe(memory);
    expect(b.length).toBe(120 * KB);
    const s = pool.stats();
    expect(s).toMatchObject({ acquires: 2, hits: 1, misses: 1, releases: 1, dropped: 0, hitRate: 0.5 });
    const cls = s.classes.find((c) => c.capacity === 128 * KB);
    expect(cls).toMatchObject({ acquires: 2, hits: 1, misses: 1, releases: 1, hitRate: 0.5 });
  });

  test('a steady-state hit of the same length returns the same Buffer object (no allocation)', () => {
    const pool = new BufferPool();
    const a = pool.acquire(5000);
    pool.release(a);
    expect(pool.acquire(5000)).toBe(a);
  });

  test('requests below the smallest class use it; custom tiers fit exactly', () => {
    const pool = new BufferPool({ tiers: [KB, 256 * KB, 2.5 * MB, 5 * MB, 10 * MB] });
    expect(pool.acquire(1).buffer.byteLength).toBe(KB);
    expect(pool.acquire(2.5 * MB).buffer.byteLength).toBe(2.5 * MB);
    expect(pool.acquire(2.5 * MB + 1).buffer.byteLength).toBe(5 * MB);
    expect(pool.maxSize).toBe(10 * MB);
    expect(pool.tiers).toEqual([KB, 256 * KB, 2.5 * MB, 5 * MB, 10 * MB]);
  });

  test.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '64' as unknown as number])(
    'rejects size %s with InvalidSizeError',
    (size) => {
      const pool = new BufferPool();
      expect(() => pool.acquire(size)).toThrow(InvalidSizeError);
      expect(() => pool.acquire(size)).toThrow(expect.objectContaining({ code: 'PERF_BUFFER_POOL_INVALID_SIZE' }));
      expect(pool.stats().acquires).toBe(0);
    },
  );

  test('rejects a size above the largest class with OversizeError by default', () => {
    const pool = new BufferPool({ maxSize: 64 * KB });
    expect(() => pool.acquire(64 * KB + 1)).toThrow(expect.objectContaining({ code: 'PERF_BUFFER_POOL_OVERSIZE' }));
    expect(() => pool.acquire(64 * KB + 1)).toThrow(OversizeError);
    expect(pool.acquire(64 * KB).length).toBe(64 * KB);
  });

  test("oversize: 'allocate' serves an unpooled buffer, counts it, accepts its release and never retains it", () => {
    const pool = new BufferPool({ maxSize: 64 * KB, oversize: 'allocate' });
    const big = pool.acquire(100 * KB);
    expect(big.length).toBe(100 * KB);
    expect(big.buffer.byteLength).toBe(100 * KB);
    expect(big.every((x) => x === 0)).toBe(true);
    pool.release(big);
    const s = pool.stats();
    expect(s).toMatchObject({
      acquires: 1,
      unpooled: 1,
      releases: 1,
      dropped: 1,
      retainedBytes: 0,
      foreignReleases: 0,
    });
  });
});

describe('zeroing', () => {
  test('no byte of a previous lease survives, even bytes written past the view through .buffer', () => {
    const pool = new BufferPool();
    const first = pool.acquire(3000);
    first.fill(0xaa);
    new Uint8Array(first.buffer).fill(0xbb, 3000); // the rest of the class's memory
    pool.release(first);
    const second = pool.acquire(4000);
    expect(second.buffer).toBe(first.buffer);
    expect(new Uint8Array(second.buffer).every((x) => x === 0)).toBe(true);
  });

  test('zero: false skips zeroing (the previous bytes are still there), for callers who overwrite everything', () => {
    const pool = new BufferPool({ zero: false });
    const first = pool.acquire(KB);
    first.fill(0xcc);
    pool.release(first);
    const second = pool.acquire(KB);
    expect(second.buffer).toBe(first.buffer);
    expect(second[0]).toBe(0xcc);
  });

  test('a fresh buffer is zeroed when zeroing is on', () => {
    const pool = new BufferPool();
    for (const size of [KB, 256 * KB, 2.5 * MB]) {
      expect(new Uint8Array(pool.acquire(size).buffer).every((x) => x === 0)).toBe(true);
    }
  });
});

describe('retention caps', () => {
  test('maxPerClass: releases beyond it are dropped', () => {
    const pool = new BufferPool({ maxPerClass: 2 });
    const leases = [pool.acquire(KB), pool.acquire(KB), pool.acquire(KB)];
    for (const b of leases) pool.release(b);
    const s = pool.stats();
    expect(s).toMatchObject({ releases: 3, dropped: 1, retainedBuffers: 2, retainedBytes: 2 * KB });
    expect(s.classes[0]).toMatchObject({ dropped: 1, retainedBuffers: 2 });
  });

  test('maxRetainedBytes: the total over all classes is capped', () => {
    const pool = new BufferPool({ maxRetainedBytes: 300 * KB });
    const a = pool.acquire(256 * KB);
    const b = pool.acquire(64 * KB);
    const c = pool.acquire(32 * KB);
    pool.release(a);
    pool.release(b); // 256 + 64 > 300: dropped
    pool.release(c);
    expect(pool.stats()).toMatchObject({ dropped: 1, retainedBytes: 288 * KB, retainedBuffers: 2 });
  });

  test('clear() drops every free buffer and reports the bytes', () => {
    const pool = new BufferPool();
    pool.release(pool.acquire(KB));
    pool.release(pool.acquire(8 * KB));
    expect(pool.clear()).toBe(9 * KB);
    expect(pool.stats()).toMatchObject({ retainedBytes: 0, retainedBuffers: 0 });
    pool.acquire(KB);
    expect(pool.stats().misses).toBe(3);
  });
});

describe('prewarm', () => {
  test('the prewarm option fills classes up front so the first acquires hit', () => {
    const pool = new BufferPool({ prewarm: [{ size: 2.5 * MB, count: 2 }] });
    expect(pool.stats().retainedBytes).toBe(2 * 4 * MB);
    pool.acquire(2.5 * MB);
    pool.acquire(3 * MB);
    pool.acquire(3 * MB);
    expect(pool.stats()).toMatchObject({ hits: 2, misses: 1 });
  });

  test('prewarm() stops at the caps and says how many it added', () => {
    const pool = new BufferPool({ maxPerClass: 3, maxRetainedBytes: 10 * KB });
    expect(pool.prewarm(KB, 5)).toBe(3);
    expect(pool.prewarm(4 * KB, 5)).toBe(1);
    expect(pool.stats().retainedBytes).toBe(7 * KB);
  });

  test('prewarm of an invalid or oversize request is a typed error', () => {
    const pool = new BufferPool({ maxSize: 8 * KB });
    expect(() => pool.prewarm(16 * KB, 1)).toThrow(OversizeError);
    expect(() => pool.prewarm(0, 1)).toThrow(InvalidSizeError);
    expect(() => pool.prewarm(KB, -1)).toThrow(expect.objectContaining({ code: 'PERF_BUFFER_POOL_INVALID_OPTION' }));
  });
});

describe('lease', () => {
  test('Symbol.dispose releases the buffer (using)', () => {
    const pool = new BufferPool();
    let memory: ArrayBufferLike | undefined;
    {
      using lease = pool.lease(KB);
      memory = lease.buffer.buffer;
      expect(pool.isLeased(lease.buffer)).toBe(true);
    }
    expect(pool.stats()).toMatchObject({ releases: 1, retainedBuffers: 1 });
    expect(pool.acquire(KB).buffer).toBe(memory);
  });

  test('release() on the lease, then dispose, is a counted double release', () => {
    const pool = new BufferPool();
    const lease = pool.lease(KB);
    lease.release();
    lease[Symbol.dispose]();
    expect(pool.stats()).toMatchObject({ releases: 1, doubleReleases: 1 });
  });
});
