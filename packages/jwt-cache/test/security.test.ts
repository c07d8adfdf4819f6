// The attacks of the issue; none may pass verification, cached or not.
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { manualClock } from '@perf/testing';
import { exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  createSigner,
  createVerifier,
  InvalidOptionError,
  JwtVerifyError,
  pubSubRevocationSource,
  type Verifier,
} from '../src/index.js';
import { b64, ec, joseSign, rsa } from './helpers.js';

const clock = manualClock();
const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });

function codeOf(v: Verifier, token: string): string {
  try {
    v.verifySync(token);
    return 'ACCEPTED';
  } catch (e) {
    expect(e).toBeInstanceOf(JwtVerifyError);
    return (e as JwtVerifyError).code;
  }
}

async function verifier(extra: object = {}) {
  return createVerifier({
    keys: [
      { key: ec.publicKey, alg: 'ES256', kid: 'k1' },
      { key: rsa.publicKey, alg: 'RS256', kid: 'r1' },
    ],
    algorithms: ['ES256', 'RS256', 'HS256'],
    audience: 'api',
    issuer: 'https://issuer.example',
    now: clock.now,
    ...extra,
  });
}

const claims = () => ({ iss: 'https://issuer.example', aud: 'api', sub: 'alice', exp: clock.seconds() + 600 });

