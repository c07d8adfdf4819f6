// The options and counters of a verifier, and the checks that turn options
// into typed errors at construction.
import type { JSONWebKeySet } from 'jose';
import type { Algorithm } from './algorithms.js';
import { type FailureReason, InvalidOptionsError } from './errors.js';
import type { StaticKey } from './keySet.js';
import type { RemoteJwksOptions } from './remoteJwks.js';
import type { RevocationSource } from './revocation.js';

/** Options of `createVerifier`. Durations are in seconds, like the NumericDates of JWT. */
export interface VerifierOptions {
  /** Trusted keys, each pinned to one algorithm. Give exactly one of `keys` and `jwks`. */
  readonly keys?: readonly StaticKey[];
  /** A JWKS object (local), or `{ url, ... }` for a remote JWKS fetched over HTTP. */
  readonly jwks?: JSONWebKeySet | RemoteJwksOptions;
  /** The algorithms accepted (required, non-empty; `none` is never accepted). */
  readonly algorithms: readonly Algorithm[];
  /** Accepted `iss` value(s); when set, `iss` is required. */
  readonly issuer?: string | readonly string[];
  /** Accepted `aud` value(s); when set, `aud` is required and must name one of them. */
  readonly audience?: string | readonly string[];
  /** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Default 0. */
  readonly clockTolerance?: number;
  /** Seconds a token may live after its `iat` (which it then must have). Default: unlimited. */
  readonly maxTokenAge?: number;
  /** Claims that must be present. Default `['exp']`; pass `[]` to accept tokens without `exp`. */
  readonly requiredClaims?: readonly string[];
  /** Longest token accepted, in characters, checked before any parsing. Default 8192. */
  readonly maxTokenLength?: number;
  /** The result cache, on by default; `false` turns it off. */
  readonly cache?: false | CacheOptions;
  /** A short cache of refused tokens, off by default. Key-fetch failures, unknown kids, `nbf` and revocations are never cached. */
  readonly negativeCache?: false | CacheOptions;
  /** A feed of revocations (e.g. over Redis pub/sub), subscribed to on creation and unsubscribed on `close()`. */
  readonly revocation?: RevocationSource;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** Bounds of a token cache. */
export interface CacheOptions {
  /** Most entries; the oldest leaves first. Default 10000 (1000 for the negative cache). */
  readonly maxEntries?: number;
  /** Seconds an entry may live at most (it never outlives the token's `exp`). Default 300 (10 for the negative cache, at most 60). */
  readonly ttl?: number;
}

/** Counters since creation; `stats()` returns a fresh copy. */
export interface VerifierStats {
  /** Verifications answered from the result cache. */
  hits: number;
  /** Full verifications (signature checked). */
  misses: number;
  /** Cache entries found past their lifetime. */
  expired: number;
  /** Tokens refused as revoked (cached or not). */
  revoked: number;
  /** Refusals answered from the negative cache. */
  negativeHits: number;
  /** Remote JWKS fetches started / failed. */
  keyFetches: number;
  keyFetchFailures: number;
  /** Trusted keys that stopped vouching: rotated out of or withdrawn from a remote JWKS, expired past `staleIfErrorSeconds`, or purged. */
  keysRemoved: number;
  cacheSize: number;
  negativeCacheSize: number;
  /** Refused tokens by reason (negative-cache hits included). */
  failures: Record<FailureReason, number>;
}

export function list(v: string | readonly string[] | undefined, name: string): readonly string[] | undefined {
  if (v === undefined) return undefined;
  const l = typeof v === 'string' ? [v] : [...v];
  if (l.length === 0 || l.some((x) => typeof x !== 'string')) {
    throw new InvalidOptionsError(`${name} must be a string or a non-empty array of strings`);
  }
  return l;
}

export function seconds(v: number | undefined, fallback: number, name: string, max = Number.POSITIVE_INFINITY): number {
  const s = v ?? fallback;
  if (typeof s !== 'number' || Number.isNaN(s) || s < 0 || s > max) {
    throw new InvalidOptionsError(`${name} must be a number of seconds between 0 and ${max}`);
  }
  return s;
}

export function positiveInt(v: number | undefined, fallback: number, name: string): number {
  const n = v ?? fallback;
  if (!Number.isInteger(n) || n < 1) throw new InvalidOptionsError(`${name} must be an integer ≥ 1`);
  return n;
}

export function emptyFailures(): Record<FailureReason, number> {
  return {
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
  };
}
