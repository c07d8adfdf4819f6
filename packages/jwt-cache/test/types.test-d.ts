import { describe, expectTypeOf, it } from 'vitest';
import {
  type Algorithm,
  createSigner,
  createVerifier,
  type JwtClaims,
  type KeyRemovalReason,
  type RemoteJwksOptions,
  type Signer,
  type Verifier,
  type VerifierOptions,
  type VerifierStats,
} from '../src/index.js';

describe('public types', () => {
  it('createVerifier and createSigner resolve to their interfaces', () => {
    expectTypeOf(createVerifier).returns.resolves.toEqualTypeOf<Verifier>();
    expectTypeOf(createSigner).returns.resolves.toEqualTypeOf<Signer>();
    expectTypeOf<ReturnType<Verifier['verifySync']>>().toEqualTypeOf<JwtClaims>();
    expectTypeOf<ReturnType<Verifier['verify']>>().toEqualTypeOf<Promise<JwtClaims>>();
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

  it('types the stale-key bound and key removals', () => {
    expectTypeOf<RemoteJwksOptions['staleIfErrorSeconds']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<VerifierStats['keysRemoved']>().toEqualTypeOf<number>();
    expectTypeOf<KeyRemovalReason>().toEqualTypeOf<'rotated' | 'withdrawn' | 'expired' | 'purged'>();
  });
});
