import { expectTypeOf, test } from 'vitest';
import {
  BufferPool,
  type BufferPoolChannelMessages,
  type BufferPoolError,
  type BufferPoolErrorCode,
  type BufferPoolOptions,
  type BufferPoolStats,
  channelNames,
  type DropMessage,
  InvalidOptionError,
  type LeakReport,
  type OversizeError,
} from '../src/index.js';

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

test('channels: a message type per channel name, each with the pool name', () => {
  expectTypeOf<keyof BufferPoolChannelMessages>().toEqualTypeOf<keyof typeof channelNames>();
  expectTypeOf(channelNames.invalidRelease).toEqualTypeOf<'perf:buffer-pool:invalid-release'>();
  expectTypeOf<BufferPoolChannelMessages['leak']>().toEqualTypeOf<LeakReport>();
  expectTypeOf<BufferPoolChannelMessages['drop']>().toEqualTypeOf<DropMessage>();
  expectTypeOf<DropMessage['reason']>().toEqualTypeOf<'class-full' | 'total-full' | 'unpooled'>();
  expectTypeOf<BufferPoolChannelMessages[keyof BufferPoolChannelMessages]>().toExtend<{ readonly name: string }>();
});

test('errors: code is the union of the codes, so a switch narrows', () => {
  expectTypeOf<BufferPoolError['code']>().toEqualTypeOf<BufferPoolErrorCode>();
  expectTypeOf<OversizeError['code']>().toEqualTypeOf<'PERF_BUFFER_POOL_OVERSIZE'>();
  expectTypeOf(new InvalidOptionError('o', 'e', 1)).toMatchTypeOf<{
    readonly option: string;
    readonly expected: string;
    readonly received: unknown;
  }>();
  const check = (error: BufferPoolError): void => {
    if (error.code === 'PERF_BUFFER_POOL_OVERSIZE') return;
    // @ts-expect-error not a code of this package
    if (error.code === 'PERF_BUFFER_POOL_CLOSED') return;
  };
  void check;
});
