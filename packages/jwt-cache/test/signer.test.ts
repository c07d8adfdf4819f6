import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { useFakeTime } from '@perf/testing';
import { decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type Algorithm,
  createSigner,
  createVerifier,
  InvalidArgumentError,
  InvalidOptionError,
  Signer,
} from '../src/index.js';
import { ec, rsa } from './helpers.js';

const secret = (n: number) => new Uint8Array(n).fill(42);
const keys: [Algorithm, KeyObject | Uint8Array, KeyObject | Uint8Array][] = [
  ['HS256', secret(32), secret(32)],
  ['HS384', secret(48), secret(48)],
  ['HS512', secret(64), secret(64)],
  ['RS256', rsa.privateKey, rsa.publicKey],
  ['PS256', rsa.privateKey, rsa.publicKey],
  ['ES256', ec.privateKey, ec.publicKey],
  ...(['ES384', 'ES512'] as const).map((alg): [Algorithm, KeyObject, KeyObject] => {
    const pair = generateKeyPairSync('ec', { namedCurve: alg === 'ES384' ? 'P-384' : 'P-521' });
    return [alg, pair.privateKey, pair.publicKey];
  }),
  ((): [Algorithm, KeyObject, KeyObject] => {
    const pair = generateKeyPairSync('ed25519');
    return ['EdDSA', pair.privateKey, pair.publicKey];
  })(),
];

