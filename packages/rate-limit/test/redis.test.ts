// The Redis limiter against the shared Redis: skewed clocks, start-up, bad
// input, close() and its lease refund, stats and channels.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { closedPort, manualClock, redis } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import {
  type Decision,
  InvalidArgumentError,
  InvalidOptionError,
  type LeaseMessage,
  RateLimiterClosedError,
  type RedisRateLimiterOptions,
} from '../src/index.js';
import { RedisRateLimiter } from '../src/redis.js';
import { cleanPrefixes, uniquePrefix } from './helpers.js';

const r = await redis();
const opened: RedisRateLimiter[] = [];
const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(opened.map((l) => l.close()));
  for (const c of clients) c.disconnect();
  if (!r.skip) await cleanPrefixes(r.url);
});

function limiter(options: Omit<RedisRateLimiterOptions, 'redis'> & { redis?: RedisRateLimiterOptions['redis'] }) {
  // A generous timeout unless a test sets one: these tests are about Redis' answers, and a loaded
  // machine must not turn one into a policy decision.
  const l = new RedisRateLimiter({ redis: r.url, prefix: uniquePrefix(), timeoutMs: 5000, ...options });
  opened.push(l);
  return l;
}

test.each([
  ['redis', { redis: 'http://x', limit: 1, windowMs: 1 }],
  ['redis', { redis: {}, limit: 1, windowMs: 1 }],
  ['prefix', { redis: 'redis://127.0.0.1:1', prefix: 'a{b}', limit: 1, windowMs: 1 }],
  ['onRedisDown', { redis: 'redis://127.0.0.1:1', onRedisDown: 'retry', limit: 1, windowMs: 1 }],
  ['instances', { redis: 'redis://127.0.0.1:1', instances: 0, limit: 1, windowMs: 1 }],
  ['timeoutMs', { redis: 'redis://127.0.0.1:1', timeoutMs: 0, limit: 1, windowMs: 1 }],
  [
    'breaker.failureThreshold',
    { redis: 'redis://127.0.0.1:1', breaker: { failureThreshold: 0 }, limit: 1, windowMs: 1 },
  ],
  ['lease.tokens', { redis: 'redis://127.0.0.1:1', lease: { tokens: 1, ttlMs: 10 }, limit: 10, windowMs: 1 }],
  ['lease.tokens', { redis: 'redis://127.0.0.1:1', lease: { tokens: 11, ttlMs: 10 }, limit: 10, windowMs: 1 }],
  ['lease.ttlMs', { redis: 'redis://127.0.0.1:1', lease: { tokens: 2, ttlMs: -1 }, limit: 10, windowMs: 1 }],
  ['limit', { redis: 'redis://127.0.0.1:1', limit: Number.NaN, windowMs: 1 }],
])('option %s is checked at construction', (option, options) => {
  expect(() => new RedisRateLimiter(options as unknown as RedisRateLimiterOptions)).toThrow(
    expect.objectContaining({ code: 'PERF_RATE_LIMIT_INVALID_OPTION', option }),
  );
  expect(() => new RedisRateLimiter(options as unknown as RedisRateLimiterOptions)).toThrow(InvalidOptionError);
});

