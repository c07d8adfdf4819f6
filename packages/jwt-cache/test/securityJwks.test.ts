// The attacks on a remote JWKS: a key the issuer withdraws must stop vouching
// at once, whatever the endpoint answers, and a purge must hold across any
// interleaving with a fetch. A real JWKS endpoint on loopback; a manual clock.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { deferred, manualClock } from '@perf/testing';
import { exportJWK, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channelNames, createVerifier, JwtVerifyError, type RemoteJwksOptions, type Verifier } from '../src/index.js';
import { ec, ec2, joseSign, listen, rsa } from './helpers.js';
import { type JwksAnswer, type JwksEndpoint, jwksEndpoint, jwksOk, nextJwksFetch } from './jwksEndpoint.js';

// A key import that waits for the test, so that a purge can be placed exactly
// while a fetched JWKS is being imported. The import itself is the real one.
const imports = vi.hoisted(() => ({
  hold: undefined as { entered: () => void; release: Promise<void> } | undefined,
}));
vi.mock('../src/importKey.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/importKey.js')>();
  return {
    ...real,
    importKey: async (...args: Parameters<typeof real.importKey>) => {
      const hold = imports.hold;
      if (hold !== undefined) {
        imports.hold = undefined;
        hold.entered();
        await hold.release;
      }
      return real.importKey(...args);
    },
  };
});

/** Makes the next key import wait; resolves `entered` when it starts. */
function holdNextImport() {
  const entered = deferred();
  const release = deferred();
  imports.hold = { entered: entered.resolve, release: release.promise };
  return { entered: entered.promise, release: release.resolve };
}

const HOUR = 3_600_000;
const ec3 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let endpoint: JwksEndpoint;
let k1: JWK;
let k2: JWK;
let k3: JWK;
let r1: JWK;

