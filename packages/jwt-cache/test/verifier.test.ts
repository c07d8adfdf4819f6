import { channel } from 'node:diagnostics_channel';
import { manualClock } from '@perf/testing';
import { exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  channelNames,
  createVerifier,
  InvalidOptionError,
  type JwtClaims,
  Verifier,
  VerifierClosedError,
} from '../src/index.js';
import { ec, ec2, joseSign, listen, rsa } from './helpers.js';

const clock = manualClock();
const base = {
  keys: [{ key: ec.publicKey, alg: 'ES256' as const, kid: 'k1' }],
  algorithms: ['ES256' as const],
  now: clock.now,
};

describe('createVerifier', () => {
  it('verifies a token signed by jose and returns its frozen claims', async () => {
    const v = await createVerifier(base);
    const token = await joseSign({ sub: 'alice', exp: clock.seconds() + 60, nested: { a: [1] } });
    const claims = v.verifySync(token);
    expect(claims.sub).toBe('alice');
    expect(Object.isFrozen(claims)).toBe(true);
    expect(Object.isFrozen((claims as JwtClaims & { nested: object }).nested)).toBe(true);
    await expect(v.verify(token)).resolves.toEqual(claims);
  });

  it.each([
    ['no algorithms', { ...base, algorithms: [] }, 'algorithms'],
    ['alg none', { ...base, algorithms: ['none'] }, 'algorithms[0]'],
    ['an unknown algorithm', { ...base, algorithms: ['ES256', 'XS256'] }, 'algorithms[1]'],
    ['both keys and jwks', { ...base, jwks: { keys: [] } }, 'jwks'],
    ['neither keys nor jwks', { algorithms: ['ES256'] }, 'keys'],
    ['an empty keys array', { ...base, keys: [] }, 'keys'],
    ['a JWKS without a keys array', { algorithms: ['ES256'], jwks: { kid: 'k1' } }, 'jwks'],
    ['a key pinned outside algorithms', { ...base, keys: [{ key: ec.publicKey, alg: 'ES384' }] }, 'keys[0].alg'],
    ['an RSA key for ES256', { ...base, keys: [{ key: rsa.publicKey, alg: 'ES256' }] }, 'keys[0].key'],
    [
      'an EC key for HS256',
      { ...base, algorithms: ['HS256'], keys: [{ key: ec.publicKey, alg: 'HS256' }] },
      'keys[0].key',
    ],
    [
      'a short HMAC secret',
      { ...base, algorithms: ['HS256'], keys: [{ key: new Uint8Array(16), alg: 'HS256' }] },
      'keys[0].key',
    ],
    ['a duplicate kid', { ...base, keys: [base.keys[0], base.keys[0]] }, 'keys[1].kid'],
    ['a non-string kid', { ...base, keys: [{ ...base.keys[0], kid: 7 }] }, 'keys[0].kid'],
    ['a negative clockTolerance', { ...base, clockTolerance: -1 }, 'clockTolerance'],
    ['a NaN maxTokenAge', { ...base, maxTokenAge: Number.NaN }, 'maxTokenAge'],
    ['an empty audience list', { ...base, audience: [] }, 'audience'],
    ['an issuer that is not a string', { ...base, issuer: 42 }, 'issuer'],
    ['requiredClaims that is a string', { ...base, requiredClaims: 'exp' }, 'requiredClaims'],
    ['a cache that is not an object', { ...base, cache: true }, 'cache'],
    ['a zero cache.maxEntries', { ...base, cache: { maxEntries: 0 } }, 'cache.maxEntries'],
    ['a negative cache ttl over 60 s', { ...base, negativeCache: { ttlSeconds: 600 } }, 'negativeCache.ttlSeconds'],
    ['a zero maxTokenLength', { ...base, maxTokenLength: 0 }, 'maxTokenLength'],
    ['an empty name', { ...base, name: '' }, 'name'],
    ['a now that is not a function', { ...base, now: 5 }, 'now'],
    ['a revocation source without subscribe', { ...base, revocation: {} }, 'revocation'],
  ])('rejects %s with InvalidOptionError naming the option', async (_name, options, option) => {
    const error = await createVerifier(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'PERF_JWT_CACHE_INVALID_OPTION', option });
    expect((error as InvalidOptionError).message.startsWith(`@perf/jwt-cache: option ${option} must be `)).toBe(true);
  });

  it.each([
    ['cache.ttl', { cache: { ttl: 60 } }],
    ['negativeCache.ttl', { negativeCache: { ttl: 5 } }],
    ['jwks.defaultMaxAge', { keys: undefined, jwks: { url: 'https://issuer.example/jwks', defaultMaxAge: 60 } }],
    ['jwks.minMaxAge', { keys: undefined, jwks: { url: 'https://issuer.example/jwks', minMaxAge: 1 } }],
    ['jwks.maxMaxAge', { keys: undefined, jwks: { url: 'https://issuer.example/jwks', maxMaxAge: 300 } }],
    ['jwks.cooldown', { keys: undefined, jwks: { url: 'https://issuer.example/jwks', cooldown: 1 } }],
  ])(
    'refuses %s, renamed in 0.1.0, instead of ignoring it (and leaving a bound at its default)',
    async (option, extra) => {
      const error = await createVerifier({ ...base, ...extra } as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ option });
      expect((error as Error).message).toContain(`given as ${option}Seconds`);
    },
  );

  it('checks issuer, audience, clockTolerance, maxTokenAge and requiredClaims', async () => {
    const v = await createVerifier({
      ...base,
      issuer: ['https://a.example', 'https://b.example'],
      audience: 'api',
      clockTolerance: 5,
      maxTokenAge: 600,
      requiredClaims: ['exp', 'sub'],
    });
    const now = clock.seconds();
    const good = { iss: 'https://b.example', aud: ['other', 'api'], sub: 's', iat: now, exp: now + 60 };
    expect(v.verifySync(await joseSign(good)).sub).toBe('s');
    const code = async (claims: Record<string, unknown>) => {
      try {
        v.verifySync(await joseSign(claims));
        return 'accepted';
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(await code({ ...good, exp: now - 3 })).toBe('accepted'); // within clockTolerance
    expect(await code({ ...good, exp: now - 5 })).toBe('PERF_JWT_CACHE_EXPIRED');
    expect(await code({ ...good, nbf: now + 60 })).toBe('PERF_JWT_CACHE_NOT_YET_VALID');
    expect(await code({ ...good, iat: now - 700 })).toBe('PERF_JWT_CACHE_TOO_OLD');
    expect(await code({ ...good, iat: now + 60 })).toBe('PERF_JWT_CACHE_TOO_OLD');
    expect(await code({ ...good, iat: undefined })).toBe('PERF_JWT_CACHE_MISSING_CLAIM');
    expect(await code({ ...good, sub: undefined })).toBe('PERF_JWT_CACHE_MISSING_CLAIM');
    expect(await code({ ...good, iss: 'https://c.example' })).toBe('PERF_JWT_CACHE_BAD_ISSUER');
    expect(await code({ ...good, aud: 'web' })).toBe('PERF_JWT_CACHE_BAD_AUDIENCE');
    expect(await code({ ...good, aud: undefined })).toBe('PERF_JWT_CACHE_MISSING_CLAIM');
    expect(await code({ ...good, exp: '9999999999' })).toBe('PERF_JWT_CACHE_MALFORMED');
    expect(await code({ ...good, sub: 42 })).toBe('PERF_JWT_CACHE_MALFORMED');
  });

  it('requires exp by default and accepts tokens without it when requiredClaims is []', async () => {
    const token = await joseSign({ sub: 'a' });
    const strict = await createVerifier(base);
    expect(() => strict.verifySync(token)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_MISSING_CLAIM' }));
    const lax = await createVerifier({ ...base, requiredClaims: [] });
    expect(lax.verifySync(token).sub).toBe('a');
  });

  it('selects keys by kid, and without a kid only when one key fits the alg', async () => {
    const two = await createVerifier({
      ...base,
      keys: [
        { key: ec.publicKey, alg: 'ES256', kid: 'k1' },
        { key: ec2.publicKey, alg: 'ES256', kid: 'k2' },
      ],
    });
    const exp = clock.seconds() + 60;
    expect(two.verifySync(await joseSign({ exp, n: 2 }, ec2.privateKey, { alg: 'ES256', kid: 'k2' })).n).toBe(2);
    expect(() => two.verifySync('')).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_MALFORMED' }));
    const noKid = await joseSign({ exp }, ec.privateKey, { alg: 'ES256' });
    expect(() => two.verifySync(noKid)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_UNKNOWN_KID' }));
    const one = await createVerifier(base);
    expect(one.verifySync(noKid).exp).toBe(exp);
    // A key configured without a kid serves its alg whatever kid the token names.
    const anonymous = await createVerifier({ ...base, keys: [{ key: ec.publicKey, alg: 'ES256' }] });
    expect(anonymous.verifySync(await joseSign({ exp }, ec.privateKey, { alg: 'ES256', kid: 'whatever' })).exp).toBe(
      exp,
    );
  });

  it('takes keys from a local JWKS, pinning each to the one allowed alg its type can serve', async () => {
    const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1' };
    const encKey = { ...(await exportJWK(ec2.publicKey)), kid: 'enc', use: 'enc' };
    const rsaKey = { ...(await exportJWK(rsa.publicKey)), kid: 'r1' };
    const v = await createVerifier({
      jwks: { keys: [jwk, encKey, rsaKey] },
      algorithms: ['ES256', 'RS256', 'PS256'],
      now: clock.now,
    });
    const exp = clock.seconds() + 60;
    expect(v.verifySync(await joseSign({ exp })).exp).toBe(exp);
    // The RSA key has no "alg" and two RSA algorithms are allowed: ambiguous, so not imported.
    const rsaToken = await joseSign({ exp }, rsa.privateKey, { alg: 'RS256', kid: 'r1' });
    expect(() => v.verifySync(rsaToken)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_UNKNOWN_KID' }));
    const encToken = await joseSign({ exp }, ec2.privateKey, { alg: 'ES256', kid: 'enc' });
    expect(() => v.verifySync(encToken)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_UNKNOWN_KID' }));
    await expect(createVerifier({ jwks: { keys: [encKey] }, algorithms: ['ES256'] })).rejects.toMatchObject({
      code: 'PERF_JWT_CACHE_INVALID_OPTION',
      option: 'jwks',
    });
  });

  it('counts refusals by reason in stats() and publishes them on perf:jwt-cache:reject, with its name', async () => {
    const v = await createVerifier({ ...base, name: 'api' });
    const rejects = listen(channelNames.reject);
    try {
      expect(() => v.verifySync('not.a.jwt!')).toThrow();
    } finally {
      rejects.stop();
    }
    expect(v.stats()).toMatchObject({ name: 'api', rejected: 1, rejectedByReason: { malformed: 1, expired: 0 } });
    expect(rejects.messages).toEqual([
      { name: 'api', reason: 'malformed', code: 'PERF_JWT_CACHE_MALFORMED', kid: undefined },
    ]);
  });

  it('stats() is a fresh plain object with the name, the shared words, and every counter at 0 at first', async () => {
    const v = await createVerifier(base);
    const stats = v.stats();
    expect(Object.getPrototypeOf(stats)).toBe(Object.prototype);
    expect(stats).toEqual({
      name: 'verifier',
      hits: 0,
      misses: 0,
      expired: 0,
      rejected: 0,
      revoked: 0,
      negativeHits: 0,
      keyFetches: 0,
      keyFetchFailures: 0,
      keysRemoved: 0,
      size: 0,
      negativeSize: 0,
      rejectedByReason: {
        too_large: 0,
        malformed: 0,
        algorithm: 0,
        unknown_kid: 0,
        bad_signature: 0,
        expired: 0,
        not_yet_valid: 0,
        too_old: 0,
        bad_issuer: 0,
        bad_audience: 0,
        missing_claim: 0,
        revoked: 0,
        key_fetch: 0,
      },
    });
    stats.rejectedByReason.malformed = 99;
    expect(v.stats().rejectedByReason.malformed).toBe(0);
  });

  it('publishes revocations, ignored JWKS keys and purged keys on their channels, with its name', async () => {
    const events: [string, unknown][] = [];
    const listeners = [channelNames.revoke, channelNames.keyIgnored, channelNames.keyRemoved].map((name) => {
      const on = (m: unknown) => events.push([name, m]);
      channel(name).subscribe(on);
      return () => channel(name).unsubscribe(on);
    });
    try {
      const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1' };
      const v = await createVerifier({
        name: 'orders-api',
        jwks: { keys: [jwk, { ...jwk, kid: 'e', use: 'enc' }] },
        algorithms: ['ES256'],
      });
      v.revoke('j1');
      v.revokeSubject('alice', 100);
      v.purgeKid('k1');
    } finally {
      for (const off of listeners) off();
    }
    const name = 'orders-api';
    expect(events).toEqual([
      ['perf:jwt-cache:key-ignored', { name, kid: 'e', why: '"use" is enc' }],
      ['perf:jwt-cache:revoke', { name, kind: 'jti', value: 'j1' }],
      ['perf:jwt-cache:revoke', { name, kind: 'subject', value: 'alice' }],
      ['perf:jwt-cache:key-removed', { name, kid: 'k1', alg: 'ES256', why: 'purged' }],
      ['perf:jwt-cache:revoke', { name, kind: 'kid', value: 'k1' }],
    ]);
  });

  it('refuses to verify after close(), also through Symbol.asyncDispose', async () => {
    const token = await joseSign({ exp: clock.seconds() + 60 });
    const v = await createVerifier(base);
    v.verifySync(token);
    await v[Symbol.asyncDispose]();
    expect(() => v.verifySync(token)).toThrow(VerifierClosedError);
    expect(() => v.verifySync(token)).toThrow(
      expect.objectContaining({ code: 'PERF_JWT_CACHE_CLOSED', verifier: 'verifier' }),
    );
    await expect(v.verify(token)).rejects.toBeInstanceOf(VerifierClosedError);
    await v.close(); // a second close is a no-op
  });

  it('is made by createVerifier only: new Verifier() throws, and a verifier is instanceof Verifier', async () => {
    expect(() => new (Verifier as unknown as new () => Verifier)()).toThrow(/await createVerifier\(options\)/);
    expect(await createVerifier(base)).toBeInstanceOf(Verifier);
  });
});
