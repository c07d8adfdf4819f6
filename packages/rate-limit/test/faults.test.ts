// Faults on a private redis-server: paused (SIGSTOP), killed, script cache
// flushed. Each policy holds, every decision settles within timeoutMs (and
// without touching Redis while the breaker is open), nothing rejects
// unhandled, and decisions come from Redis again once it is back.
import { performance } from 'node:perf_hooks';
import { PrivateRedis, redis } from '@perf/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Decision, RedisDownPolicy } from '../src/index.js';
import { RedisRateLimiter } from '../src/redis.js';

const r = await redis();
const server = await PrivateRedis.reserve();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
const opened: RedisRateLimiter[] = [];

beforeAll(async () => {
  if (r.skip) return;
  await server.start();
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(opened.map((l) => l.close()));
  await server.close();
});
beforeEach(() => {
  unhandled.length = 0;
});
afterEach(async () => {
  server.resume();
  // Give stray promises a turn to surface before checking.
  await new Promise((resolve) => setImmediate(resolve));
  expect(unhandled).toEqual([]);
});

const TIMEOUT_MS = 100;
/** Scheduling slack on a shared 2-core machine, on top of timeoutMs. */
const SLACK_MS = 150;

function limiter(onRedisDown: RedisDownPolicy): RedisRateLimiter {
  const l = new RedisRateLimiter({
    redis: server.url,
    prefix: `faults-${onRedisDown}-${Math.random().toString(36).slice(2)}`,
    algorithm: 'fixed-window',
    limit: 10,
    windowMs: 60_000,
    timeoutMs: TIMEOUT_MS,
    onRedisDown,
    instances: 2,
    breaker: { failureThreshold: 3, openMs: 300 },
  });
  opened.push(l);
  return l;
}

async function timed(l: RedisRateLimiter, key: string): Promise<{ d: Decision; ms: number }> {
  const start = performance.now();
  const d = await l.consume(key);
  return { d, ms: performance.now() - start };
}

describe.skipIf(r.skip)('a private redis-server', () => {
  test.each([
    ['fail-open', (d: Decision) => d.allowed],
    ['fail-closed', (d: Decision) => !d.allowed && d.retryAfterMs > 0],
    ['insurance', (d: Decision) => d.source === 'insurance'],
  ] as const)(
    'paused (SIGSTOP): %s holds, each decision within timeoutMs, then Redis decides again',
    async (policy, holds) => {
      const l = limiter(policy);
      expect((await l.consume('k')).source).toBe('redis');
      server.pause();
      const during: { d: Decision; ms: number }[] = [];
      for (let i = 0; i < 8; i++) during.push(await timed(l, 'k'));
      expect(during.every(({ d }) => d.source === policy && holds(d))).toBe(true);
      expect(Math.max(...during.map((x) => x.ms))).toBeLessThan(TIMEOUT_MS + SLACK_MS);
      // The first three time out; then the breaker is open and decisions do not wait for Redis at all.
      expect(during.slice(0, 3).every((x) => x.ms >= TIMEOUT_MS - 5)).toBe(true);
      expect(during.slice(3).every((x) => x.ms < TIMEOUT_MS / 2)).toBe(true);
      expect(l.stats()).toMatchObject({ timeouts: 3, failures: 3, breaker: 'open' });
      if (policy === 'insurance') {
        // limit 10 over 2 instances: the local share is 5, and the first call went to Redis.
        expect(during.filter((x) => x.d.allowed).length).toBe(5);
      }
      server.resume();
      await vi.waitFor(async () => expect((await l.consume('k')).source).toBe('redis'), {
        timeout: 5000,
        interval: 50,
      });
      expect(l.stats().breaker).toBe('closed');
    },
  );

  test('killed with calls in flight: every call settles by the policy, then Redis decides again after a restart', async () => {
    const l = limiter('fail-open');
    expect((await l.consume('k')).source).toBe('redis');
    await (await server.client()).call('CLIENT', 'PAUSE', '5000', 'ALL');
    const calls = Array.from({ length: 20 }, () => timed(l, 'k'));
    await server.kill();
    const settled = await Promise.all(calls);
    expect(settled.every(({ d }) => d.allowed && d.source === 'fail-open')).toBe(true);
    expect(Math.max(...settled.map((x) => x.ms))).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    const down = await timed(l, 'k');
    expect(down.d.source).toBe('fail-open');
    expect(down.ms).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    await server.start();
    await vi.waitFor(async () => expect((await l.consume('k')).source).toBe('redis'), {
      timeout: 10_000,
      interval: 100,
    });
    expect(l.stats().failOpen).toBeGreaterThanOrEqual(21);
  });

  test('SCRIPT FLUSH: the next call falls back from EVALSHA to EVAL and is decided by Redis', async () => {
    const l = limiter('fail-closed');
    await l.consume('k');
    const before = l.stats().roundTrips;
    await (await server.client()).script('FLUSH');
    const d = await l.consume('k');
    expect(d).toMatchObject({ source: 'redis', allowed: true, remaining: 8 });
    expect(l.stats().roundTrips - before).toBe(2);
    await l.consume('k');
    expect(l.stats().roundTrips - before).toBe(3);
    expect(l.stats().failures).toBe(0);
  });
});

describe.skipIf(r.skip)('close() against a paused Redis', () => {
  test('returns within timeoutMs: it waits for the decisions, not for Redis', async () => {
    const l = new RedisRateLimiter({
      redis: server.url,
      prefix: 'close-paused',
      limit: 10,
      windowMs: 1000,
      timeoutMs: 100,
    });
    expect((await l.consume('k')).source).toBe('redis');
    server.pause();
    const pending = l.consume('k');
    const start = performance.now();
    await l.close();
    expect(performance.now() - start).toBeLessThan(100 + 150);
    expect((await pending).source).toBe('insurance');
    expect(l.stats().inFlight).toBe(0);
  });
});
