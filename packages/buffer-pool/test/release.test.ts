import { describe, expect, test } from 'vitest';
import { BufferPool, DoubleReleaseError, ForeignReleaseError } from '../src/index.js';

const KB = 1024;

describe('misuse outside debug mode: ignored and counted', () => {
  test('releasing a foreign buffer (or a slice of a lease) is ignored and counted', () => {
    const pool = new BufferPool();
    const lease = pool.acquire(KB);
    pool.release(Buffer.alloc(KB));
    pool.release(lease.subarray(0, 10));
    pool.release(new BufferPool().acquire(KB));
    expect(pool.stats()).toMatchObject({ foreignReleases: 3, releases: 0, retainedBuffers: 0 });
    expect(pool.isLeased(lease)).toBe(true);
  });

  test('releasing twice is ignored and counted, and does not put the memory in the pool twice', () => {
    const pool = new BufferPool();
    const lease = pool.acquire(KB);
    pool.release(lease);
    pool.release(lease);
    expect(pool.stats()).toMatchObject({ releases: 1, doubleReleases: 1, retainedBuffers: 1 });
    expect(pool.acquire(KB).buffer).not.toBe(pool.acquire(KB).buffer);
  });

  test('a stale view whose memory was leased again at another length is a double release', () => {
    const pool = new BufferPool();
    const old = pool.acquire(100);
    pool.release(old);
    const current = pool.acquire(200);
    expect(current.buffer).toBe(old.buffer);
    pool.release(old);
    expect(pool.stats().doubleReleases).toBe(1);
    expect(pool.isLeased(current)).toBe(true);
  });
});

test('without debug mode, use after release is not detected: a late write lands in the next lease (why debug mode exists)', () => {
  const pool = new BufferPool();
  const stale = pool.acquire(KB);
  pool.release(stale);
  const next = pool.acquire(KB);
  stale[0] = 42;
  expect(next[0]).toBe(42);
});

describe('debug mode', () => {
  test('a foreign release throws ForeignReleaseError', () => {
    const pool = new BufferPool({ debug: true });
    expect(() => pool.release(Buffer.alloc(KB))).toThrow(ForeignReleaseError);
    expect(() => pool.release(Buffer.alloc(KB))).toThrow(
      expect.objectContaining({ code: 'PERF_BUFFER_POOL_FOREIGN_RELEASE' }),
    );
    expect(pool.stats().foreignReleases).toBe(2);
  });

  test('a double release throws DoubleReleaseError', () => {
    const pool = new BufferPool({ debug: true });
    const lease = pool.acquire(KB);
    pool.release(lease);
    expect(() => pool.release(lease)).toThrow(DoubleReleaseError);
    expect(() => pool.release(lease)).toThrow(expect.objectContaining({ code: 'PERF_BUFFER_POOL_DOUBLE_RELEASE' }));
  });

  test('a double release is caught even after the memory was leased again at the same length', () => {
    const pool = new BufferPool({ debug: true });
    const old = pool.acquire(KB);
    pool.release(old);
    const current = pool.acquire(KB);
    expect(current === old).toBe(false);
    expect(() => pool.release(old)).toThrow(DoubleReleaseError);
    expect(pool.isLeased(current)).toBe(true);
  });

  test('use after release: the released Buffer, its .buffer and its slices are detached and cannot reach the next lease', () => {
    const pool = new BufferPool({ debug: true });
    const lease = pool.acquire(KB);
    const slice = lease.subarray(10, 20);
    const memory = lease.buffer;
    lease.fill(7);
    pool.release(lease);
    expect(lease.length).toBe(0);
    expect(slice.length).toBe(0);
    expect(memory.byteLength).toBe(0);
    expect(() => lease.readUInt8(0)).toThrow(RangeError);
    expect(() => lease.writeUInt8(1, 0)).toThrow(RangeError);
    lease[0] = 9; // a plain index write on a detached view goes nowhere
    const next = pool.acquire(KB);
    expect(next.every((x) => x === 0)).toBe(true);
    expect(pool.stats().hits).toBe(1);
  });

  test('a dropped release is detached too', () => {
    const pool = new BufferPool({ debug: true, maxPerClass: 0 });
    const lease = pool.acquire(KB);
    pool.release(lease);
    expect(lease.length).toBe(0);
    expect(pool.stats()).toMatchObject({ dropped: 1, retainedBuffers: 0 });
  });
});