describe('security', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])('refuses alg %s, with or without a signature', async (alg) => {
    const v = await verifier();
    const unsigned = `${b64({ alg, kid: 'k1' })}.${b64(claims())}.`;
    expect(codeOf(v, unsigned)).toBe('PERF_JWT_CACHE_ALG_NOT_ALLOWED');
    const valid = await joseSign(claims());
    expect(codeOf(v, `${b64({ alg, kid: 'k1' })}.${b64(claims())}.${valid.split('.')[2]}`)).toBe(
      'PERF_JWT_CACHE_ALG_NOT_ALLOWED',
    );
  });

  it.each([
    ['RSA', 'r1', rsa.publicKey],
    ['EC', 'k1', ec.publicKey],
  ])('refuses HS256 signed with the %s public key as the secret', async (_type, kid, publicKey) => {
    const v = await verifier();
    for (const secret of [
      publicKey.export({ type: 'spki', format: 'pem' }),
      publicKey.export({ type: 'spki', format: 'der' }),
      JSON.stringify(await exportJWK(publicKey)),
    ]) {
      const input = `${b64({ alg: 'HS256', kid })}.${b64(claims())}`;
      const forged = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(codeOf(v, forged)).toBe('PERF_JWT_CACHE_ALG_NOT_ALLOWED');
    }
  });

  it('refuses an ES256 token presented under RS256 with the same kid (alg pinned per key)', async () => {
    const v = await verifier();
    const valid = await joseSign(claims());
    const [, payload, sig] = valid.split('.');
    expect(codeOf(v, `${b64({ alg: 'RS256', kid: 'k1' })}.${payload}.${sig}`)).toBe('PERF_JWT_CACHE_ALG_NOT_ALLOWED');
  });

  it('refuses expired, not-yet-valid, wrong-audience and wrong-issuer tokens', async () => {
    const v = await verifier();
    const now = clock.seconds();
    expect(codeOf(v, await joseSign({ ...claims(), exp: now - 1 }))).toBe('PERF_JWT_CACHE_EXPIRED');
    expect(codeOf(v, await joseSign({ ...claims(), nbf: now + 10 }))).toBe('PERF_JWT_CACHE_NOT_YET_VALID');
    expect(codeOf(v, await joseSign({ ...claims(), aud: 'admin' }))).toBe('PERF_JWT_CACHE_BAD_AUDIENCE');
    expect(codeOf(v, await joseSign({ ...claims(), aud: ['admin', 'API'] }))).toBe('PERF_JWT_CACHE_BAD_AUDIENCE');
    expect(codeOf(v, await joseSign({ ...claims(), iss: 'https://issuer.example/' }))).toBe(
      'PERF_JWT_CACHE_BAD_ISSUER',
    );
  });

  it('refuses a valid signature transplanted onto another payload, even while the original is cached', async () => {
    const v = await verifier();
    const valid = await joseSign(claims());
    expect(v.verifySync(valid).sub).toBe('alice'); // now cached
    const [header, , sig] = valid.split('.');
    const transplanted = `${header}.${b64({ ...claims(), sub: 'admin' })}.${sig}`;
    expect(transplanted).toHaveLength(valid.length); // same length, same tail: the same cache slot
    expect(codeOf(v, transplanted)).toBe('PERF_JWT_CACHE_BAD_SIGNATURE');
    // Same length, same tail, one character different at the start of the payload.
    const [h, p, s] = valid.split('.') as [string, string, string];
    const flipped = `${h}.${p[0] === 'e' ? 'f' : 'e'}${p.slice(1)}.${s}`;
    expect(codeOf(v, flipped)).not.toBe('ACCEPTED');
    expect(v.stats().hits).toBe(0);
  });

  it('does not serve a cached result for a prefix or an extension of the cached token', async () => {
    const v = await verifier();
    const valid = await joseSign(claims());
    v.verifySync(valid);
    expect(codeOf(v, valid.slice(0, -1))).not.toBe('ACCEPTED');
    expect(codeOf(v, `${valid}A`)).not.toBe('ACCEPTED');
    expect(codeOf(v, ` ${valid}`)).toBe('PERF_JWT_CACHE_MALFORMED');
    expect(v.stats().hits).toBe(0);
  });

  it('refuses a cached token replayed after revoke(jti)', async () => {
    const v = await verifier();
    const token = await joseSign({ ...claims(), jti: 'id-1' });
    v.verifySync(token);
    v.verifySync(token);
    expect(v.stats().hits).toBe(1);
    v.revoke('id-1');
    expect(codeOf(v, token)).toBe('PERF_JWT_CACHE_REVOKED');
    expect(codeOf(v, token)).toBe('PERF_JWT_CACHE_REVOKED');
  });

  it('refuses tokens of a purged key, cached or new', async () => {
    const v = await verifier();
    const cached = await joseSign(claims());
    v.verifySync(cached);
    v.purgeKid('k1');
    expect(codeOf(v, cached)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    expect(codeOf(v, await joseSign({ ...claims(), n: 2 }))).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
  });

  it.each([
    '../../../../etc/passwd',
    'http://attacker.example/jwks.json',
    'k1\u0000',
    'k1 ',
    'K1',
    '__proto__',
    'constructor',
    'k1/../k1',
    "k1' OR '1'='1",
  ])('refuses kid %j signed by an attacker key', async (kid) => {
    const v = await verifier();
    const token = await joseSign(claims(), attacker.privateKey, { alg: 'ES256', kid });
    expect(codeOf(v, token)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
  });

  it('ignores keys the token brings itself (jwk, jku, x5u headers)', async () => {
    const v = await verifier();
    const jwk = await exportJWK(attacker.publicKey);
    const token = await joseSign(claims(), attacker.privateKey, {
      alg: 'ES256',
      kid: 'k1',
      jwk,
      jku: 'http://attacker.example/jwks.json',
      x5u: 'http://attacker.example/cert.pem',
    });
    expect(codeOf(v, token)).toBe('PERF_JWT_CACHE_BAD_SIGNATURE');
  });

  it('refuses an oversized token before parsing it (bounded size)', async () => {
    const v = await verifier({ maxTokenLength: 1000 });
    expect(codeOf(v, 'x'.repeat(1001))).toBe('PERF_JWT_CACHE_TOO_LARGE');
    expect(codeOf(v, await joseSign({ ...claims(), pad: 'x'.repeat(1000) }))).toBe('PERF_JWT_CACHE_TOO_LARGE');
    const huge = '.'.repeat(50_000_000);
    const started = v.stats().misses;
    expect(codeOf(v, huge)).toBe('PERF_JWT_CACHE_TOO_LARGE');
    expect(v.stats().misses).toBe(started); // refused before even the negative cache or the parser
  });

  it.each([
    ['two segments', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['five segments (a JWE)', (t: string) => `${t}.a.b`],
    ['"+" in the header', (t: string) => `+${t.slice(1)}`],
    ['padding "=" on the header', (t: string) => t.replace('.', '=.')],
    ['"/" in the signature', (t: string) => `${t.slice(0, -1)}/`],
    ['an impossible base64url length', (t: string) => t.replace('.', 'A.')],
    ['a space in the payload', (t: string) => t.replace('.', '. ')],
  ])('refuses malformed base64url: %s', async (_name, mangle) => {
    const v = await verifier();
    const token = await joseSign(claims());
    expect(codeOf(v, mangle(token))).toBe('PERF_JWT_CACHE_MALFORMED');
  });

  it('refuses non-canonical base64url (unused low bits set): no second string for the same signature', async () => {
    const v = await verifier({ cache: false });
    const valid = await joseSign(claims());
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Flips the lowest bit of a segment's last character: the same bytes when
    // the segment's length leaves unused bits, another string all the same.
    const flip = (segment: string) =>
      `${segment.slice(0, -1)}${alphabet[alphabet.indexOf(segment.at(-1) as string) ^ 1]}`;
    const [h, p, s] = valid.split('.') as [string, string, string];
    expect(s.length % 4).toBe(2); // 64 bytes: 4 unused bits in the last character
    expect(Buffer.from(flip(s), 'base64url').equals(Buffer.from(s, 'base64url'))).toBe(true);
    expect(codeOf(v, `${h}.${p}.${flip(s)}`)).toBe('PERF_JWT_CACHE_MALFORMED');
    for (const segment of [h, p].filter((x) => x.length % 4 !== 0)) {
      const mangled = valid.replace(segment, flip(segment));
      expect(codeOf(v, mangled)).toBe('PERF_JWT_CACHE_MALFORMED');
    }
    expect(codeOf(v, valid)).toBe('ACCEPTED');
  });

  it.each([
    ['a header that is not JSON', `${b64('{"alg":"ES256"')}.${b64({})}.AAAA`],
    ['a header that is an array', `${b64(['ES256'])}.${b64({})}.AAAA`],
    ['a header without alg', `${b64({ kid: 'k1' })}.${b64({})}.AAAA`],
    ['a non-string kid', `${b64({ alg: 'ES256', kid: 1 })}.${b64({})}.AAAA`],
    ['an unknown critical extension', `${b64({ alg: 'ES256', kid: 'k1', crit: ['exp'] })}.${b64({})}.AAAA`],
    ['an unencoded payload (b64: false)', `${b64({ alg: 'ES256', kid: 'k1', b64: false })}.${b64({})}.AAAA`],
  ])('refuses %s', async (_name, token) => {
    const v = await verifier();
    expect(codeOf(v, token)).toBe('PERF_JWT_CACHE_MALFORMED');
  });

  it.each([
    ['null', 'null'],
    ['an array', '[1]'],
    ['not JSON', '{"sub":'],
    ['a string', '"x"'],
  ])('refuses a correctly signed claims set that is %s', async (_name, payload) => {
    const v = await verifier();
    const hs = await createVerifier({
      keys: [{ key: new Uint8Array(32).fill(7), alg: 'HS256', kid: 'h' }],
      algorithms: ['HS256'],
      now: clock.now,
    });
    const input = `${b64({ alg: 'HS256', kid: 'h' })}.${b64(payload)}`;
    const token = `${input}.${createHmac('sha256', new Uint8Array(32).fill(7)).update(input).digest('base64url')}`;
    expect(codeOf(hs, token)).toBe('PERF_JWT_CACHE_MALFORMED');
    expect(codeOf(v, token)).not.toBe('ACCEPTED');
  });

  it('decodes a header segment that only begins or ends like the last one seen on its own', async () => {
    const v = await verifier({ cache: false });
    const valid = await joseSign(claims());
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    // The last header seen is now this token's; then longer, shorter and
    // other-kid segments that share its prefix must not reuse it.
    expect(codeOf(v, valid)).toBe('ACCEPTED');
    const lastChanged = `${header.slice(0, -1)}${header.endsWith('A') ? 'B' : 'A'}`;
    for (const other of [`${header}AAAA`, header.slice(0, -4), lastChanged]) {
      expect(codeOf(v, `${other}.${payload}.${signature}`)).toBe('PERF_JWT_CACHE_MALFORMED');
      expect(codeOf(v, valid)).toBe('ACCEPTED');
    }
    const rotated = b64({ alg: 'ES256', kid: 'k2' });
    expect(codeOf(v, `${rotated}.${payload}.${signature}`)).toBe('PERF_JWT_CACHE_UNKNOWN_KID');
    // The same header in other bytes: decoded on its own, and not what was signed.
    expect(codeOf(v, `${b64({ kid: 'k1', alg: 'ES256' })}.${payload}.${signature}`)).toBe(
      'PERF_JWT_CACHE_BAD_SIGNATURE',
    );
    expect(codeOf(v, valid)).toBe('ACCEPTED');
  });

  it('refuses an ES256 signature of the wrong length or with r, s out of range as a bad signature', async () => {
    const v = await verifier({ cache: false });
    const valid = await joseSign(claims());
    const input = valid.slice(0, valid.lastIndexOf('.'));
    const raw = Buffer.from(valid.slice(valid.lastIndexOf('.') + 1), 'base64url');
    const order = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
    for (const bad of [
      raw.subarray(0, 63),
      Buffer.concat([raw, Buffer.alloc(1)]),
      Buffer.concat([Buffer.alloc(1), raw]).subarray(0, 64),
      Buffer.alloc(64),
      Buffer.alloc(64, 0xff),
      Buffer.concat([order, raw.subarray(32)]),
      Buffer.concat([raw.subarray(0, 32), order]),
    ]) {
      expect(codeOf(v, `${input}.${bad.toString('base64url')}`)).toBe('PERF_JWT_CACHE_BAD_SIGNATURE');
    }
    expect(codeOf(v, valid)).toBe('ACCEPTED');
  });

  it.each([
    ['arrays', (n: number) => `${'['.repeat(n)}1${']'.repeat(n)}`],
    ['objects', (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`],
  ])(
    'accepts a signed claims set with %s nested 100,000 deep (raised maxTokenLength), frozen all the way down, never a RangeError',
    async (_name, nest) => {
      const secret = new Uint8Array(32).fill(9);
      const hs = await createVerifier({
        keys: [{ key: secret, alg: 'HS256', kid: 'h' }],
        algorithms: ['HS256'],
        now: clock.now,
        maxTokenLength: 1_000_000,
      });
      const input = `${b64({ alg: 'HS256', kid: 'h' })}.${b64(`{"exp":${clock.seconds() + 600},"deep":${nest(100_000)}}`)}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      expect(codeOf(hs, token)).toBe('ACCEPTED');
      let node = hs.verifySync(token).deep;
      let depth = 0;
      while (typeof node === 'object' && node !== null && Object.isFrozen(node)) {
        node = Array.isArray(node) ? node[0] : (node as { a: unknown }).a;
        depth++;
      }
      expect([depth, node]).toEqual([100_000, 1]);
      expect(hs.stats()).toMatchObject({ hits: 1, misses: 1 });
    },
  );

  it('refuses a non-string token with a typed error', async () => {
    const v = await verifier();
    expect(codeOf(v, 42 as unknown as string)).toBe('PERF_JWT_CACHE_MALFORMED');
    expect(codeOf(v, undefined as unknown as string)).toBe('PERF_JWT_CACHE_MALFORMED');
  });
});

// Errors end up in logs, and a logger writes every field of an error: an
// option error about a key names the key's kind, never its material.
describe('security: an error about a key (or another secret) never carries it', () => {
  const secret = randomBytes(16);
  const ecJwk = exportJWK(ec.privateKey);
  const ecPem = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  /** Every way the error may be written out: its text, JSON (a logger's serializer) and util.inspect. */
  function written(error: unknown): string {
    const e = error as Error & { received?: unknown };
    return [
      String(e),
      JSON.stringify(e),
      JSON.stringify(e.received),
      inspect(e, { depth: Number.POSITIVE_INFINITY }),
    ].join('\n');
  }

  async function material(): Promise<string[]> {
    return [
      secret.toString('hex'),
      secret.toString('base64url'),
      secret.toString('base64'),
      // A Buffer's JSON and inspect forms, and a Uint8Array's.
      `"data":[${secret[0]},${secret[1]},${secret[2]},${secret[3]}`,
      [...secret.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' '),
      `"0":${secret[0]},"1":${secret[1]},"2":${secret[2]}`,
      `${secret[0]}, ${secret[1]}, ${secret[2]}, ${secret[3]}`,
      (await ecJwk).d as string,
      ecPem.split('\n')[1] as string,
    ];
  }

  const oct = () => ({ kty: 'oct', k: secret.toString('base64url') });
  it.each<[string, () => Promise<unknown>]>([
    ['a short HMAC secret', () => createVerifier({ keys: [{ key: secret, alg: 'HS256' }], algorithms: ['HS256'] })],
    ['a short oct JWK', () => createVerifier({ keys: [{ key: oct(), alg: 'HS256' }], algorithms: ['HS256'] })],
    [
      'a local JWKS whose only (short) secret is skipped',
      () => createVerifier({ jwks: { keys: [{ ...oct(), kid: 'h', alg: 'HS256' }] }, algorithms: ['HS256'] }),
    ],
    [
      'a JWKS of secrets given next to keys',
      () =>
        createVerifier({
          keys: [{ key: ec.publicKey, alg: 'ES256' }],
          jwks: { keys: [oct()] },
          algorithms: ['ES256'],
        }),
    ],
    ['keys that is one key, not an array', () => createVerifier({ keys: secret as never, algorithms: ['HS256'] })],
    [
      'keys that are bytes, not objects',
      () => createVerifier({ keys: [new Uint8Array(secret)] as never, algorithms: ['HS256'] }),
    ],
    [
      'a JWKS given as a JSON string',
      () => createVerifier({ jwks: JSON.stringify({ keys: [oct()] }) as never, algorithms: ['HS256'] }),
    ],
    ['the key given instead of the options', () => createSigner(ecPem as never)],
    ['a private EC JWK to sign RS256', async () => createSigner({ key: await ecJwk, alg: 'RS256' })],
    ['a PEM private key as an HS256 secret', () => createSigner({ key: ecPem, alg: 'HS256' })],
    ['an EC PEM private key to sign RS256', () => createSigner({ key: ecPem, alg: 'RS256' })],
    ['a short secret to sign HS256', () => createSigner({ key: secret, alg: 'HS256' })],
    [
      'request headers with a secret and a bad value',
      () =>
        createVerifier({
          jwks: {
            url: 'https://issuer.example/jwks',
            headers: { authorization: secret.toString('hex'), n: 1 as never },
          },
          algorithms: ['ES256'],
        }),
    ],
    [
      "a Redis client's options (with its password) given as the pub/sub subscriber",
      async () => pubSubRevocationSource({ subscriber: { password: secret.toString('hex') } as never, channel: 'c' }),
    ],
    [
      'a JWKS URL of another scheme, with a password',
      () =>
        createVerifier({ jwks: { url: `ftp://u:${secret.toString('hex')}@issuer.example/` }, algorithms: ['ES256'] }),
    ],
  ])('%s: InvalidOptionError, without the secret in its message, fields or cause', async (_name, attempt) => {
    const error = await attempt().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidOptionError);
    const text = written(error);
    for (const m of await material()) expect(text).not.toContain(m);
  });
});
