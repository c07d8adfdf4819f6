// The fleet-wide promise, against the real Redis with real processes:
// 4 processes × 5,000 concurrent calls on one key, limit 1,000 → exactly 1,000.
import { redis } from '@perf/testing';
import { afterAll, describe, expect, test } from 'vitest';
import { cleanPrefixes, redisNow, runConsumers, uniquePrefix } from './helpers.js';

const r = await redis();
afterAll(async () => {
  if (!r.skip) await cleanPrefixes(r.url);
});

describe.skipIf(r.skip)('exactness across processes', () => {
  test.each(['token-bucket', 'gcra', 'fixed-window', 'sliding-window'] as const)(
    '%s: 4 processes × 5,000 concurrent calls, limit 1,000 per day → exactly 1,000',
    async (algorithm) => {
      const prefix = uniquePrefix();
      // A day-long window: the refill during the run is far below one unit, so "exactly 1,000" is the right answer.
      const job = { url: r.url, prefix, key: 'one-key', algorithm, limit: 1000, windowMs: 86_400_000, count: 5000 };
      const results = await runConsumers([job, job, job, job]);
      expect(results.reduce((sum, x) => sum + x.allowed, 0)).toBe(1000);
      expect(results.every((x) => x.failures === 0)).toBe(true);
      // The calls of one tick share a round trip (batches of up to 256 decisions).
      expect(results.reduce((sum, x) => sum + x.roundTrips, 0)).toBeLessThanOrEqual(4 * Math.ceil(5000 / 256));
    },
    60_000,
  );

  test('with leases, a fixed window still allows exactly 1,000, in far fewer round trips', async () => {
    const prefix = uniquePrefix();
    const job = {
      url: r.url,
      prefix,
      key: 'one-key',
      algorithm: 'fixed-window' as const,
      limit: 1000,
      windowMs: 86_400_000,
      count: 5000,
      lease: { tokens: 50, ttlMs: 1000 },
    };
    const results = await runConsumers([job, job, job, job]);
    expect(results.reduce((sum, x) => sum + x.allowed, 0)).toBe(1000);
    expect(results.reduce((sum, x) => sum + x.roundTrips, 0)).toBeLessThan(100);
  }, 60_000);

  test('with leases, a token bucket overshoots by at most limit × ttlMs / windowMs', async () => {
    // 100 per second, burst 100, leases of 20 units living 200 ms: the bound is 100 × 200 / 1000 = 20.
    const limit = 100;
    const windowMs = 1000;
    const lease = { tokens: 20, ttlMs: 200 };
    const bound = (limit * lease.ttlMs) / windowMs;
    const prefix = uniquePrefix();
    const job = {
      url: r.url,
      prefix,
      key: 'paced',
      algorithm: 'token-bucket' as const,
      limit,
      windowMs,
      count: 600,
      paceMs: 2,
      lease,
    };
    const startedAt = await redisNow(r.url);
    const results = await runConsumers([job, job, job, job]);
    const elapsed = (await redisNow(r.url)) - startedAt;
    const allowed = results.reduce((sum, x) => sum + x.allowed, 0);
    // Without leases: at most burst + rate × elapsed. Leases add at most `bound`.
    expect(allowed).toBeLessThanOrEqual(limit + (limit * elapsed) / windowMs + bound);
    // And the quota was used (each process asked for far more than it got).
    expect(allowed).toBeGreaterThan(limit);
    expect(results.reduce((sum, x) => sum + x.roundTrips, 0)).toBeLessThan(2400);
  }, 60_000);
});