beforeAll(async () => {
  endpoint = await jwksEndpoint();
  k1 = { ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  k2 = { ...(await exportJWK(ec2.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' };
  k3 = { ...(await exportJWK(ec3.publicKey)), kid: 'k3', alg: 'ES256', use: 'sig' };
  r1 = { ...(await exportJWK(rsa.publicKey)), kid: 'r1', alg: 'RS256', use: 'sig' };
});
afterAll(() => endpoint.close());

/** The code of a refusal (which must be a JwtVerifyError), or ACCEPTED. */
async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ACCEPTED';
  } catch (e) {
    expect(e).toBeInstanceOf(JwtVerifyError);
    return (e as JwtVerifyError).code;
  }
}

function outcomeSync(v: Verifier, token: string): Promise<string> {
  return outcome(new Promise((resolve) => resolve(v.verifySync(token))));
}

/**
 * A verifier of a remote JWKS that lists k1 (max-age 100 s), with a k1 token
 * verified twice (so it is in the cache), and a maker of new k1 tokens.
 */
async function trusting(jwks: Partial<RemoteJwksOptions> = {}) {
  endpoint.answer(jwksOk([k1]));
  const clock = manualClock();
  const v = await createVerifier({ jwks: { url: endpoint.url, ...jwks }, algorithms: ['ES256'], now: clock.now });
  const cached = await joseSign({ exp: clock.seconds() + 7 * 24 * 3600 });
  expect(await outcome(v.verify(cached))).toBe('ACCEPTED');
  expect(await outcome(v.verify(cached))).toBe('ACCEPTED');
  expect(v.stats().hits).toBe(1);
  const fresh = () => joseSign({ exp: clock.seconds() + 24 * 3600, jti: randomUUID() });
  return { v, clock, cached, fresh };
}

/**
 * Lets the keys go stale (max-age 100 s), has a verification of `token` start
 * the background refetch, and resolves when that fetch has finished.
 */
async function refetch(v: Verifier, clock: { advance(ms: number): void }, token: string) {
  clock.advance(100_000);
  const done = nextJwksFetch();
  await v.verify(token).catch(() => {});
  return done;
}

describe('security: a key the issuer withdraws from its JWKS stops vouching at once', () => {
  it.each<[string, () => readonly unknown[], string?]>([
    ['an empty key set', () => []],
    ['the key now marked use "enc"', () => [{ ...k1, use: 'enc' }]],
    ['the key now pinned to an algorithm not allowed (ES384)', () => [{ ...k1, alg: 'ES384' }]],
    ['only a key for an algorithm not allowed (RS256)', () => [r1]],
    ['the key with key_ops lacking "verify"', () => [{ ...k1, key_ops: ['encrypt'] }]],
    [
      'only a secret (oct) key',
      () => [{ kty: 'oct', kid: 'k1', alg: 'HS256', k: Buffer.alloc(32, 1).toString('base64url') }],
    ],
    ['only a purged kid', () => [k2], 'k2'],
  ])(
    'a 200 JWKS with %s: cached and new tokens of the key refused on the next verify, and a day later',
    async (_name, keys, purge) => {
      const { v, clock, cached, fresh } = await trusting({ cooldownSeconds: 30 });
      if (purge !== undefined) v.purgeKid(purge);
      const removed = listen(channelNames.keyRemoved);
      endpoint.answer(jwksOk(keys()));
      const fetched = await refetch(v, clock, cached);
      expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      expect(fetched).toMatchObject({ ok: true, status: 200, keys: 0 }); // a good answer, with no usable key
      expect(await outcomeSync(v, cached)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      expect(await outcomeSync(v, await fresh())).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      removed.stop();
      expect(removed.messages).toEqual([{ name: 'verifier', kid: 'k1', alg: 'ES256', why: 'rotated' }]);
      expect(v.stats()).toMatchObject({ hits: 2, keysRemoved: 1, keyFetchFailures: 0 }); // the second hit started the refetch
      // A day of refetches later (each unknown kid may refetch after the cooldown), still refused.
      const before = endpoint.requests();
      for (let i = 0; i < 4; i++) {
        clock.advance(6 * HOUR);
        expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
        expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
      }
      expect(endpoint.requests()).toBeGreaterThanOrEqual(before + 4);
      await v.close();
    },
  );

  it('a 200 JWKS that keeps one key and drops another withdraws only the dropped one', async () => {
    endpoint.answer(jwksOk([k1, k2]));
    const clock = manualClock();
    const v = await createVerifier({ jwks: { url: endpoint.url }, algorithms: ['ES256'], now: clock.now });
    const t1 = await joseSign({ exp: clock.seconds() + 3600 });
    const t2 = await joseSign({ exp: clock.seconds() + 3600 }, ec2.privateKey, { alg: 'ES256', kid: 'k2' });
    await v.verify(t1);
    await v.verify(t2);
    endpoint.answer(jwksOk([k2]));
    expect(await refetch(v, clock, t1)).toMatchObject({ ok: true, keys: 1 });
    expect(await outcome(v.verify(t1))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(await outcome(v.verify(t2))).toBe('ACCEPTED');
    expect(v.stats()).toMatchObject({ keysRemoved: 1, hits: 2 }); // t2 still from the cache
    await v.close();
  });

  it.each([
    ['a body that is not JSON', 'not json'],
    ['an HTML page', '<!doctype html><title>Down for maintenance</title>'],
    ['JSON without "keys"', '{}'],
    ['"keys" that is not an array', '{"keys":{"kid":"k1"}}'],
    ['JSON null', 'null'],
    ['a key set over 1 MB', JSON.stringify({ keys: [], pad: 'x'.repeat(2 << 20) })],
  ])(
    'a 200 with %s is an answer that cannot vouch: the keys are withdrawn at once (KEY_FETCH) until a usable JWKS',
    async (_name, body) => {
      const { v, clock, cached, fresh } = await trusting({ cooldownSeconds: 30 });
      const removed = listen(channelNames.keyRemoved);
      endpoint.answer({ status: 200, body });
      expect(await refetch(v, clock, cached)).toMatchObject({ ok: false, status: 200 });
      expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcomeSync(v, cached)).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_KEY_FETCH');
      removed.stop();
      expect(removed.messages).toEqual([{ name: 'verifier', kid: 'k1', alg: 'ES256', why: 'withdrawn' }]);
      expect(v.stats()).toMatchObject({ keysRemoved: 1, keyFetchFailures: 1 });
      // Trusted again once the endpoint serves the key again (after the cooldown).
      endpoint.answer(jwksOk([k1]));
      clock.advance(30_000);
      expect(await outcome(v.verify(await fresh()))).toBe('ACCEPTED');
      await v.close();
    },
  );

  it.each([401, 403, 404, 410])(
    'HTTP %i from the JWKS URL withdraws the keys at once (KEY_FETCH): not "down"',
    async (status) => {
      const { v, clock, cached, fresh } = await trusting({ cooldownSeconds: 30 });
      const removed = listen(channelNames.keyRemoved);
      endpoint.answer({ status, body: 'no' });
      expect(await refetch(v, clock, cached)).toMatchObject({ ok: false, status });
      expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcomeSync(v, cached)).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_KEY_FETCH');
      removed.stop();
      expect(removed.messages).toEqual([{ name: 'verifier', kid: 'k1', alg: 'ES256', why: 'withdrawn' }]);
      expect(v.stats()).toMatchObject({ keysRemoved: 1 });
      // verifySync cannot wait: it refuses and starts the refetch (after the cooldown); the next one verifies.
      endpoint.answer(jwksOk([k1]));
      clock.advance(30_000);
      const refetched = nextJwksFetch();
      expect(await outcomeSync(v, cached)).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await refetched).toMatchObject({ ok: true, keys: 1 });
      expect(await outcomeSync(v, cached)).toBe('ACCEPTED');
      await v.close();
    },
  );

  it.each<[string, JwksAnswer]>([
    ['HTTP 500', { status: 500, body: 'oops' }],
    ['HTTP 502', { status: 502, body: 'bad gateway' }],
    ['HTTP 503', { status: 503, body: 'unavailable' }],
    ['HTTP 429', { status: 429, body: 'slow down' }],
    ['HTTP 400', { status: 400, body: 'bad request' }],
    ['a redirect (refused)', { status: 302, body: '', headers: { location: '/elsewhere' } }],
    ['a dropped connection', { drop: true }],
    ['no answer within timeoutMs', { hang: true }],
  ])(
    'with the endpoint down (%s) the keys verify for staleIfErrorSeconds after going stale, then fail closed (KEY_FETCH)',
    async (_name, answer) => {
      // A cooldown longer than the bound: no refetch between the first failure and the bound.
      const { v, clock, cached, fresh } = await trusting({
        staleIfErrorSeconds: 3600,
        cooldownSeconds: 4000,
        timeoutMs: 100,
      });
      const removed = listen(channelNames.keyRemoved);
      endpoint.answer(answer);
      expect(await refetch(v, clock, cached)).toMatchObject({ ok: false });
      clock.advance(HOUR - 1); // the keys went stale 1 h − 1 ms ago
      expect(await outcome(v.verify(cached))).toBe('ACCEPTED');
      expect(await outcome(v.verify(await fresh()))).toBe('ACCEPTED');
      expect(await outcomeSync(v, await fresh())).toBe('ACCEPTED');
      expect(removed.messages).toEqual([]);
      clock.advance(1);
      expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcomeSync(v, cached)).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_KEY_FETCH');
      expect(await outcomeSync(v, await fresh())).toBe('PERF_JWT_CACHE_KEY_FETCH');
      removed.stop();
      expect(removed.messages).toEqual([{ name: 'verifier', kid: 'k1', alg: 'ES256', why: 'expired' }]);
      expect(v.stats()).toMatchObject({ keysRemoved: 1, keyFetches: 2, keyFetchFailures: 1 });
      // Once the endpoint is back, the next allowed fetch trusts the key again.
      endpoint.answer(jwksOk([k1]));
      clock.advance(400_000);
      expect(await outcome(v.verify(await fresh()))).toBe('ACCEPTED');
      await v.close();
    },
  );

  it('keeps stale keys 4 hours by default', async () => {
    const { v, clock, cached } = await trusting({ cooldownSeconds: 20_000 });
    endpoint.answer({ status: 503, body: 'unavailable' });
    expect(await refetch(v, clock, cached)).toMatchObject({ ok: false, status: 503 });
    clock.advance(4 * HOUR - 1);
    expect(await outcome(v.verify(cached))).toBe('ACCEPTED');
    clock.advance(1);
    expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_KEY_FETCH');
    await v.close();
  });

  it('refetches before failing keys that expired unused (no traffic), and trusts them again when the endpoint confirms them', async () => {
    const { v, clock, cached } = await trusting({ staleIfErrorSeconds: 60 });
    clock.advance(HOUR); // nothing verified for an hour: the keys passed the bound without a refetch
    expect(await outcome(v.verify(cached))).toBe('ACCEPTED'); // verify() waited for the refetch
    expect(v.stats()).toMatchObject({ keyFetches: 2, keyFetchFailures: 0, keysRemoved: 1 });
    await v.close();
  });

  it('rejects a negative staleIfErrorSeconds as an invalid option', async () => {
    await expect(
      createVerifier({ jwks: { url: endpoint.url, staleIfErrorSeconds: -1 }, algorithms: ['ES256'] }),
    ).rejects.toMatchObject({ code: 'PERF_JWT_CACHE_INVALID_OPTION', option: 'jwks.staleIfErrorSeconds' });
  });
});

