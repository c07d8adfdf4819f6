// What the cache publishes on node:diagnostics_channel: the channel names,
// the order of events, and the cache's `name` in every message.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { useFakeTime } from '@perf/testing';
import { describe, expect, test, vi } from 'vitest';
import { Cache, type CacheChannelMessages, channelNames, SecondLevelTimeoutError } from '../src/index.js';
import { memoryLevel } from './memoryLevel.js';

useFakeTime();
// The default clock caches Date.now() for 1 ms; tests read the (fake) clock on every call.
const now = () => Date.now();

type Event = keyof CacheChannelMessages;
type Seen = { [E in Event]: { event: E; message: CacheChannelMessages[E] } }[Event];

/** Records every message on every channel of this package while `fn` runs. */
async function record(fn: () => Promise<void>): Promise<Seen[]> {
  const seen: Seen[] = [];
  const listeners = (Object.keys(channelNames) as Event[]).map((event) => {
    const listener = (message: unknown) => seen.push({ event, message } as Seen);
    subscribe(channelNames[event], listener);
    return () => unsubscribe(channelNames[event], listener);
  });
  try {
    await fn();
  } finally {
    for (const stop of listeners) stop();
  }
  return seen;
}

describe('channels', () => {
  test('are named perf:cache:<event>', () => {
    expect(channelNames).toEqual({
      hit: 'perf:cache:hit',
      miss: 'perf:cache:miss',
      stale: 'perf:cache:stale',
      load: 'perf:cache:load',
      evict: 'perf:cache:evict',
      l2Error: 'perf:cache:l2-error',
      invalidate: 'perf:cache:invalidate',
    });
  });

  test('hit, miss, load and evict are published in order', async () => {
    const seen = await record(async () => {
      const cache = new Cache<string>({ now, max: 1, name: 'test' });
      await cache.getOrLoad('a', () => 'x');
      cache.get('a');
      await cache.set('b', 'y');
    });
    expect(seen.map((s) => `${s.event}:${'key' in s.message ? s.message.key : ''}`)).toEqual([
      'miss:a',
      'load:a',
      'hit:a',
      'evict:a',
    ]);
  });

  test('stale and invalidate events are published', async () => {
    const seen = await record(async () => {
      const cache = new Cache<string>({ now, max: 10, ttl: 1000, staleWhileRevalidateMs: 5000 });
      await cache.getOrLoad('k', () => 'v1', { tags: ['t'] });
      vi.advanceTimersByTime(1500);
      await cache.getOrLoad('k', () => 'v2');
      await cache.invalidateTag('t');
    });
    expect(seen.filter((s) => s.event === 'stale' || s.event === 'invalidate').map((s) => s.message)).toEqual([
      { name: 'cache', key: 'k', reason: 'revalidate' },
      { name: 'cache', tag: 't', remote: false },
    ]);
  });

  test('every event carries the name of the cache that published it (second level in memory; its failure is fake)', async () => {
    const level = memoryLevel();
    const seen = await record(async () => {
      const a = new Cache<string>({
        now,
        max: 1,
        ttl: 1_000,
        staleWhileRevalidateMs: 1_000,
        name: 'a',
        secondLevel: level.connect(),
      });
      const b = new Cache<string>({ now, max: 10, name: 'b', secondLevel: level.connect(), secondLevelTimeoutMs: 50 });
      await a.getOrLoad('k', () => 'v1'); // a: miss, load from the loader
      await vi.advanceTimersByTimeAsync(0);
      a.get('k'); // a: hit
      await b.getOrLoad('k', () => 'unused'); // b: miss, load from the second level
      vi.advanceTimersByTime(1_500);
      await a.getOrLoad('k', () => 'v2'); // a: stale while revalidating
      await vi.advanceTimersByTimeAsync(0);
      await a.set('other', 'x'); // a: evict (max 1); b: remote invalidate
      await b.delete('k'); // b: invalidate; a: remote invalidate
      level.restoreBus(); // both: invalidate, bus-restored
      level.down = true;
      await b.getOrLoad('k', () => 'loaded'); // b: l2 error
      level.down = false;
      await Promise.all([a.close(), b.close()]);
    });
    expect(new Set(seen.map((s) => s.event))).toEqual(new Set(Object.keys(channelNames)));
    for (const { event, message } of seen) expect(['a', 'b'], event).toContain(message.name);
    expect(seen.find((s) => s.event === 'load' && s.message.source === 'l2')?.message.name).toBe('b');
    expect(seen.find((s) => s.event === 'l2Error')?.message).toMatchObject({ name: 'b', op: 'get' });
    expect(
      seen.filter((s) => s.event === 'invalidate' && s.message.reason === 'bus-restored').map((s) => s.message.name),
    ).toEqual(['a', 'b']);
  });

  test('a second-level call slower than secondLevelTimeoutMs is reported as SecondLevelTimeoutError (second level in memory, stalled: fake)', async () => {
    const level = memoryLevel();
    const stalled = { ...level.connect(), get: () => new Promise<never>(() => {}) };
    const seen = await record(async () => {
      const cache = new Cache<string>({ now, max: 10, name: 'slow', secondLevel: stalled, secondLevelTimeoutMs: 50 });
      const read = cache.getOrLoad('k', () => 'from-loader');
      await vi.advanceTimersByTimeAsync(50);
      expect(await read).toBe('from-loader');
      await cache.close();
    });
    const reported = seen.find((s) => s.event === 'l2Error')?.message;
    expect(reported).toMatchObject({ name: 'slow', op: 'get' });
    expect(reported?.error).toBeInstanceOf(SecondLevelTimeoutError);
    expect(reported?.error).toMatchObject({
      code: 'PERF_CACHE_SECOND_LEVEL_TIMEOUT',
      op: 'get',
      timeoutMs: 50,
      message:
        '@perf/cache: second level get did not answer within secondLevelTimeoutMs=50; the cache went on without it (check Redis latency, or raise secondLevelTimeoutMs)',
    });
  });
});
