import { expectTypeOf, test } from 'vitest';
import { BufferPool, type BufferPoolOptions, type BufferPoolStats, type LeakReport } from '../src/index.js';

test('public types', () => {
  const pool = new BufferPool();
  expectTypeOf(pool.acquire(1)).toEqualTypeOf<Buffer>();
  expectTypeOf(pool.release).parameter(0).toEqualTypeOf<Uint8Array>();
  expectTypeOf(pool.stats()).toEqualTypeOf<BufferPoolStats>();
  expectTypeOf(pool.capacityFor(1)).toEqualTypeOf<number | undefined>();
  expectTypeOf(pool.lease(1).buffer).toEqualTypeOf<Buffer>();
  expectTypeOf<BufferPoolOptions['onLeak']>().toEqualTypeOf<((report: LeakReport) => void) | undefined>();
  // @ts-expect-error oversize is 'throw' | 'allocate'
  new BufferPool({ oversize: 'grow' });
  // @ts-expect-error stats are read-only
  pool.stats().hits = 1;
});
