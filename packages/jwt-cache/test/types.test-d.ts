import { describe, expectTypeOf, it } from 'vitest';
import {
  type Algorithm,
  type CacheOptions,
  type channelNames,
  createSigner,
  createVerifier,
  encodeRevocation,
  type JwtCacheChannelMessages,
  JwtCacheError,
  type JwtCacheErrorCode,
  type JwtClaims,
  JwtVerifyError,
  type JwtVerifyErrorCode,
  type KeyRemovalReason,
  type KeyRemovedMessage,
  type RejectReason,
  type RemoteJwksOptions,
  Signer,
  type SignerOptions,
  Verifier,
  type VerifierOptions,
  type VerifierStats,
} from '../src/index.js';

describe('public types', () => {
  it('createVerifier and createSigner resolve to their classes', () => {
    expectTypeOf(createVerifier).returns.resolves.toEqualTypeOf<Verifier>();
    expectTypeOf(createSigner).returns.resolves.toEqualTypeOf<Signer>();
    expectTypeOf<ReturnType<Verifier['verifySync']>>().toEqualTypeOf<JwtClaims>();
    expectTypeOf<ReturnType<Verifier['verify']>>().toEqualTypeOf<Promise<JwtClaims>>();
    expectTypeOf<Verifier['name']>().toEqualTypeOf<string>();
    expectTypeOf<Signer['name']>().toEqualTypeOf<string>();
  });

  it('has no public constructor: the factories import the keys first', () => {
    // @ts-expect-error the constructor is private
    const verifier = () => new Verifier();
    // @ts-expect-error the constructor is private
    const signer = () => new Signer();
    expectTypeOf(verifier).returns.toEqualTypeOf<Verifier>();
    expectTypeOf(signer).returns.toEqualTypeOf<Signer>();
  });

  it('requires algorithms, and only known ones', () => {
    // @ts-expect-error algorithms is required
    const missing: VerifierOptions = { keys: [] };
    // @ts-expect-error 'none' is not an Algorithm
    const none: Algorithm = 'none';
    expectTypeOf(missing).toEqualTypeOf<VerifierOptions>();
    expectTypeOf(none).toEqualTypeOf<Algorithm>();
  });

  it('types registered claims', () => {
    expectTypeOf<JwtClaims['exp']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<JwtClaims['aud']>().toEqualTypeOf<string | readonly string[] | undefined>();
  });

  it('names the unit of every duration option', () => {
    expectTypeOf<CacheOptions['ttlSeconds']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error renamed ttlSeconds in 0.1.0
    const ttl: CacheOptions = { ttl: 60 };
    expectTypeOf(ttl).toEqualTypeOf<CacheOptions>();
    expectTypeOf<
      Pick<
        RemoteJwksOptions,
        | 'defaultMaxAgeSeconds'
        | 'minMaxAgeSeconds'
        | 'maxMaxAgeSeconds'
        | 'cooldownSeconds'
        | 'staleIfErrorSeconds'
        | 'timeoutMs'
      >
    >().toEqualTypeOf<{
      readonly defaultMaxAgeSeconds?: number;
      readonly minMaxAgeSeconds?: number;
      readonly maxMaxAgeSeconds?: number;
      readonly cooldownSeconds?: number;
      readonly staleIfErrorSeconds?: number;
      readonly timeoutMs?: number;
    }>();
    // @ts-expect-error renamed cooldownSeconds in 0.1.0
    const cooldown: RemoteJwksOptions = { url: 'https://issuer.example/jwks', cooldown: 30 };
    expectTypeOf(cooldown).toEqualTypeOf<RemoteJwksOptions>();
    expectTypeOf<VerifierOptions['name']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<SignerOptions['name']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error untilMs (ms since the epoch) since 0.1.0
    encodeRevocation({ jti: 't-1', until: 1 });
    expectTypeOf(encodeRevocation({ jti: 't-1', untilMs: 1 })).toEqualTypeOf<string>();
  });

  it('error codes are a union, so switch (error.code) narrows, and refusals have their own', () => {
    expectTypeOf<JwtCacheError['code']>().toEqualTypeOf<JwtCacheErrorCode>();
    expectTypeOf<JwtVerifyError['code']>().toEqualTypeOf<JwtVerifyErrorCode>();
    expectTypeOf<JwtVerifyErrorCode>().toExtend<JwtCacheErrorCode>();
    expectTypeOf<JwtVerifyError['reason']>().toEqualTypeOf<RejectReason>();
    const narrow = (error: unknown) => {
      if (error instanceof JwtCacheError && error.code === 'PERF_JWT_CACHE_REVOKED') {
        expectTypeOf(error.code).toEqualTypeOf<'PERF_JWT_CACHE_REVOKED'>();
      }
      if (error instanceof JwtVerifyError) {
        // @ts-expect-error an option error is never a refusal of a token
        return error.code === 'PERF_JWT_CACHE_INVALID_OPTION';
      }
      return false;
    };
    expectTypeOf(narrow).returns.toEqualTypeOf<boolean>();
  });

  it('every channel has a message type, and every message carries the name', () => {
    expectTypeOf<keyof JwtCacheChannelMessages>().toEqualTypeOf<keyof typeof channelNames>();
    expectTypeOf<JwtCacheChannelMessages[keyof JwtCacheChannelMessages]['name']>().toEqualTypeOf<string>();
    expectTypeOf<(typeof channelNames)['keyRemoved']>().toEqualTypeOf<'perf:jwt-cache:key-removed'>();
    expectTypeOf<KeyRemovedMessage['why']>().toEqualTypeOf<KeyRemovalReason>();
    expectTypeOf<KeyRemovalReason>().toEqualTypeOf<'rotated' | 'withdrawn' | 'expired' | 'purged'>();
  });

  it('stats() in the shared words, with the name, the stale-key bound and key removals', () => {
    expectTypeOf<VerifierStats['name']>().toEqualTypeOf<string>();
    expectTypeOf<Pick<VerifierStats, 'size' | 'negativeSize' | 'rejected' | 'keysRemoved'>>().toEqualTypeOf<{
      size: number;
      negativeSize: number;
      rejected: number;
      keysRemoved: number;
    }>();
    expectTypeOf<VerifierStats['rejectedByReason']>().toEqualTypeOf<Record<RejectReason, number>>();
    expectTypeOf<RemoteJwksOptions['staleIfErrorSeconds']>().toEqualTypeOf<number | undefined>();
  });
});
