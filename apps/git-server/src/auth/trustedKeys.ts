// The verifier of the auth server's access tokens: keys from its JWKS (fetched
// and cached by @perf/jwt-cache) or from a local file for a stand-alone start,
// the issuer and audience pinned, and revocations from Redis when given.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type Algorithm, createVerifier, type RevocationSource, type StaticKey, type Verifier } from '@perf/jwt-cache';
import type { TrustedKeys } from '../config.js';

/** What the auth server signs with (SIGNING_ALG there). */
export const ACCEPTED_ALGORITHMS: readonly Algorithm[] = ['ES256', 'EdDSA'];

export interface VerifierSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly keys: TrustedKeys;
  readonly revocation?: RevocationSource | undefined;
  readonly now?: () => number;
}

export function tokenVerifier(settings: VerifierSettings): Promise<Verifier> {
  const source =
    settings.keys.kind === 'jwks'
      ? // The auth server sends max-age=60; a kid it has just rotated in is fetched at most every 10 s.
        { jwks: { url: settings.keys.url, cooldownSeconds: 10 } }
      : localKeys(settings.keys.path);
  return createVerifier({
    ...source,
    algorithms: ACCEPTED_ALGORITHMS,
    issuer: settings.issuer,
    audience: settings.audience,
    clockTolerance: 5,
    // RFC 9068 §2.2: the claims every JWT access token carries.
    requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
    cache: { ttlSeconds: 300, maxEntries: 50_000 },
    negativeCache: { ttlSeconds: 5 },
    ...(settings.revocation ? { revocation: settings.revocation } : {}),
    ...(settings.now ? { now: settings.now } : {}),
  });
}

/** AUTH_PUBLIC_KEY_FILE: a JWKS, one JWK, or a PEM public key (its algorithm taken from its type). */
function localKeys(path: string): { keys: StaticKey[] } | { jwks: { keys: Record<string, unknown>[] } } {
  const text = readFileSync(path, 'utf8').trim();
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { keys?: Record<string, unknown>[] } & Record<string, unknown>;
    return { jwks: { keys: Array.isArray(parsed.keys) ? parsed.keys : [parsed] } };
  }
  const key = createPublicKey(text);
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const alg: Algorithm | undefined =
    type === 'ec' && curve === 'prime256v1' ? 'ES256' : type === 'ed25519' ? 'EdDSA' : undefined;
  if (alg === undefined) {
    throw new Error(`AUTH_PUBLIC_KEY_FILE ${path}: a ${type} key cannot verify ES256 or EdDSA tokens`);
  }
  return { keys: [{ key, alg }] };
}
