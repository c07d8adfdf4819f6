import { channel } from 'node:diagnostics_channel';
import { exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createVerifier, InvalidOptionsError, type JwtClaims } from '../src/index.js';
import { ec, ec2, joseSign, manualClock, rsa } from './helpers.js';

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
    ['no algorithms', { ...base, algorithms: [] }],
    ['alg none', { ...base, algorithms: ['none'] }],
    ['an unknown algorithm', { ...base, algorithms: ['XS256'] }],
    ['both keys and jwks', { ...base, jwks: { keys: [] } }],
    ['neither keys nor jwks', { algorithms: ['ES256'] }],
    ['a key pinned outside algorithms', { ...base, keys: [{ key: ec.publicKey, alg: 'ES384' }] }],
    ['an RSA key for ES256', { ...base, keys: [{ key: rsa.publicKey, alg: 'ES256' }] }],
    ['an EC key for HS256', { ...base, algorithms: ['HS256'], keys: [{ key: ec.publicKey, alg: 'HS256' }] }],
    ['a short HMAC secret', { ...base, algorithms: ['HS256'], keys: [{ key: new Uint8Array(16), alg: 'HS256' }] }],
    ['a duplicate kid', { ...base, keys: [base.keys[0], base.keys[0]] }],
    ['a negative clockTolerance', { ...base, clockTolerance: -1 }],
    ['an empty audience list', { ...base, audience: [] }],
    ['a negative cache ttl over 60 s', { ...base, negativeCache: { ttl: 600 } }],
    ['a zero maxTokenLength', { ...base, maxTokenLength: 0 }],
  ])('rejects %s with InvalidOptionsError', async (_name, options) => {
    const error = await createVerifier(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).code).toBe('PERF_JWT_CACHE_INVALID_OPTIONS');
  });

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
    await expect(createVerifier({ jwks: { keys: [encKey] }, algorithms: ['ES256'] })).rejects.toBeInstanceOf(
      InvalidOptionsError,
    );
  });

  it('counts failures by reason in stats() and publishes them on perf:jwt-cache:failure', async () => {
    const v = await createVerifier(base);
    const seen: unknown[] = [];
    const onFailure = (m: unknown) => seen.push(m);
    channel('perf:jwt-cache:failure').subscribe(onFailure);
    try {
      expect(() => v.verifySync('not.a.jwt!')).toThrow();
    } finally {
      channel('perf:jwt-cache:failure').unsubscribe(onFailure);
    }
    expect(v.stats().failures.malformed).toBe(1);
    expect(seen).toEqual([{ reason: 'malformed', code: 'PERF_JWT_CACHE_MALFORMED', kid: undefined }]);
  });

  it('publishes revocations and ignored JWKS keys on their channels', async () => {
    const events: [string, unknown][] = [];
    const listeners = ['perf:jwt-cache:revoke', 'perf:jwt-cache:key-ignored'].map((name) => {
      const on = (m: unknown) => events.push([name, m]);
      channel(name).subscribe(on);
      return () => channel(name).unsubscribe(on);
    });
    try {
      const jwk = { ...(await exportJWK(ec.publicKey)), kid: 'k1' };
      const v = await createVerifier({
        jwks: { keys: [jwk, { ...jwk, kid: 'e', use: 'enc' }] },
        algorithms: ['ES256'],
      });
      v.revoke('j1');
      v.revokeSubject('alice', 100);
      v.purgeKid('k1');
    } finally {
      for (const off of listeners) off();
    }
    expect(events).toEqual([
      ['perf:jwt-cache:key-ignored', { kid: 'e', why: '"use" is enc' }],
      ['perf:jwt-cache:revoke', { kind: 'jti', value: 'j1' }],
      ['perf:jwt-cache:revoke', { kind: 'subject', value: 'alice' }],
      ['perf:jwt-cache:revoke', { kind: 'kid', value: 'k1' }],
    ]);
  });

  it('refuses to verify after close(), also through Symbol.asyncDispose', async () => {
    const token = await joseSign({ exp: clock.seconds() + 60 });
    const v = await createVerifier(base);
    v.verifySync(token);
    await v[Symbol.asyncDispose]();
    expect(() => v.verifySync(token)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_CLOSED' }));
    await expect(v.verify(token)).rejects.toMatchObject({ code: 'PERF_JWT_CACHE_CLOSED' });
  });
});