describe.skipIf(r.skip)('on the shared Redis', () => {
  test('a bad key or cost rejects with a typed error and reaches no server', async () => {
    const l = limiter({ limit: 5, windowMs: 1000 });
    await expect(l.consume('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(l.consume('k', Number.NaN)).rejects.toMatchObject({ code: 'PERF_RATE_LIMIT_INVALID_ARGUMENT' });
    await expect(l.consume('k', 6)).rejects.toMatchObject({ argument: 'cost' });
    await expect(l.consume(null as unknown as string)).rejects.toMatchObject({ argument: 'key' });
    expect(l.stats()).toMatchObject({ allowed: 0, rejected: 0, roundTrips: 0 });
  });

  test('a call right after construction waits for the connection instead of failing', async () => {
    // A generous timeout: this is about not failing fast before the connection, not about timing.
    const l = limiter({ limit: 5, windowMs: 1000, onRedisDown: 'fail-closed', timeoutMs: 5000 });
    const d = await l.consume('k');
    expect(d).toMatchObject({ allowed: true, remaining: 4, source: 'redis' });
    expect(l.stats()).toMatchObject({ failures: 0, breaker: 'closed' });
  });

  test('an ioredis client of your own works and stays open after close()', async () => {
    const client = new Redis(r.url);
    clients.push(client);
    const l = new RedisRateLimiter({ redis: client, prefix: uniquePrefix(), limit: 2, windowMs: 1000 });
    expect((await l.consume('k')).source).toBe('redis');
    await l.close();
    expect(await client.ping()).toBe('PONG');
    await expect(l.consume('k')).rejects.toBeInstanceOf(RateLimiterClosedError);
  });

  test('two instances whose clocks differ by 10 s make the decisions one instance makes', async () => {
    for (const algorithm of ['token-bucket', 'gcra', 'fixed-window', 'sliding-window'] as const) {
      const prefix = uniquePrefix();
      const ahead = limiter({ algorithm, prefix, limit: 10, windowMs: 60_000, now: () => Date.now() + 5000 });
      const behind = limiter({ algorithm, prefix, limit: 10, windowMs: 60_000, now: () => Date.now() - 5000 });
      const alone = limiter({ algorithm, limit: 10, windowMs: 60_000 });
      const skewed: Decision[] = [];
      const reference: Decision[] = [];
      for (let i = 0; i < 14; i++) {
        skewed.push(await (i % 2 === 0 ? ahead : behind).consume('k', 1 + (i % 3)));
        reference.push(await alone.consume('k', 1 + (i % 3)));
      }
      // The same answers; waits agree to the few ms that pass between the two calls (a local clock would be 5 s off).
      const coarse = (d: Decision) => ({ allowed: d.allowed, remaining: d.remaining });
      expect(skewed.map(coarse), algorithm).toEqual(reference.map(coarse));
      for (let i = 0; i < skewed.length; i++) {
        expect(Math.abs(skewed[i]!.retryAfterMs - reference[i]!.retryAfterMs)).toBeLessThan(250);
      }
      expect(skewed.filter((d) => !d.allowed).length).toBeGreaterThan(0);
    }
  });

  test('with leases, skewed clocks still share one quota exactly', async () => {
    const prefix = uniquePrefix();
    const lease = { tokens: 4, ttlMs: 60_000 };
    const common = { algorithm: 'fixed-window' as const, prefix, limit: 10, windowMs: 60_000, lease };
    const ahead = limiter({ ...common, now: () => Date.now() + 5000 });
    const behind = limiter({ ...common, now: () => Date.now() - 5000 });
    let allowed = 0;
    for (let i = 0; i < 30; i++) if ((await (i % 2 === 0 ? ahead : behind).consume('k')).allowed) allowed++;
    expect(allowed).toBe(10);
    expect(ahead.stats().leased + behind.stats().leased).toBeGreaterThan(0);
  });

  test('leases: concurrent calls share one round trip; each lease is published', async () => {
    const leases: LeaseMessage[] = [];
    const listener = (m: unknown) => leases.push(m as LeaseMessage);
    subscribe('perf:rate-limit:lease', listener);
    try {
      const l = limiter({ name: 'leased', limit: 100, windowMs: 60_000, lease: { tokens: 10, ttlMs: 1000 } });
      await l.consume('warm-up'); // connects, and loads the script (NOSCRIPT then EVAL on a fresh server)
      leases.length = 0;
      const before = l.stats();
      const ds = await Promise.all(Array.from({ length: 25 }, () => l.consume('k')));
      expect(ds.every((d) => d.allowed)).toBe(true);
      expect(ds.map((d) => d.remaining)).toEqual(Array.from({ length: 25 }, (_, i) => 99 - i));
      expect(l.stats().roundTrips - before.roundTrips).toBe(1);
      expect(l.stats().leased - before.leased).toBe(24);
      expect(leases).toEqual([{ name: 'leased', key: 'k', granted: 25 }]);
      for (let i = 0; i < 10; i++) await l.consume('k'); // one more round trip takes 10, serves 10
      expect(l.stats().roundTrips - before.roundTrips).toBe(2);
      expect(l.stats().leased - before.leased).toBe(33);
    } finally {
      unsubscribe('perf:rate-limit:lease', listener);
    }
  });

  test('close() gives unspent leased units back', async () => {
    const prefix = uniquePrefix();
    const common = { algorithm: 'fixed-window' as const, prefix, limit: 10, windowMs: 60_000 };
    const l = limiter({ ...common, lease: { tokens: 10, ttlMs: 60_000 } });
    expect((await l.consume('k')).allowed).toBe(true); // took 10 units, spent 1
    const other = limiter(common);
    expect((await other.consume('k')).allowed).toBe(false);
    await l.close();
    const after = await Promise.all(Array.from({ length: 10 }, () => other.consume('k')));
    expect(after.filter((d) => d.allowed).length).toBe(9);
  });

  test('close() waits for the calls in flight; later calls reject with RateLimiterClosedError', async () => {
    const l = limiter({ limit: 100, windowMs: 1000 });
    const calls = Array.from({ length: 50 }, () => l.consume('k'));
    await l.close();
    expect(l.stats().inFlight).toBe(0);
    const settled = await Promise.allSettled(calls);
    expect(settled.every((s) => s.status === 'fulfilled' && s.value.source === 'redis')).toBe(true);
    await expect(l.consume('k')).rejects.toMatchObject({ code: 'PERF_RATE_LIMIT_CLOSED' });
  });
});

describe.skipIf(r.skip)('ready()', () => {
  test('resolves once Redis answers; the first decision then needs one round trip', async () => {
    const l = limiter({ limit: 5, windowMs: 1000 });
    await l.ready();
    const before = l.stats().roundTrips;
    expect((await l.consume('k')).source).toBe('redis');
    expect(l.stats().roundTrips - before).toBe(1);
  });
});

test('ready() rejects when Redis cannot be reached', async () => {
  const l = new RedisRateLimiter({ redis: `redis://127.0.0.1:${await closedPort()}`, limit: 5, windowMs: 1000 });
  await expect(l.ready()).rejects.toThrow();
  await l.close();
});

describe.skipIf(r.skip)('Redis keys', () => {
  test('expire when their state would equal a new key’s, and no later', async () => {
    const client = new Redis(r.url);
    clients.push(client);
    const prefix = uniquePrefix();
    const fixed = limiter({ prefix, algorithm: 'fixed-window', limit: 10, windowMs: 60_000 });
    await fixed.consume('f');
    const first = await client.pttl(`${prefix}:{f}`);
    await fixed.consume('f');
    const second = await client.pttl(`${prefix}:{f}`);
    expect(first).toBeGreaterThan(59_000);
    expect(first).toBeLessThanOrEqual(60_001);
    expect(second).toBeLessThanOrEqual(first); // the window's end did not move
    const bucketPrefix = uniquePrefix();
    const bucket = limiter({ prefix: bucketPrefix, algorithm: 'token-bucket', limit: 10, windowMs: 1000 });
    await bucket.consume('b', 3); // 3 tokens short: full again in 300 ms
    const ttl = await client.pttl(`${bucketPrefix}:{b}`);
    expect(ttl).toBeGreaterThan(250);
    expect(ttl).toBeLessThanOrEqual(301);
  });
});

describe.skipIf(r.skip)('a key under the prefix that holds something else', () => {
  test('fails the script: counted as an error and published, the policy decides', async () => {
    const client = new Redis(r.url);
    clients.push(client);
    const prefix = uniquePrefix();
    await client.set(`${prefix}:{k}`, 'not a rate-limit state');
    const errors: unknown[] = [];
    const listener = (m: unknown) => errors.push(m);
    subscribe('perf:rate-limit:store-error', listener);
    try {
      const l = limiter({ name: 'foreign', prefix, limit: 5, windowMs: 1000, onRedisDown: 'fail-closed' });
      const d = await l.consume('k');
      expect(d).toMatchObject({ allowed: false, source: 'fail-closed' });
      expect(l.stats()).toMatchObject({ failures: 1, failClosed: 1 });
      expect(errors).toEqual([{ name: 'foreign', error: expect.any(Error) }]);
      expect((await l.consume('other')).source).toBe('redis'); // other keys are unaffected
    } finally {
      unsubscribe('perf:rate-limit:store-error', listener);
    }
  });
});

describe.skipIf(r.skip)('a lease’s lifetime (the local clock, injected)', () => {
  test('leased units are not spent after ttlMs', async () => {
    const clock = manualClock(1_000_000);
    const l = limiter({ limit: 100, windowMs: 60_000, lease: { tokens: 10, ttlMs: 200 }, now: clock.now });
    expect((await l.consume('k')).source).toBe('redis'); // took 10, spent 1
    clock.advance(199);
    expect((await l.consume('k')).source).toBe('lease');
    clock.advance(1); // 200 ms after the round trip was sent
    expect((await l.consume('k')).source).toBe('redis');
  });

  test('a fixed window’s leased units are not spent after the window ends, however long ttlMs is', async () => {
    const clock = manualClock(1_000_000);
    const l = limiter({
      algorithm: 'fixed-window',
      limit: 10,
      windowMs: 1000,
      lease: { tokens: 10, ttlMs: 60_000 },
      now: clock.now,
    });
    expect((await l.consume('k')).source).toBe('redis');
    clock.advance(900);
    expect((await l.consume('k')).source).toBe('lease');
    clock.advance(100); // the window (at most 1000 ms left when Redis answered) is over
    expect((await l.consume('k')).source).not.toBe('lease');
  });
});
