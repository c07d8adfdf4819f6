// A miss while Redis stalls waits for one secondLevelTimeoutMs at most: once a
// call of the miss has timed out, the rest does without Redis (no lock after a
// get timeout, the unlock in the background). Redis is a private redis-server
// paused for real (SIGSTOP, or CLIENT PAUSE WRITE); only timers and Date are fake, so
// the test counts the timeouts a miss waits for instead of measuring wall time.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { deferred, PrivateRedis, redis, type TcpProxy, tcpProxy } from '@perf/testing';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { channelNames, type L2ErrorMessage } from '../src/index.js';
import { tieredCaches } from './tiered.js';

const r = await redis();
const caches = tieredCaches();
const TIMEOUT = 100;

// The default coarse clock clears itself with a setTimeout, which useRealTimers() would drop: read the (fake) Date.
const now = () => Date.now();
const io = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Advances the fake clock by secondLevelTimeoutMs until `miss` settles; how many timeouts it waited for. */
async function timeoutsWaited(miss: Promise<unknown>, max = 10): Promise<number> {
  let settled = false;
  miss.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let steps = 0; ; steps++) {
    await io(); // every continuation that needs no timer runs first
    if (settled || steps === max) return steps;
    await vi.advanceTimersByTimeAsync(TIMEOUT);
  }
}

/** The second-level calls that failed for `cacheName`, by name, while `fn` runs. */
function l2Errors(cacheName: string) {
  const ops: string[] = [];
  const fn = (m: unknown) => {
    const { name, op } = m as L2ErrorMessage;
    if (name === cacheName) ops.push(op);
  };
  subscribe(channelNames.l2Error, fn);
  return { ops, stop: () => unsubscribe(channelNames.l2Error, fn) };
}

describe.skipIf(r.skip)('with lock, a miss while Redis stalls', () => {
  let server: PrivateRedis;
  let proxy: TcpProxy | undefined;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeAll(async () => {
    server = await PrivateRedis.start();
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    // Let the calls still racing their (fake) timeouts settle, then go back to real time
    // (useRealTimers drops the fake timers still pending, and what waits on them never ends).
    for (let i = 0; i < 100 && vi.isFakeTimers() && vi.getTimerCount() > 0; i++) {
      await vi.advanceTimersByTimeAsync(TIMEOUT);
    }
    vi.useRealTimers();
    server.resume();
    await caches.closeAll();
    proxy?.close();
    proxy = undefined;
    for (let i = 0; i < 5; i++) await io();
    expect(unhandled).toEqual([]);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server.close();
  });

  test('paused (SIGSTOP): the get times out, and the miss loads without taking the lock: one timeout', async () => {
    const { cache } = await caches.open(server.url, caches.namespace(), 'stall-get', {
      cache: { now, secondLevelTimeoutMs: TIMEOUT, lock: { ttlMs: 5_000 } },
    });
    const errors = l2Errors('stall-get');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server.pause();
    const miss = cache.getOrLoad('k', () => 'loaded');
    const waited = await timeoutsWaited(miss);
    const failedDuringMiss = [...errors.ops];
    errors.stop();
    expect(await miss).toBe('loaded');
    expect(waited).toBe(1);
    expect(failedDuringMiss).toEqual(['get']);
  });

  test('writes paused (CLIENT PAUSE WRITE): the lock times out, and the miss does not wait for the unlock: one timeout', async () => {
    const ns = caches.namespace();
    const { cache } = await caches.open(server.url, ns, 'stall-lock', {
      cache: { now, secondLevelTimeoutMs: TIMEOUT, lock: { ttlMs: 30_000 } },
    });
    const admin = await server.client();
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE'); // GET answers; SET NX and the unlock script wait
    const errors = l2Errors('stall-lock');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const miss = cache.getOrLoad('k', () => 'loaded');
    while (cache.stats().l2Misses === 0) await io(); // the GET came back empty: the lock is being taken
    const waited = await timeoutsWaited(miss);
    const failedDuringMiss = [...errors.ops];
    errors.stop();
    expect(await miss).toBe('loaded');
    expect(waited).toBe(1);
    expect(failedDuringMiss).toEqual(['acquireLock']);
    // The unlock still happens, in the background: once writes resume, the late lock is gone.
    while (vi.getTimerCount() > 0) await vi.advanceTimersByTimeAsync(TIMEOUT);
    vi.useRealTimers();
    await admin.call('CLIENT', 'UNPAUSE');
    await vi.waitFor(async () => expect(await admin.exists(`${ns}:l:k`)).toBe(0), { timeout: 5_000, interval: 10 });
  });

  test('another instance holds the lock and a poll of Redis times out (a loopback proxy holds back the GET): the miss loads at once', async () => {
    let holdReads = false;
    proxy = await tcpProxy(server.url, (chunk) => holdReads && /\r\nget\r\n/i.test(chunk.toString('latin1')));
    const ns = caches.namespace();
    const { cache, tier } = await caches.open(proxy.url, ns, 'stall-poll', {
      cache: { now, secondLevelTimeoutMs: TIMEOUT, lock: { ttlMs: 2_000, pollIntervalMs: 20 } },
    });
    const holder = await server.client();
    await holder.set(`${ns}:l:k`, 'another-instance', 'PX', 30_000);
    // Fake time must not move before the lock's answer is in: watch for it.
    const lockAnswered = deferred();
    const acquireLock = tier.acquireLock.bind(tier);
    tier.acquireLock = (...args) => acquireLock(...args).finally(() => lockAnswered.resolve());
    const errors = l2Errors('stall-poll');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const miss = cache.getOrLoad('k', () => 'loaded');
    await lockAnswered.promise; // taken by the other instance: the miss polls Redis every 20 ms
    holdReads = true; // the polls' GETs never get an answer
    const waited = await timeoutsWaited(miss);
    const failedDuringMiss = [...errors.ops];
    errors.stop();
    expect(failedDuringMiss).toEqual(['get']); // one poll timed out; without the rule it polls on for lock.ttlMs
    expect(waited).toBeLessThanOrEqual(2); // the 20 ms poll interval, then the one timeout
    expect(await miss).toBe('loaded');
  });
});
