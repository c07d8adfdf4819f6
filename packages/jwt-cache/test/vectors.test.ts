// Test vectors of RFC 7515 (JWS, appendix A) and RFC 7520 (JOSE cookbook, §4),
// the same ones jose tests with. jose checks each vector first, so a typo here
// cannot pass silently.
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { type Algorithm, createVerifier } from '../src/index.js';

// RFC 7515 A.1–A.3 share this claims set; its exp is 1300819380 (2011-03-22).
const RFC7515_PAYLOAD =
  'eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ';
const BEFORE_EXP = () => 1_300_819_000 * 1000;
const AFTER_EXP = () => 1_300_819_381 * 1000;

const rfc7515 = {
  'A.1 HS256': {
    alg: 'HS256',
    jwk: { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' },
    token: `eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.${RFC7515_PAYLOAD}.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk`,
  },
  'A.3 ES256': {
    alg: 'ES256',
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
      y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
    },
    token: `eyJhbGciOiJFUzI1NiJ9.${RFC7515_PAYLOAD}.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q`,
  },
} as const;

// RFC 7520 §4: the payload is prose, not a claims set, so a JWT verifier must
// accept the signature and then refuse the payload as malformed.
const COOKBOOK_PAYLOAD =
  'SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4';
const BILBO = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9';
const rfc7520 = {
  '4.1 RS256': {
    alg: 'RS256',
    jwk: {
      kty: 'RSA',
      kid: 'bilbo.baggins@hobbiton.example',
      use: 'sig',
      n: 'n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw',
      e: 'AQAB',
    },
    token: `${BILBO}.${COOKBOOK_PAYLOAD}.MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg`,
  },
  '4.3 ES512': {
    alg: 'ES512',
    jwk: {
      kty: 'EC',
      kid: 'bilbo.baggins@hobbiton.example',
      use: 'sig',
      crv: 'P-521',
      x: 'AHKZLLOsCOzz5cY97ewNUajB957y-C-U88c3v13nmGZx6sYl_oJXu9A5RkTKqjqvjyekWF-7ytDyRXYgCF5cj0Kt',
      y: 'AdymlHvOiLxXkEhayXQnNCvDX4h9htZaCJN34kfmC6pV5OhQHiraVySsUdaQkAgDPrwQrJmbnX9cwlGfP-HqHZR1',
    },
    token: `eyJhbGciOiJFUzUxMiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.${COOKBOOK_PAYLOAD}.AE_R_YZCChjn4791jSQCrdPZCNYqHXCTZH0-JZGYNlaAjP2kqaluUIIUnC9qvbu9Plon7KRTzoNEuT4Va2cmL1eJAQy3mtPBu_u_sDDyYjnAMDxXPn7XrT0lw-kvAD890jl8e2puQens_IEKBpHABlsbEPX6sFY8OcGDqoRuBomu9xQ2`,
  },
  '4.4 HS256': {
    alg: 'HS256',
    jwk: {
      kty: 'oct',
      kid: '018c0ae5-4d9b-471b-bfd6-eef314bc7037',
      use: 'sig',
      alg: 'HS256',
      k: 'hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg',
    },
    token: `eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9.${COOKBOOK_PAYLOAD}.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0`,
  },
} as const;

// Changes one signature character (never the last, whose low bits may be padding).
function tamper(token: string): string {
  const i = token.length - 5;
  return `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
}

async function verifierFor(v: { alg: string; jwk: object }, now: () => number) {
  return createVerifier({ jwks: { keys: [v.jwk as JWK] }, algorithms: [v.alg as Algorithm], now });
}

describe('RFC 7515 appendix A', () => {
  it.each(Object.entries(rfc7515))('%s verifies, as it does with jose', async (_name, vector) => {
    await compactVerify(vector.token, await importJWK(vector.jwk, vector.alg));
    const v = await verifierFor(vector, BEFORE_EXP);
    expect(v.verifySync(vector.token)).toEqual({ iss: 'joe', exp: 1300819380, 'http://example.com/is_root': true });
  });

  it.each(Object.entries(rfc7515))('%s is refused once expired, and when tampered with', async (_name, vector) => {
    const late = await verifierFor(vector, AFTER_EXP);
    expect(() => late.verifySync(vector.token)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_EXPIRED' }));
    const v = await verifierFor(vector, BEFORE_EXP);
    expect(() => v.verifySync(tamper(vector.token))).toThrow(
      expect.objectContaining({ code: 'PERF_JWT_CACHE_BAD_SIGNATURE' }),
    );
  });

  it('A.5 (unsecured JWS, alg none) is refused', async () => {
    const v = await verifierFor(rfc7515['A.3 ES256'], BEFORE_EXP);
    expect(() => v.verifySync(`eyJhbGciOiJub25lIn0.${RFC7515_PAYLOAD}.`)).toThrow(
      expect.objectContaining({ code: 'PERF_JWT_CACHE_ALG_NOT_ALLOWED' }),
    );
  });
});

describe('RFC 7520 §4 (JOSE cookbook signatures)', () => {
  it.each(Object.entries(rfc7520))(
    '%s: the signature verifies, the prose payload is no claims set',
    async (_n, vector) => {
      await compactVerify(vector.token, await importJWK(vector.jwk, vector.alg));
      const v = await verifierFor(vector, BEFORE_EXP);
      expect(() => v.verifySync(vector.token)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_MALFORMED' }));
      expect(() => v.verifySync(tamper(vector.token))).toThrow(
        expect.objectContaining({ code: 'PERF_JWT_CACHE_BAD_SIGNATURE' }),
      );
    },
  );

  it('4.1 under another algorithm than the one its key is pinned to is refused', async () => {
    const vector = rfc7520['4.1 RS256'];
    const v = await verifierFor(vector, BEFORE_EXP);
    const asPs = `${Buffer.from('{"alg":"PS256","kid":"bilbo.baggins@hobbiton.example"}').toString('base64url')}${vector.token.slice(BILBO.length)}`;
    expect(() => v.verifySync(asPs)).toThrow(expect.objectContaining({ code: 'PERF_JWT_CACHE_ALG_NOT_ALLOWED' }));
  });
});