describe('security: a purge holds across any interleaving with a JWKS import (forced: a key import made to wait)', () => {
  it('purgeKid while a later key of the fetched JWKS is importing: the purged key is not installed again', async () => {
    const { v, clock, cached, fresh } = await trusting();
    const held = holdNextImport();
    endpoint.answer(jwksOk([k1, k3])); // k1 is carried over at once; k3's import waits
    const fetched = refetch(v, clock, cached);
    await held.entered;
    v.purgeKid('k1');
    held.release();
    expect(await fetched).toMatchObject({ ok: true });
    expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(await outcomeSync(v, await fresh())).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    const t3 = await joseSign({ exp: clock.seconds() + 3600 }, ec3.privateKey, { alg: 'ES256', kid: 'k3' });
    expect(await outcome(v.verify(t3))).toBe('ACCEPTED');
    expect(v.stats()).toMatchObject({ keysRemoved: 1 });
    await v.close();
  });

  it('purgeKid while the purged key itself is importing (first fetch): refused, also by the verification that waited', async () => {
    endpoint.answer(jwksOk([k1]));
    const clock = manualClock();
    const v = await createVerifier({ jwks: { url: endpoint.url }, algorithms: ['ES256'], now: clock.now });
    const token = await joseSign({ exp: clock.seconds() + 3600 });
    const held = holdNextImport();
    const pending = v.verify(token);
    await held.entered;
    v.purgeKid('k1');
    held.release();
    expect(await outcome(pending)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(await outcome(v.verify(token))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(await outcomeSync(v, token)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    await v.close();
  });

  it('keys that pass their stale bound while a fetch that lists them is importing are trusted again, as new keys', async () => {
    const { v, clock, cached, fresh } = await trusting({ staleIfErrorSeconds: 60 });
    const held = holdNextImport();
    endpoint.answer(jwksOk([k1, k3])); // k1 is carried over at once; k3's import waits
    const fetched = refetch(v, clock, cached); // at 100 s: stale, the refetch starts
    await held.entered;
    clock.advance(60_000); // the stale bound passes while the answer is importing
    const waiting = v.verify(cached); // withdraws k1 (expired), then waits for the fetch in flight
    held.release();
    expect(await fetched).toMatchObject({ ok: true, keys: 2 });
    expect(await outcome(waiting)).toBe('ACCEPTED');
    expect(await outcome(v.verify(await fresh()))).toBe('ACCEPTED');
    expect(v.stats()).toMatchObject({ keysRemoved: 1, keyFetches: 2 });
    await v.close();
  });

  it('purgeKid while a new version of the key is importing (key material rotated under the same kid)', async () => {
    const { v, clock, cached, fresh } = await trusting();
    const held = holdNextImport();
    endpoint.answer(jwksOk([{ ...k3, kid: 'k1' }])); // new material, same kid: a fresh import
    const fetched = refetch(v, clock, cached);
    await held.entered;
    v.purgeKid('k1');
    held.release();
    expect(await fetched).toMatchObject({ ok: true });
    expect(await outcome(v.verify(cached))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(await outcome(v.verify(await fresh()))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    const rotated = await joseSign({ exp: clock.seconds() + 3600 }, ec3.privateKey, { alg: 'ES256', kid: 'k1' });
    expect(await outcome(v.verify(rotated))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    await v.close();
  });
});
