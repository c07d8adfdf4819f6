import { manualClock } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import type { VerifierOptions } from '../src/index.js';
import { b64, ec, ecVerifier, errorCode, joseSign } from './helpers.js';

function setup(extra: Partial<VerifierOptions> = {}) {
  const clock = manualClock();
  const make = (more: Partial<VerifierOptions> = {}) => ecVerifier(clock, { ...extra, ...more });
  return { clock, make };
}

describe('result cache', () => {
  it('serves a repeated token, also when it arrives as a fresh string', async () => {
    const { clock, make } = setup();
    const v = await make();
    const token = await joseSign({ sub: 'a', exp: clock.seconds() + 600 });
    const first = v.verifySync(token);
    expect(v.verifySync(token)).toBe(first);
    expect(v.verifySync(Buffer.from(token).toString('latin1'))).toBe(first);
    expect(await v.verify(`${token}`)).toBe(first);
    expect(v.stats()).toMatchObject({ hits: 3, misses: 1, size: 1 });
  });

  it('keeps an entry no longer than cache.ttl', async () => {
    const { clock, make } = setup({ cache: { ttlSeconds: 60 } });
    const v = await make();
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    v.verifySync(token);
    clock.advance(59_999);
    v.verifySync(token);
    expect(v.stats()).toMatchObject({ hits: 1, misses: 1 });
    clock.advance(1);
    v.verifySync(token);
    expect(v.stats()).toMatchObject({ hits: 1, misses: 2, expired: 1 });
  });

  it('keeps an entry no longer than exp, even with clockTolerance', async () => {
    const { clock, make } = setup({ clockTolerance: 30 });
    const v = await make();
    const token = await joseSign({ exp: clock.seconds() + 10 });
    v.verifySync(token);
    clock.advance(10_000);
    // Past exp but within tolerance: accepted by a full verification, not from the cache.
    expect(errorCode(() => v.verifySync(token))).toBe('ACCEPTED');
    expect(v.stats()).toMatchObject({ hits: 0, misses: 2, expired: 1, size: 0 });
    clock.advance(30_000);
    expect(errorCode(() => v.verifySync(token))).toBe('PERF_JWT_CACHE_EXPIRED');
  });

  it('keeps an entry no longer than iat + maxTokenAge', async () => {
    const { clock, make } = setup({ maxTokenAge: 20 });
    const v = await make();
    const token = await joseSign({ iat: clock.seconds(), exp: clock.seconds() + 3600 });
    v.verifySync(token);
    clock.advance(20_001);
    expect(errorCode(() => v.verifySync(token))).toBe('PERF_JWT_CACHE_TOO_OLD');
    expect(v.stats().hits).toBe(0);
  });

  it('never serves an entry before nbf', async () => {
    const { clock, make } = setup({ clockTolerance: 10 });
    const v = await make();
    const token = await joseSign({ nbf: clock.seconds() + 5, exp: clock.seconds() + 600 });
    expect(errorCode(() => v.verifySync(token))).toBe('ACCEPTED'); // within tolerance
    v.verifySync(token);
    expect(v.stats()).toMatchObject({ hits: 0, misses: 2 });
    clock.advance(5000);
    v.verifySync(token);
    expect(v.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('is bound to its verifier: a token cached for one audience is refused by another verifier', async () => {
    const { clock, make } = setup();
    const forApi = await make({ audience: 'api' });
    const forAdmin = await make({ audience: 'admin' });
    const fromOtherIssuer = await make({ audience: 'api', issuer: 'https://other.example' });
    const token = await joseSign({ aud: 'api', iss: 'https://issuer.example', exp: clock.seconds() + 600 });
    forApi.verifySync(token);
    forApi.verifySync(token);
    expect(forApi.stats().hits).toBe(1);
    expect(errorCode(() => forAdmin.verifySync(token))).toBe('PERF_JWT_CACHE_BAD_AUDIENCE');
    expect(errorCode(() => fromOtherIssuer.verifySync(token))).toBe('PERF_JWT_CACHE_BAD_ISSUER');
  });

  it('holds at most cache.maxEntries, dropping the oldest first', async () => {
    const { clock, make } = setup({ cache: { maxEntries: 2 } });
    const v = await make();
    const exp = clock.seconds() + 600;
    const [a, b, c] = await Promise.all([joseSign({ exp, n: 1 }), joseSign({ exp, n: 2 }), joseSign({ exp, n: 3 })]);
    for (const t of [a, b, c]) v.verifySync(t as string);
    expect(v.stats().size).toBe(2);
    v.verifySync(c as string);
    v.verifySync(b as string);
    expect(v.stats().hits).toBe(2);
    v.verifySync(a as string);
    expect(v.stats()).toMatchObject({ hits: 2, misses: 4 });
  });

  it('is off with cache: false', async () => {
    const { clock, make } = setup({ cache: false });
    const v = await make();
    const token = await joseSign({ exp: clock.seconds() + 600 });
    v.verifySync(token);
    v.verifySync(token);
    expect(v.stats()).toMatchObject({ hits: 0, misses: 2, size: 0 });
  });
});

describe('negative cache', () => {
  it('answers a repeated bad token from the cache for ttl seconds, without extending it', async () => {
    const { clock, make } = setup({ negativeCache: { ttlSeconds: 5 } });
    const v = await make();
    const valid = await joseSign({ exp: clock.seconds() + 600 });
    const bad = `${valid.split('.').slice(0, 2).join('.')}.${b64('x'.repeat(64))}`;
    expect(errorCode(() => v.verifySync(bad))).toBe('PERF_JWT_CACHE_BAD_SIGNATURE');
    clock.advance(4999);
    expect(errorCode(() => v.verifySync(bad))).toBe('PERF_JWT_CACHE_BAD_SIGNATURE');
    expect(v.stats()).toMatchObject({ negativeHits: 1, misses: 1 });
    clock.advance(1);
    expect(errorCode(() => v.verifySync(bad))).toBe('PERF_JWT_CACHE_BAD_SIGNATURE');
    expect(v.stats()).toMatchObject({ negativeHits: 1, misses: 2 });
    expect(v.stats().rejectedByReason.bad_signature).toBe(3);
  });

  it('is bounded by maxEntries', async () => {
    const { make } = setup({ negativeCache: { maxEntries: 3 } });
    const v = await make();
    for (let i = 0; i < 10; i++) errorCode(() => v.verifySync(`${'x'.repeat(20)}-garbage-${i}`));
    expect(v.stats().negativeSize).toBe(3);
  });

  it('keeps tokens that share a slot apart: they replace each other, never answer for each other', async () => {
    const { clock, make } = setup({ negativeCache: {} });
    const v = await make();
    const valid = await joseSign({ exp: clock.seconds() + 600 });
    // Same length and same last 16 characters as the valid token: the same slot.
    const sameSlot = (header: object) => {
      const prefix = `${b64(header)}.${b64({ exp: 1 })}.`;
      return `${prefix}${'A'.repeat(valid.length - prefix.length - 16)}${valid.slice(-16)}`;
    };
    const badKey = sameSlot({ alg: 'ES256', kid: 'k1' });
    const noAlg = sameSlot({ kid: 'k1', x: 1 });
    expect(badKey).toHaveLength(valid.length);
    expect(errorCode(() => v.verifySync(valid))).toBe('ACCEPTED');
    const first = [errorCode(() => v.verifySync(badKey)), errorCode(() => v.verifySync(noAlg))];
    expect(first).not.toContain('ACCEPTED');
    expect([errorCode(() => v.verifySync(badKey)), errorCode(() => v.verifySync(noAlg))]).toEqual(first);
    expect(errorCode(() => v.verifySync(valid))).toBe('ACCEPTED');
    // The two bad tokens evicted each other from their shared slot; the valid one was served.
    expect(v.stats()).toMatchObject({ hits: 1, negativeHits: 0, negativeSize: 1 });
  });

  it('never holds unknown kids, not-yet-valid or revoked tokens', async () => {
    const { clock, make } = setup({ negativeCache: {} });
    const v = await make();
    const unknown = await joseSign({ exp: clock.seconds() + 600 }, ec.privateKey, { alg: 'ES256', kid: 'k9' });
    const early = await joseSign({ nbf: clock.seconds() + 60, exp: clock.seconds() + 600 });
    const revoked = await joseSign({ jti: 'j', exp: clock.seconds() + 600 });
    v.revoke('j');
    for (let i = 0; i < 2; i++) {
      expect(errorCode(() => v.verifySync(unknown))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      expect(errorCode(() => v.verifySync(early))).toBe('PERF_JWT_CACHE_NOT_YET_VALID');
      expect(errorCode(() => v.verifySync(revoked))).toBe('PERF_JWT_CACHE_REVOKED');
    }
    expect(v.stats()).toMatchObject({ negativeHits: 0, negativeSize: 0 });
    clock.advance(60_000);
    expect(errorCode(() => v.verifySync(early))).toBe('ACCEPTED');
  });
});
