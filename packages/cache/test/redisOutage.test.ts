// Invalidations across a Redis outage, between two real cache instances A and
// B on a private redis-server: what A deletes while Redis is down (killed,
// paused, or A cut off) is sent once A is back, and B, when it lost the bus,
// drops its L1 on resubscribing, so B never serves the deleted value once it
// is back on the bus.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { PrivateRedis, redis, type TcpProxy, tcpProxy } from '@perf/testing';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { channelNames, type InvalidateMessage } from '../src/index.js';
import { barrier, shared, tieredCaches } from './tiered.js';

const r = await redis(); // the same switch as every Redis test: skip (or fail in CI) without redis-server
const caches = tieredCaches();

describe.skipIf(r.skip)('a delete on A while Redis is down, and B', () => {
  let server: PrivateRedis;
  let proxy: TcpProxy | undefined;
  beforeEach(async () => {
    server = await PrivateRedis.start();
  });
  afterEach(async () => {
    await caches.closeAll();
    proxy?.close();
    proxy = undefined;
    await server.close();
  });

  test('Redis killed and restarted: once B has reconnected it never serves the deleted value', async () => {
    const ns = caches.namespace();
    const a = await caches.open(server.url, ns, 'kill-a');
    const b = await caches.open(server.url, ns, 'kill-b');
    await shared(a, b, 'k', 'old');
    await server.kill();
    await a.cache.delete('k');
    expect(b.cache.get('k')).toBe('old'); // nothing can tell B during the outage
    await server.start();
    await b.tier.ready(); // B is back on the bus; A may not be yet
    expect(b.cache.get('k')).toBeUndefined();
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded'); // L1, then Redis, then the loader
    await barrier(a, b); // A is back too, and its queued delete has been sent
    expect(b.cache.get('k')).not.toBe('old');
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded');
    expect(b.cache.stats().busRecoveries).toBe(1);
  });

  test('Redis restarted with its data (append-only file): the delete reaches Redis too once A is back', async () => {
    await server.close();
    server = await PrivateRedis.start({ persistent: true });
    const ns = caches.namespace();
    const a = await caches.open(server.url, ns, 'aof-a');
    const b = await caches.open(server.url, ns, 'aof-b');
    await shared(a, b, 'k', 'old');
    await server.kill();
    await a.cache.delete('k');
    await server.start();
    const check = await server.client();
    await b.tier.ready();
    expect(b.cache.get('k')).toBeUndefined();
    await barrier(a, b);
    // The DEL that failed during the outage was sent before the message: Redis no longer has the value.
    expect(await check.exists(`${ns}:v:k`)).toBe(0);
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded');
  });

  test('Redis paused (SIGSTOP) then resumed: B hears the delete and never serves the old value afterwards', async () => {
    const ns = caches.namespace();
    const a = await caches.open(server.url, ns, 'stop-a', { cache: { secondLevelTimeoutMs: 50 } });
    const b = await caches.open(server.url, ns, 'stop-b', { cache: { secondLevelTimeoutMs: 50 } });
    await shared(a, b, 'k', 'old');
    server.pause();
    let queued: number | undefined;
    try {
      await a.cache.delete('k'); // the DEL times out: queued
      queued = a.cache.stats().invalidationsQueued;
    } finally {
      server.resume();
    }
    await barrier(a, b);
    expect(b.cache.get('k')).toBeUndefined();
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded');
    expect(queued).toBe(1);
    expect(b.cache.stats().busRecoveries).toBe(0); // the connections never closed: no flush needed
  });

  test('Redis paused (SIGSTOP), then killed and restarted: what it had buffered is sent again', async () => {
    const ns = caches.namespace();
    const a = await caches.open(server.url, ns, 'hung-a', { cache: { secondLevelTimeoutMs: 50 } });
    const b = await caches.open(server.url, ns, 'hung-b', { cache: { secondLevelTimeoutMs: 50 } });
    await shared(a, b, 'k', 'old');
    server.pause();
    await a.cache.delete('k'); // DEL and PUBLISH wait in the hung server's buffers...
    await server.kill(); // ...and die with it
    await server.start();
    await b.tier.ready();
    expect(b.cache.get('k')).toBeUndefined();
    await barrier(a, b);
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded');
  });

  test('A alone cut off (a loopback TCP proxy drops its connections): its queued delete reaches B and Redis when A is back', async () => {
    proxy = await tcpProxy(server.url);
    const ns = caches.namespace();
    const a = await caches.open(proxy.url, ns, 'cut-a');
    const b = await caches.open(server.url, ns, 'cut-b');
    await shared(a, b, 'k', 'old');
    await shared(a, b, 'kept', 'v');
    proxy.cut();
    await a.cache.delete('k');
    const queued = a.cache.stats().invalidationsQueued;
    const check = await server.client();
    expect(await check.exists(`${ns}:v:k`)).toBe(1); // Redis still has it: B could read it there
    proxy.heal();
    await barrier(a, b);
    expect(b.cache.get('k')).toBeUndefined();
    expect(await check.exists(`${ns}:v:k`)).toBe(0);
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded');
    // B never lost the bus, so it keeps what no invalidation named.
    expect(b.cache.get('kept')).toBe('v');
    expect(queued).toBe(1);
    await vi.waitFor(() => expect(a.cache.stats().invalidationsQueued).toBe(0));
    expect(b.cache.stats().busRecoveries).toBe(0);
  });

  test('B alone cut off while A deletes: B drops its L1 when it resubscribes', async () => {
    proxy = await tcpProxy(server.url);
    const ns = caches.namespace();
    const a = await caches.open(server.url, ns, 'deaf-a');
    const b = await caches.open(proxy.url, ns, 'deaf-b');
    await shared(a, b, 'k', 'old');
    await shared(a, b, 'other', 'v');
    const flushes: InvalidateMessage[] = [];
    const onInvalidation = (m: unknown) => {
      if ((m as InvalidateMessage).name === 'deaf-b' && (m as InvalidateMessage).reason !== undefined) {
        flushes.push(m as InvalidateMessage);
      }
    };
    subscribe(channelNames.invalidate, onInvalidation);
    proxy.cut();
    await a.cache.delete('k'); // published to nobody on B's side
    proxy.heal();
    await barrier(a, b); // B is back on the bus
    unsubscribe(channelNames.invalidate, onInvalidation);
    expect(b.cache.get('k')).toBeUndefined();
    expect(b.cache.size).toBe(0); // it cannot know which keys it missed: all of them go
    expect(await b.cache.getOrLoad('k', () => 'reloaded')).toBe('reloaded');
    expect(await b.cache.getOrLoad('other', () => 'not from redis')).toBe('v');
    expect(b.cache.stats().busRecoveries).toBe(1);
    expect(flushes).toEqual([{ name: 'deaf-b', clear: true, remote: false, reason: 'bus-restored' }]);
    expect(a.cache.stats().invalidationsQueued).toBe(0);
  });

  test('more invalidations than the bound while A is cut off collapse into one clear-all of Redis and of B', async () => {
    proxy = await tcpProxy(server.url);
    const ns = caches.namespace();
    const a = await caches.open(proxy.url, ns, 'many-a', { tier: { maxQueuedInvalidations: 3 } });
    const b = await caches.open(server.url, ns, 'many-b');
    for (const key of ['k0', 'k1', 'k2', 'k3', 'unnamed']) await shared(a, b, key, `old-${key}`);
    const heard: InvalidateMessage[] = [];
    const onInvalidation = (m: unknown) => {
      if ((m as InvalidateMessage).name === 'many-b' && (m as InvalidateMessage).remote)
        heard.push(m as InvalidateMessage);
    };
    subscribe(channelNames.invalidate, onInvalidation);
    try {
      proxy.cut();
      for (const key of ['k0', 'k1', 'k2']) await a.cache.delete(key);
      const beforeBound = a.cache.stats();
      await a.cache.delete('k3');
      const pastBound = a.cache.stats();
      proxy.heal();
      await barrier(a, b);
      // One "clear all" instead of the four deletes: B dropped even the key nobody named, and Redis is empty.
      expect(b.cache.size).toBe(0);
      const check = await server.client();
      expect(await check.keys(`${ns}:v:*`)).toEqual([]);
      expect(await b.cache.getOrLoad('k3', () => 'reloaded')).toBe('reloaded');
      expect(heard.filter((m) => !m.keys?.some((k) => k.startsWith('probe-')))).toEqual([
        expect.objectContaining({ clear: true }),
      ]);
      expect(beforeBound).toMatchObject({ invalidationsQueued: 3, invalidationsCollapsed: 0 });
      expect(pastBound).toMatchObject({ invalidationsQueued: 1, invalidationsCollapsed: 1 });
    } finally {
      unsubscribe(channelNames.invalidate, onInvalidation);
    }
  });
});

describe.skipIf(r.skip)('at start', () => {
  afterEach(() => caches.closeAll());

  test('when the first connection attempts fail, what was cached meanwhile is dropped once the bus is subscribed', async () => {
    const later = await PrivateRedis.reserve();
    try {
      const b = await caches.open(later.url, caches.namespace(), 'late-b', { wait: false });
      expect(await b.cache.getOrLoad('k', () => 'from-loader')).toBe('from-loader');
      await vi.waitFor(() => expect(b.tier.connectionErrors).toBeGreaterThan(0));
      await later.start();
      await b.tier.ready();
      expect(b.cache.get('k')).toBeUndefined();
      expect(b.cache.stats().busRecoveries).toBe(1);
    } finally {
      await later.close();
    }
  });

  test('when the first connection succeeds, what was cached before it (warm) stays', async () => {
    const server = await PrivateRedis.start();
    try {
      const b = await caches.open(server.url, caches.namespace(), 'warm-b', { wait: false });
      await b.cache.warm([['w', 'warmed']]);
      await b.tier.ready();
      expect(b.cache.get('w')).toBe('warmed');
      expect(b.cache.stats().busRecoveries).toBe(0);
    } finally {
      await caches.closeAll();
      await server.close();
    }
  });
});
