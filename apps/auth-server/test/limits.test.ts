// Rate limits on the token endpoint: per client, and per source address on
// failed client authentication (counted before any secret is checked); and
// each process's share of them while Redis does not answer.
import { freePort } from '@perf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestLimits } from '../src/limits.js';
import { postForm, type Running, startAuthServer } from './helpers.js';

const secret = 'the-secret-of-the-limited-client';
let running: Running;
beforeAll(async () => {
  running = await startAuthServer({ CLIENT_RATE_LIMIT: '1', AUTH_FAILURE_LIMIT: '3' });
  await running.putClient('limited', { secret, scopes: ['read'], audiences: ['https://api.example'] });
  await running.putClient('other', { secret, scopes: ['read'], audiences: ['https://api.example'] });
});
afterAll(() => running?.stop());

const ask = (id: string, s: string) => postForm(running.base, '/oauth/token', id, s);

describe('per client', () => {
  it('answers with the RateLimit headers, then 429 with Retry-After once the quota is spent; other clients go on', async () => {
    const first = await ask('limited', secret);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('"token";q=1;w=1');
    expect(first.headers.get('ratelimit')).toMatch(/^"token";r=0;t=1$/);
    const second = await ask('limited', secret);
    expect(second.status).toBe(429);
    expect(await second.json()).toMatchObject({ error: 'rate_limited' });
    expect(second.headers.get('retry-after')).toBe('1');
    expect(second.headers.get('cache-control')).toBe('no-store');
    expect((await ask('other', secret)).status).toBe(200);
  });
});

describe('per source address, on failed authentication', () => {
  it('after 3 failures in a minute the address gets 429 before its credentials are even checked', async () => {
    for (let i = 0; i < 4; i++) expect((await ask('other', 'wrong-secret')).status).toBe(401);
    const blocked = await ask('other', secret); // the right secret, from the blocked address
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('ratelimit-policy')).toBe('"auth-failures";q=3;w=60');
  });
});

describe('with REDIS_URL, while Redis does not answer', () => {
  it('each of 4 processes allows its share of the quotas (insurance), not the whole of them', async () => {
    // Nothing listens on this port: every Redis call is refused, as when Redis is down.
    const limits = new RequestLimits({
      clientPerSecond: 8,
      failuresPerMinute: 8,
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      processes: 4,
    });
    try {
      const allowed: boolean[] = [];
      const tryToken = () =>
        limits
          .forClient('orders-app', () => {})
          .then(
            () => true,
            () => false,
          );
      for (let i = 0; i < 4; i++) allowed.push(await tryToken());
      expect(allowed).toEqual([true, true, false, false]); // 8 / 4 = 2 tokens here
      await limits.onAuthFailure('192.0.2.7');
      await limits.onAuthFailure('192.0.2.7');
      expect(() => limits.beforeAuth('192.0.2.7')).not.toThrow();
      await limits.onAuthFailure('192.0.2.7'); // the third failure is past this process's share of 8 / 4
      expect(() => limits.beforeAuth('192.0.2.7')).toThrow(/too many failed client authentications/);
    } finally {
      await limits.close();
    }
  });
});