describe('createSigner', () => {
  // jose's jwtVerify and the verifier read the wall clock: fake time, so `exp` is checked against a fixed instant.
  useFakeTime();

  it.each(keys)('%s tokens verify with jose and with createVerifier', async (alg, privateKey, publicKey) => {
    const signer = await createSigner({ key: privateKey, alg, kid: 'sig-1' });
    const claims = { sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60, scope: 'a b', n: [1, 2] };
    const token = signer.sign(claims);
    const { payload, protectedHeader } = await jwtVerify(token, publicKey, { algorithms: [alg] });
    expect(payload).toEqual(claims);
    expect(protectedHeader).toEqual({ alg, kid: 'sig-1', typ: 'JWT' });
    const v = await createVerifier({ keys: [{ key: publicKey, alg, kid: 'sig-1' }], algorithms: [alg] });
    expect(v.verifySync(token)).toEqual(claims);
  });

  it.each(keys)(
    '%s signAsync: the same header and payload as sign(), a signature that verifies',
    async (alg, privateKey, publicKey) => {
      const signer = await createSigner({ key: privateKey, alg, kid: 'sig-1' });
      const claims = { sub: 'alice', exp: Math.floor(Date.now() / 1000) + 60 };
      const [token, sync] = [await signer.signAsync(claims), signer.sign(claims)];
      expect(token.split('.').slice(0, 2)).toEqual(sync.split('.').slice(0, 2));
      expect((await jwtVerify(token, publicKey, { algorithms: [alg] })).payload).toEqual(claims);
      // ECDSA and RSA-PSS signatures are randomized; the others are the same bytes as sign()'s.
      if (!/^(ES|PS)/.test(alg)) expect(token).toBe(sync);
    },
  );

  it('signAsync: calls in flight at once each sign their own claims (the scratch buffer is not shared)', async () => {
    const signer = await createSigner({ key: ec.privateKey, alg: 'ES256' });
    const tokens = await Promise.all(Array.from({ length: 64 }, (_, n) => signer.signAsync({ n, pad: 'x'.repeat(n) })));
    for (const [n, token] of tokens.entries()) {
      expect((await jwtVerify(token, ec.publicKey)).payload).toEqual({ n, pad: 'x'.repeat(n) });
    }
  });

  it('signAsync rejects what sign() throws on, with InvalidArgumentError', async () => {
    const signer = await createSigner({ key: ec.privateKey, alg: 'ES256' });
    await expect(signer.signAsync([] as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(signer.signAsync({ toJSON: () => 5 })).rejects.toMatchObject({
      code: 'PERF_JWT_CACHE_INVALID_ARGUMENT',
    });
  });

  it('reuses one encoded header and writes ES256 signatures in the raw 64-byte JWS form', async () => {
    const signer = await createSigner({ key: ec.privateKey, alg: 'ES256', typ: null });
    const a = signer.sign({ n: 1 });
    const b = signer.sign({ n: 2 });
    expect(a.split('.')[0]).toBe(b.split('.')[0]);
    expect(decodeProtectedHeader(a)).toEqual({ alg: 'ES256' });
    expect(Buffer.from(a.split('.')[2] as string, 'base64url')).toHaveLength(64);
  });

  it('imports PKCS#8 PEM and private JWK keys through jose', async () => {
    const pem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const jwk = await exportJWK(ec.privateKey);
    for (const key of [pem, jwk]) {
      const token = (await createSigner({ key, alg: 'ES256' })).sign({ ok: true });
      expect((await jwtVerify(token, ec.publicKey)).payload.ok).toBe(true);
    }
  });

  it.each([
    ['a public key', { key: ec.publicKey, alg: 'ES256' }, 'key'],
    [
      'a key of another curve',
      { key: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, alg: 'ES256' },
      'key',
    ],
    ['an RSA key for HS256', { key: rsa.privateKey, alg: 'HS256' }, 'key'],
    [
      'a 1024-bit RSA key',
      { key: generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey, alg: 'RS256' },
      'key',
    ],
    [
      'a PEM string that is no key',
      { key: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', alg: 'ES256' },
      'key',
    ],
    ['no key', { alg: 'ES256' }, 'key'],
    ['alg none', { key: secret(32), alg: 'none' }, 'alg'],
    ['an empty kid', { key: ec.privateKey, alg: 'ES256', kid: '' }, 'kid'],
    ['a typ that is not a string', { key: ec.privateKey, alg: 'ES256', typ: 1 }, 'typ'],
    ['an empty name', { key: ec.privateKey, alg: 'ES256', name: '' }, 'name'],
    ['no options', undefined, 'options'],
  ])('rejects %s with InvalidOptionError naming the option', async (_name, options, option) => {
    const error = await createSigner(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'PERF_JWT_CACHE_INVALID_OPTION', option });
  });

  it('refuses to sign something that is not a claims object, with InvalidArgumentError', async () => {
    const signer = await createSigner({ key: ec.privateKey, alg: 'ES256' });
    expect(() => signer.sign([] as never)).toThrow(InvalidArgumentError);
    expect(() => signer.sign({ toJSON: () => undefined })).toThrow(InvalidArgumentError);
    // Objects that serialize to something other than a JSON object (a string, a number, an array).
    expect(() => signer.sign(new Date(0) as never)).toThrow(InvalidArgumentError);
    expect(() => signer.sign({ toJSON: () => 5 })).toThrow(InvalidArgumentError);
    expect(() => signer.sign({ toJSON: () => ['a'] })).toThrow(InvalidArgumentError);
    expect(() => signer.sign(null as never)).toThrow(
      expect.objectContaining({
        code: 'PERF_JWT_CACHE_INVALID_ARGUMENT',
        argument: 'claims',
        message: '@perf/jwt-cache: argument claims must be a JWT claims set (a plain object), received null',
      }),
    );
  });

  it('is made by createSigner only: new Signer() throws, and a signer is instanceof Signer with its name', async () => {
    expect(() => new (Signer as unknown as new () => Signer)()).toThrow(/await createSigner\(options\)/);
    const signer = await createSigner({ key: ec.privateKey, alg: 'ES256', kid: 'k1', name: 'issuer' });
    expect(signer).toBeInstanceOf(Signer);
    expect(signer).toMatchObject({ name: 'issuer', alg: 'ES256', kid: 'k1' });
    expect((await createSigner({ key: ec.privateKey, alg: 'ES256' })).name).toBe('signer');
  });

  it('encodes non-ASCII claims as UTF-8 and claims sets of any size, and the same claims the same way', async () => {
    const signer = await createSigner({ key: ec.privateKey, alg: 'ES256', kid: 'k1' });
    const sets = [
      { sub: 'zoë', name: '東京 🚀', lone: '\ud800', exp: 2_000_000_000 },
      // Just inside the signer's 8 KiB scratch buffer, in 3-byte UTF-8 characters...
      { sub: 'wide', blob: '東'.repeat(2020) },
      // ...and past it: the plain path.
      { sub: 'big', blob: 'x'.repeat(3000), exp: 2_000_000_000 },
      { sub: 'big-utf8', blob: 'é'.repeat(2100), exp: 2_000_000_000 },
    ];
    for (const claims of sets) {
      const token = signer.sign(claims);
      expect((await jwtVerify(token, ec.publicKey)).payload).toEqual(claims);
      expect(token.split('.')[1]).toBe(Buffer.from(JSON.stringify(claims)).toString('base64url'));
    }
    // A short claims set after a long one: nothing of the long one is left in the signing input.
    const token = signer.sign({ n: 1 });
    expect((await jwtVerify(token, ec.publicKey)).payload).toEqual({ n: 1 });
  });
});
