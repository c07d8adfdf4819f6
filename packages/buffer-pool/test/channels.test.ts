import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, describe, expect, test } from 'vitest';
import { BufferPool, type BufferPoolChannelMessages, channelNames } from '../src/index.js';

const KB = 1024;

describe('diagnostics_channel events', () => {
  const subscriptions: Array<[string, (message: unknown) => void]> = [];
  function listen<E extends keyof BufferPoolChannelMessages>(event: E): BufferPoolChannelMessages[E][] {
    const seen: BufferPoolChannelMessages[E][] = [];
    const fn = (message: unknown) => seen.push(message as BufferPoolChannelMessages[E]);
    subscribe(channelNames[event], fn);
    subscriptions.push([channelNames[event], fn]);
    return seen;
  }
  afterEach(() => {
    for (const [name, fn] of subscriptions.splice(0)) unsubscribe(name, fn);
  });

  test('channelNames: one perf:buffer-pool:<event> channel per event', () => {
    expect(channelNames).toEqual({
      miss: 'perf:buffer-pool:miss',
      drop: 'perf:buffer-pool:drop',
      oversize: 'perf:buffer-pool:oversize',
      invalidRelease: 'perf:buffer-pool:invalid-release',
      leak: 'perf:buffer-pool:leak',
      truncate: 'perf:buffer-pool:truncate',
      tier: 'perf:buffer-pool:tier',
    });
  });

  test('miss, drop, oversize and invalid-release are published with the pool name', () => {
    const misses = listen('miss');
    const drops = listen('drop');
    const oversize = listen('oversize');
    const invalid = listen('invalidRelease');
    const pool = new BufferPool({ name: 'events', maxPerClass: 0, maxSize: 4 * KB, oversize: 'allocate' });
    const a = pool.acquire(3000);
    pool.release(a);
    pool.release(a);
    pool.release(Buffer.alloc(1));
    pool.release(pool.acquire(5 * KB));
    expect(misses).toEqual([{ name: 'events', size: 3000, capacity: 4 * KB }]);
    expect(drops).toEqual([
      { name: 'events', capacity: 4 * KB, reason: 'class-full' },
      { name: 'events', capacity: 0, reason: 'unpooled' },
    ]);
    expect(oversize).toEqual([{ name: 'events', size: 5 * KB }]);
    expect(invalid).toEqual([
      { name: 'events', reason: 'double' },
      { name: 'events', reason: 'foreign' },
    ]);
  });

  test('a total-full drop says so', () => {
    const drops = listen('drop');
    const pool = new BufferPool({ name: 'total', maxRetainedBytes: KB });
    pool.release(pool.acquire(2 * KB));
    expect(drops).toEqual([{ name: 'total', capacity: 2 * KB, reason: 'total-full' }]);
  });

  test("a pool without a name option publishes the default name 'pool'", () => {
    const misses = listen('miss');
    new BufferPool().acquire(KB);
    expect(misses).toEqual([{ name: 'pool', size: KB, capacity: KB }]);
  });
});
