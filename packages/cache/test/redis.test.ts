// The tiered mode against real Redis: the shared server from @perf/testing
// for the happy paths, a closed port for "down at start", and a private
// redis-server child process that the test stops, restarts and pauses for
// "down mid-run" and "slow".
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { closedPort, deferred, PrivateRedis, redis, tcpProxy } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  type CacheOptions,
  channelNames,
  InvalidationsUndeliveredError,
  InvalidOptionError,
  type L2ErrorMessage,
} from '../src/index.js';
import { RedisTier } from '../src/redis.js';
import { remoteInvalidation, tieredCaches } from './tiered.js';

const r = await redis();
const caches = tieredCaches();
const namespace = caches.namespace;

const raws: Redis[] = [];
afterAll(async () => {
  await caches.closeAll();
  if (!r.skip) {
    // Leave nothing behind on the shared server.
    const cleaner = new Redis(r.url);
    const keys = await cleaner.keys(`${caches.prefix}*`);
    if (keys.length > 0) await cleaner.del(...keys);
    cleaner.disconnect();
  }
  for (const raw of raws) raw.disconnect();
});

/** A tiered cache on `url`, ready (connected and subscribed) unless `wait` is false. */
function tiered(url: string, ns: string, name: string, extra: Partial<CacheOptions<string>> = {}, wait = true) {
  return caches.open(url, ns, name, { cache: extra, wait });
}

test('an invalid namespace or maxQueuedInvalidations is a typed error', () => {
  expect(() => new RedisTier({ url: 'redis://127.0.0.1:1', namespace: 'a b*' })).toThrow(InvalidOptionError);
  for (const bad of [0, -1, 1.5, Number.NaN]) {
    expect(() => new RedisTier({ url: 'redis://127.0.0.1:1', namespace: 'ok', maxQueuedInvalidations: bad })).toThrow(
      expect.objectContaining({ code: 'PERF_CACHE_INVALID_OPTION', option: 'maxQueuedInvalidations' }),
    );
  }
});

