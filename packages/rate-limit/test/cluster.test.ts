// Redis Cluster: a script call may only carry keys of one hash slot.
import { randomBytes } from 'node:crypto';
import { redis } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { clusterSlot } from '../src/clusterSlot.js';
import { RedisRateLimiter } from '../src/redis.js';

const r = await redis();

test.each([
  ['123456789', 12739], // the CRC16/XMODEM check value of the Redis Cluster specification
  ['foo', 12182],
  ['{user1000}.following', clusterSlot('user1000')],
  ['{user1000}.followers', clusterSlot('user1000')],
  ['foo{}{bar}', clusterSlot('foo{}{bar}')], // an empty first tag: the whole key is hashed
  ['rl:{a}b}', clusterSlot('a')],
])('slot of %s', (key, slot) => {
  expect(clusterSlot(key)).toBe(slot);
});

describe.skipIf(r.skip)('batches on a Cluster client', () => {
  const client = new Redis(r.url);
  const prefix = `perf-rl-test-cluster-${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  test('one script call per hash slot (a single Redis that records the calls stands in for the Cluster)', async () => {
    const calls: string[][] = [];
    const recording = {
      isCluster: true,
      evalsha: (sha: string, n: number, ...rest: (string | number)[]) => {
        calls.push(rest.slice(0, n).map(String));
        return client.evalsha(sha, n, ...rest);
      },
      eval: (script: string, n: number, ...rest: (string | number)[]) => {
        calls.push(rest.slice(0, n).map(String));
        return client.eval(script, n, ...rest);
      },
    };
    const l = new RedisRateLimiter({ redis: recording, prefix, limit: 10, windowMs: 60_000, timeoutMs: 5000 });
    const keys = Array.from({ length: 40 }, (_, i) => `user:${i}`);
    const decisions = await Promise.all([...keys, ...keys].map((k) => l.consume(k)));
    expect(decisions.every((d) => d.allowed && d.source === 'redis')).toBe(true);
    for (const batch of calls) expect(new Set(batch.map(clusterSlot)).size).toBe(1);
    // 40 keys over 16384 slots: about 40 calls (the 80 decisions still took fewer than 80).
    expect(calls.length).toBeGreaterThan(30);
    expect(l.stats().roundTrips).toBeLessThan(80);
    // The same key twice in one batch: the second decision sees the first.
    expect(decisions.slice(40).map((d) => d.remaining)).toEqual(keys.map(() => 8));
    await l.close();
  });
});
