// The Lua script and the in-memory classes are two copies of one arithmetic:
// run both on the same random trace (the script with its time pinned) and
// compare every decision.
import { randomBytes } from 'node:crypto';
import { redis, seededRandom } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import type { KeyState } from '../src/keyState.js';
import { resolveAlgorithm } from '../src/options.js';
import { RedisStore } from '../src/redisStore.js';

const r = await redis();
const prefix = `perf-rl-test-${randomBytes(4).toString('hex')}`;
const clients: Redis[] = [];
afterAll(async () => {
  for (const c of clients) {
    const keys = await c.keys(`${prefix}*`);
    if (keys.length > 0) await c.del(...keys);
    c.disconnect();
  }
});

describe.skipIf(r.skip)('the Lua script agrees with the in-memory algorithms', () => {
  test.each([
    ['token-bucket', 7],
    ['gcra', 7],
    ['fixed-window', undefined],
    ['sliding-window', undefined],
  ] as const)('%s, 1500 decisions over 6 keys', async (algorithm, burst) => {
    const client = new Redis(r.url);
    clients.push(client);
    const options = { algorithm, limit: 10, windowMs: 1000, ...(burst ? { burst } : {}) };
    const reference = resolveAlgorithm(options);
    const store = new RedisStore(client, `${prefix}-${algorithm}`, reference);
    const states = new Map<string, KeyState>();
    const random = seededRandom(5);
    let t = 1_700_000_000_000 + Math.floor(random() * 1000);
    for (let i = 0; i < 1500; i++) {
      t += Math.floor(random() ** 3 * 700) + random();
      const key = `k${Math.floor(random() * 6)}`;
      const cost = random() < 0.8 ? 1 + Math.floor(random() * 3) : 0.5;
      let state = states.get(key);
      if (state === undefined) {
        state = reference.create(t);
        states.set(key, state);
      }
      const peeked = await store.run(key, cost, cost, 'p', String(t));
      const expectedPeek = reference.peek(state, t, cost, 'redis');
      const expected = reference.consume(state, t, cost, 'redis');
      const got = await store.run(key, cost, cost, 'c', String(t));
      const view = (d: { allowed: boolean; remaining: number; resetMs: number; retryAfterMs: number }) => ({
        i,
        allowed: d.allowed,
        remaining: d.remaining,
        resetMs: d.resetMs,
        retryAfterMs: d.retryAfterMs,
      });
      expect(view(got)).toEqual(view(expected));
      expect(view(peeked)).toEqual(view(expectedPeek));
      if (got.allowed) expect(got.granted).toBe(cost);
    }
  });
});