describe.skipIf(r.skip)('tiered mode on real Redis', () => {
  test('reads go L1 → L2 → loader; writes reach both', async () => {
    const ns = namespace();
    const { cache: a } = await tiered(r.url, ns, 'a1');
    const { cache: b } = await tiered(r.url, ns, 'b1');
    const loader = vi.fn(() => 'v1');
    expect(await a.getOrLoad('k', loader)).toBe('v1');
    expect(await b.getOrLoad('k', loader)).toBe('v1');
    expect(loader).toHaveBeenCalledTimes(1);
    expect(b.stats()).toMatchObject({ l2Hits: 1, loads: 0 });
    await a.set('s', 'direct');
    expect(await b.getOrLoad('s', () => 'wrong')).toBe('direct');
  });

  test('a read right after start waits for the first connection instead of failing', async () => {
    const ns = namespace();
    const { cache: a } = await tiered(r.url, ns, 'a0');
    await a.set('k', 'shared');
    const { cache: fresh } = await tiered(r.url, ns, 'fresh0', {}, false);
    expect(await fresh.getOrLoad('k', () => 'loader')).toBe('shared');
    expect(fresh.stats()).toMatchObject({ l2Hits: 1, l2Errors: 0, loads: 0 });
  });

  test('set, delete, invalidateTag and clear in one instance drop the L1 copies of another', async () => {
    const ns = namespace();
    const { cache: a } = await tiered(r.url, ns, 'a2');
    const { cache: b } = await tiered(r.url, ns, 'b2');
    let heard = remoteInvalidation('b2');
    await a.set('k', 'v1', { tags: ['user:1'] });
    await heard; // b drops its (absent) copy of k; after this it reads v1 from L2
    expect(await b.getOrLoad('k', () => 'x')).toBe('v1');
    expect(b.has('k')).toBe(true);

    heard = remoteInvalidation('b2');
    await a.set('k', 'v2', { tags: ['user:1'] });
    await heard;
    expect(b.has('k')).toBe(false);
    expect(await b.getOrLoad('k', () => 'x')).toBe('v2');

    heard = remoteInvalidation('b2');
    await a.invalidateTag('user:1');
    await heard;
    expect(b.has('k')).toBe(false);
    expect(await b.getOrLoad('k', () => 'reloaded')).toBe('reloaded');

    heard = remoteInvalidation('a2');
    await b.delete('k');
    await heard;
    expect(a.has('k')).toBe(false);
    expect(await a.getOrLoad('k', () => 'after-delete')).toBe('after-delete');

    heard = remoteInvalidation('b2');
    await a.clear();
    await heard;
    expect(b.size).toBe(0);
    expect(await b.getOrLoad('k', () => 'after-clear')).toBe('after-clear');
  });

  test('memo on a tiered cache needs a name; named, it is shared and invalidated fleet-wide', async () => {
    const ns = namespace();
    const { cache: a } = await tiered(r.url, ns, 'a6');
    const { cache: b } = await tiered(r.url, ns, 'b6');
    expect(() => a.memo(async () => 'x')).toThrow(InvalidOptionError);
    let version = 1;
    const compute = vi.fn(async (pool: string) => `${pool}:v${version}`);
    const statsA = a.memo(compute, { name: 'poolStats', ttl: 60_000 });
    const statsB = b.memo(compute, { name: 'poolStats', ttl: 60_000 });
    expect(await statsA('main')).toBe('main:v1');
    expect(await statsB('main')).toBe('main:v1');
    expect(compute).toHaveBeenCalledTimes(1);
    version = 2;
    const heard = remoteInvalidation('b6');
    await statsA.invalidate();
    await heard;
    expect(await statsB('main')).toBe('main:v2');
  });

  test('namespaces keep two caches on one Redis apart (and clear touches only its own)', async () => {
    const { cache: a } = await tiered(r.url, namespace(), 'a3');
    const bNamespace = namespace();
    const { cache: b } = await tiered(r.url, bNamespace, 'b3');
    await a.set('same', 'from-a');
    await b.set('same', 'from-b');
    await a.clear();
    const { cache: b2 } = await tiered(r.url, bNamespace, 'b3bis');
    expect(await b2.getOrLoad('same', () => 'lost')).toBe('from-b');
  });

  test('after a reconnect the bus is subscribed again, and close() during that re-SUBSCRIBE (fake: a loopback proxy holds it) rejects nothing unhandled', async () => {
    // The moment cannot be caused with a real server alone, so a TCP proxy in front of the real
    // Redis drops every connection on demand and, while armed, holds back a SUBSCRIBE.
    let armed = false;
    const held = deferred();
    const proxy = await tcpProxy(r.url, (chunk) => {
      if (!armed || !chunk.toString('latin1').toLowerCase().includes('subscribe')) return false;
      held.resolve();
      return true;
    });
    const sockets = proxy.sockets;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const ns = namespace();
      const { cache: a } = await tiered(proxy.url, ns, 'resub-a');
      const { cache: b } = await tiered(r.url, ns, 'resub-b');
      // 1. The network drops every connection: once reconnected, invalidations arrive again.
      proxy.drop();
      expect(await a.getOrLoad('k', () => 'v1')).toBe('v1');
      await vi.waitFor(
        async () => {
          const heard = remoteInvalidation('resub-a');
          await b.set('k', 'v2');
          await Promise.race([heard, new Promise((_, reject) => setTimeout(() => reject(new Error('not yet')), 200))]);
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(a.has('k')).toBe(false);
      // 2. Dropped again, and closed while the re-SUBSCRIBE waits for its reply.
      armed = true;
      proxy.drop();
      await held.promise;
      await a.close();
      // Both of a's connections are gone once the proxy saw them close; then let rejections surface.
      await vi.waitFor(() => expect(sockets.size).toBe(0), { timeout: 5_000, interval: 10 });
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      proxy.close();
    }
  });

  test('with lock, a cold key is loaded once by the fleet', async () => {
    const ns = namespace();
    const { cache: a } = await tiered(r.url, ns, 'a4', { lock: { ttlMs: 5_000, pollIntervalMs: 5 } });
    const { cache: b } = await tiered(r.url, ns, 'b4', { lock: { ttlMs: 5_000, pollIntervalMs: 5 } });
    const d = deferred<string>();
    const loader = vi.fn(() => d.promise);
    const pa = a.getOrLoad('cold', loader);
    // Let a take the lock before b asks.
    await vi.waitFor(() => expect(loader).toHaveBeenCalledTimes(1));
    const pb = b.getOrLoad('cold', loader);
    // b missed L2, found the lock taken and polls (each poll is another L2 miss).
    await vi.waitFor(() => expect(b.stats().l2Misses).toBeGreaterThanOrEqual(2));
    d.resolve('once');
    expect(await Promise.all([pa, pb])).toEqual(['once', 'once']);
    expect(loader).toHaveBeenCalledTimes(1);
    expect(b.stats().lockWaits).toBe(1);
  });

  test('a lock whose holder died lapses after lock.ttlMs and the waiter loads itself', async () => {
    const ns = namespace();
    const holder = new Redis(r.url);
    raws.push(holder);
    // A holder that took the lock and vanished without writing the value.
    await holder.set(`${ns}:l:orphan`, 'dead-instance', 'PX', 150);
    const { cache } = await tiered(r.url, ns, 'a5', { lock: { ttlMs: 150, pollIntervalMs: 10 } });
    const loader = vi.fn(() => 'loaded-anyway');
    expect(await cache.getOrLoad('orphan', loader)).toBe('loaded-anyway');
    expect(loader).toHaveBeenCalledTimes(1);
    expect(cache.stats().lockWaits).toBe(0);
  });
});

test('Redis down at start (connection refused): reads use L1 and the loader, nothing rejects', async () => {
  const url = `redis://127.0.0.1:${await closedPort()}`;
  const { cache, tier } = await tiered(url, namespace(), 'down', {}, false);
  const l2Events: unknown[] = [];
  const onL2Error = (m: unknown) => l2Events.push(m);
  subscribe(channelNames.l2Error, onL2Error);
  expect(await cache.getOrLoad('k', () => 'from-loader')).toBe('from-loader');
  unsubscribe(channelNames.l2Error, onL2Error);
  expect(l2Events[0]).toMatchObject({ name: 'down', op: 'get' });
  expect(await cache.getOrLoad('k', () => 'unused')).toBe('from-loader');
  await cache.set('s', 'v');
  await expect(cache.delete('s')).resolves.toBe(true);
  await cache.invalidateTag('t');
  await cache.clear();
  const stats = cache.stats();
  expect(stats.l2Errors).toBeGreaterThanOrEqual(5);
  expect(stats.hits).toBe(1);
  await vi.waitFor(() => expect(tier.connectionErrors).toBeGreaterThan(0));
  await cache.close();
});

test('close() while Redis is still unreachable reports the invalidations it could not send', async () => {
  const url = `redis://127.0.0.1:${await closedPort()}`;
  const { cache } = await tiered(url, namespace(), 'closing-down', {}, false);
  await cache.delete('a');
  await cache.invalidateTag('t');
  expect(cache.stats().invalidationsQueued).toBe(2);
  const reported: L2ErrorMessage[] = [];
  const onL2Error = (m: unknown) => reported.push(m as (typeof reported)[number]);
  subscribe(channelNames.l2Error, onL2Error);
  try {
    await cache.close();
  } finally {
    unsubscribe(channelNames.l2Error, onL2Error);
  }
  const undelivered = reported.filter((m) => m.error instanceof InvalidationsUndeliveredError);
  expect(undelivered).toEqual([
    {
      name: 'closing-down',
      op: 'publish',
      error: expect.objectContaining({ code: 'PERF_CACHE_INVALIDATIONS_UNDELIVERED', count: 2 }),
    },
  ]);
});

describe.skipIf(r.skip)('a private redis-server, stopped and paused', () => {
  let server: PrivateRedis;
  const raw = () => server.client();
  const start = () => server.start();
  const stop = () => server.kill();
  beforeAll(async () => {
    server = await PrivateRedis.start();
  });
  afterAll(async () => {
    await server?.close();
  });

  test('Redis down mid-run: L1 and the loader keep serving, then the tier reconnects', async () => {
    const url = server.url;
    const ns = namespace();
    const { cache, tier } = await tiered(url, ns, 'midrun');
    expect(await cache.getOrLoad('a', () => 'A')).toBe('A');
    await stop();
    expect(await cache.getOrLoad('a', () => 'unused')).toBe('A'); // L1
    expect(await cache.getOrLoad('b', () => 'B')).toBe('B'); // loader, L2 failing
    expect(cache.stats().l2Errors).toBeGreaterThan(0);
    await start();
    await tier.ready();
    expect(await cache.getOrLoad('c', () => 'C')).toBe('C');
    const check = await raw();
    expect(await check.exists(`${ns}:v:c`)).toBe(1);
  });

  test('Redis killed while commands are in flight: every call settles, nothing rejects unhandled', async () => {
    const url = server.url;
    const { cache } = await tiered(url, namespace(), 'killed', { secondLevelTimeoutMs: 2_000, lock: { ttlMs: 1_000 } });
    const admin = await raw();
    await admin.call('CLIENT', 'PAUSE', '10000', 'ALL'); // commands queue up in the server
    const calls = [
      cache.getOrLoad('a', () => 'A'),
      cache.set('b', 'B', { tags: ['t'] }),
      cache.delete('c'),
      cache.invalidateTag('t'),
      cache.clear(),
    ];
    await stop(); // the server dies with all of them in flight
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((settled[0] as PromiseFulfilledResult<string>).value).toBe('A');
    expect(cache.stats().l2Errors).toBeGreaterThan(0);
    await cache.close();
    await start();
  });

  test('a lock taken after its acquire timed out (CLIENT PAUSE WRITE) is still released', async () => {
    const url = server.url;
    const ns = namespace();
    const { cache } = await tiered(url, ns, 'latelock', { secondLevelTimeoutMs: 50, lock: { ttlMs: 30_000 } });
    const admin = await raw();
    const check = await raw();
    // Writes (the SET NX of the lock) wait; the GET of the miss goes through.
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    const started = deferred();
    const value = deferred<string>();
    const read = cache.getOrLoad('k', () => {
      started.resolve();
      return value.promise;
    });
    await started.promise; // acquireLock timed out: loading without the lock
    await admin.call('CLIENT', 'UNPAUSE');
    // The late SET NX lands: the lock is held by this instance's token although it thinks it has none.
    await vi.waitFor(async () => expect(await check.exists(`${ns}:l:k`)).toBe(1), { timeout: 5_000, interval: 10 });
    value.resolve('loaded');
    expect(await read).toBe('loaded');
    // Released in the background, after the value is in L2: without the release the fleet would
    // wait lock.ttlMs (30 s) for a value that is already there.
    await vi.waitFor(async () => expect(await check.exists(`${ns}:l:k`)).toBe(0), { timeout: 5_000, interval: 10 });
    expect(await check.exists(`${ns}:v:k`)).toBe(1);
  });

  test('Redis slow (CLIENT PAUSE): a read waits at most secondLevelTimeoutMs, then uses the loader', async () => {
    const url = server.url;
    const { cache } = await tiered(url, namespace(), 'slow', { secondLevelTimeoutMs: 50 });
    const admin = await raw();
    await admin.call('CLIENT', 'PAUSE', '1000', 'ALL');
    const before = cache.stats().l2Errors;
    expect(await cache.getOrLoad('k', () => 'from-loader')).toBe('from-loader');
    expect(cache.stats().l2Errors).toBeGreaterThan(before);
    expect(cache.stats().loads).toBe(1);
    await admin.call('CLIENT', 'UNPAUSE');
  });
});
