// createVerifier: JWT verification (RFC 7519 §7.2) with a result cache that is
// bound to this verifier, exact on the whole token, and never outlives exp,
// cacheTtl, maxTokenAge, a revocation or the key that verified it.
import type { JSONWebKeySet } from 'jose';
import { ALGORITHMS, verifyBytes } from './algorithms.js';
import { failureChannel, keyIgnoredChannel, keyRemovedChannel, revokeChannel } from './channels.js';
import { type ClaimRules, checkClaims } from './claims.js';
import { type CompactJws, decodeSignature, type JwtClaims, parseClaims, parseCompactJws } from './compactJws.js';
import { deepFreeze } from './deepFreeze.js';
import {
  AlgorithmNotAllowedError,
  BadSignatureError,
  type FailureReason,
  InvalidOptionsError,
  JwtVerifyError,
  KeyFetchError,
  MalformedTokenError,
  SyncUnavailableError,
  TokenRevokedError,
  TokenTooLargeError,
  UnknownKidError,
  VerifierClosedError,
} from './errors.js';
import { importJwks, importStaticKeys, type KeyRecord, type KeyRemovalReason, KeySet } from './keySet.js';
import { RemoteJwks, type RemoteJwksOptions } from './remoteJwks.js';
import { RevocationList, type RevocationSink, type RevocationSource } from './revocation.js';
import { TokenMap } from './tokenMap.js';
import {
  emptyFailures,
  list,
  positiveInt,
  seconds,
  type VerifierOptions,
  type VerifierStats,
} from './verifierOptions.js';

// Keeps the revocation subscription out of the public surface.
const SUBSCRIBE = Symbol('subscribe');

interface CachedResult {
  readonly token: string;
  readonly expiresAt: number;
  readonly validFrom: number;
  readonly key: KeyRecord;
  readonly claims: JwtClaims;
}

interface CachedFailure {
  readonly token: string;
  readonly expiresAt: number;
  readonly error: JwtVerifyError;
}

// Failures that stay failures for the same token string; the others depend on
// time, revocation state or keys we may not have yet, and are never cached.
const NEGATIVE_CACHEABLE: ReadonlySet<FailureReason> = new Set<FailureReason>([
  'malformed',
  'algorithm',
  'bad_signature',
  'expired',
  'too_old',
  'bad_issuer',
  'bad_audience',
  'missing_claim',
]);

// The signing input (header.payload, all base64url by now, so one byte per
// character) is copied into this buffer rather than into a new slice and a new
// Buffer per token. node:crypto reads it synchronously, before anything else
// can run and reuse it.
const SIGNING_INPUT = Buffer.allocUnsafeSlow(8192);

function signingInput(token: string, end: number): Uint8Array {
  if (end > SIGNING_INPUT.length) return Buffer.from(token.slice(0, end), 'latin1');
  SIGNING_INPUT.write(token, 0, end, 'latin1');
  return new Uint8Array(SIGNING_INPUT.buffer, SIGNING_INPUT.byteOffset, end);
}

/**
 * Verifies JWTs. Create with `createVerifier`. `verify` works with every key
 * source; `verifySync` with static keys and local JWKS (and, with a remote
 * JWKS, once keys are in hand).
 */
export class Verifier implements RevocationSink {
  readonly #algorithms: ReadonlySet<string>;
  readonly #rules: ClaimRules;
  readonly #maxLength: number;
  readonly #now: () => number;
  readonly #cache: TokenMap<CachedResult> | undefined;
  readonly #cacheTtlMs: number;
  readonly #negative: TokenMap<CachedFailure> | undefined;
  readonly #negativeTtlMs: number;
  readonly #revocations: RevocationList;
  readonly #blocked = new Set<string>();
  readonly #remote: RemoteJwks | undefined;
  #keys: KeySet;
  #unsubscribe: (() => void | Promise<void>) | undefined;
  #closed = false;
  readonly #stats = {
    hits: 0,
    misses: 0,
    expired: 0,
    revoked: 0,
    negativeHits: 0,
    keyFetches: 0,
    keyFetchFailures: 0,
    keysRemoved: 0,
    failures: emptyFailures(),
  };

  /** @internal Use `createVerifier`. */
  constructor(options: VerifierOptions, keys: KeySet, remote: RemoteJwksOptions | undefined) {
    this.#algorithms = new Set(options.algorithms);
    this.#now = options.now ?? Date.now;
    this.#maxLength = positiveInt(options.maxTokenLength, 8192, 'maxTokenLength');
    this.#rules = {
      issuers: list(options.issuer, 'issuer'),
      audiences: list(options.audience, 'audience'),
      clockTolerance: seconds(options.clockTolerance, 0, 'clockTolerance'),
      maxTokenAge: options.maxTokenAge === undefined ? undefined : seconds(options.maxTokenAge, 0, 'maxTokenAge'),
      requiredClaims: [...(options.requiredClaims ?? ['exp'])],
    };
    this.#revocations = new RevocationList(this.#rules.clockTolerance * 1000);
    const cache = options.cache ?? {};
    if (cache !== false) {
      this.#cache = new TokenMap(positiveInt(cache.maxEntries, 10_000, 'cache.maxEntries'));
      this.#cacheTtlMs = seconds(cache.ttl, 300, 'cache.ttl') * 1000;
    } else {
      this.#cacheTtlMs = 0;
    }
    const negative = options.negativeCache ?? false;
    if (negative !== false) {
      this.#negative = new TokenMap(positiveInt(negative.maxEntries, 1000, 'negativeCache.maxEntries'));
      this.#negativeTtlMs = seconds(negative.ttl, 10, 'negativeCache.ttl', 60) * 1000;
    } else {
      this.#negativeTtlMs = 0;
    }
    this.#keys = keys;
    this.#remote =
      remote === undefined
        ? undefined
        : new RemoteJwks(remote, {
            now: this.#now,
            algorithms: options.algorithms,
            blocked: this.#blocked,
            current: () => this.#keys,
            install: (records, why) => this.#install(records, why),
            onFetch: (ok) => {
              this.#stats.keyFetches++;
              if (!ok) this.#stats.keyFetchFailures++;
            },
          });
  }

  /** @internal Called once by createVerifier; the symbol is not exported. */
  async [SUBSCRIBE](source: RevocationSource | undefined): Promise<void> {
    if (source !== undefined) this.#unsubscribe = await source.subscribe(this);
  }

  /**
   * Verifies `token` synchronously and returns its (frozen) claims, or throws
   * a `JwtVerifyError`. With a remote JWKS, throws `SyncUnavailableError`
   * until keys have been fetched once (call `verify`), and an unknown kid only
   * starts a background refetch.
   */
  verifySync(token: string): JwtClaims {
    const hit = this.#cached(token);
    if (hit !== undefined) return hit;
    let jws: CompactJws | undefined;
    try {
      jws = this.#parse(token);
      const remote = this.#remote;
      if (remote !== undefined) this.#remoteReadySync(remote);
      const key = this.#keys.lookup(jws.header.kid, jws.header.alg);
      if (key === undefined) {
        if (remote !== undefined && jws.header.kid !== undefined) void remote.refresh('unknown_kid');
        throw this.#unknownKid(jws);
      }
      return this.#finish(token, jws, key);
    } catch (error) {
      throw this.#failed(token, jws, error);
    }
  }

  /** Verifies `token` and resolves to its (frozen) claims, or rejects with a `JwtVerifyError`. */
  async verify(token: string): Promise<JwtClaims> {
    const remote = this.#remote;
    if (remote === undefined) return this.verifySync(token);
    const hit = this.#cached(token);
    if (hit !== undefined) return hit;
    let jws: CompactJws | undefined;
    try {
      jws = this.#parse(token);
      const now = this.#now();
      if (remote.isDue(now)) remote.tick(now);
      if (!remote.inHand) await remote.refresh('initial');
      if (this.#closed) throw new VerifierClosedError('the verifier was closed while fetching keys');
      if (!remote.inHand) throw new KeyFetchError(remote.unavailable());
      let key = this.#keys.lookup(jws.header.kid, jws.header.alg);
      if (key === undefined && jws.header.kid !== undefined && (await remote.refresh('unknown_kid'))) {
        if (!remote.inHand) throw new KeyFetchError(remote.unavailable());
        key = this.#keys.lookup(jws.header.kid, jws.header.alg);
      }
      if (key === undefined) throw this.#unknownKid(jws);
      return this.#finish(token, jws, key);
    } catch (error) {
      throw this.#failed(token, jws, error);
    }
  }

  // The cache hit path: one short slice, one Map lookup, one string compare,
  // one clock read. Anything doubtful falls through to a full verification.
  #cached(token: string): JwtClaims | undefined {
    if (this.#closed) throw new VerifierClosedError('the verifier is closed');
    const cache = this.#cache;
    if (cache === undefined || typeof token !== 'string' || token.length > this.#maxLength) return undefined;
    const entry = cache.get(token);
    if (entry === undefined) return undefined;
    const now = this.#now();
    // Hits must not hide a rotation: a remote key set past its max-age is
    // refreshed in the background, and past its stale bound withdrawn, before
    // the entry's key is checked.
    const remote = this.#remote;
    if (remote?.isDue(now)) remote.tick(now);
    if (now >= entry.expiresAt || entry.key.removed) {
      cache.delete(entry);
      this.#stats.expired++;
      return undefined;
    }
    if (now < entry.validFrom) return undefined;
    if (this.#revocations.active && this.#revocations.isRevoked(entry.claims)) {
      cache.delete(entry);
      throw this.#failed(token, undefined, new TokenRevokedError('the token was revoked'));
    }
    this.#stats.hits++;
    return entry.claims;
  }

  // verifySync cannot wait for a fetch: without keys in hand it refuses (and
  // starts the refetch, once keys were withdrawn) instead.
  #remoteReadySync(remote: RemoteJwks): void {
    const now = this.#now();
    if (remote.isDue(now)) remote.tick(now);
    if (remote.inHand) return;
    if (remote.withdrawal === undefined) {
      throw new SyncUnavailableError('no JWKS keys fetched yet: use verify() (async) at least once');
    }
    void remote.refresh('initial');
    throw new KeyFetchError(remote.unavailable());
  }

  // RFC 7519 §7.2 steps 1–6 up to the key: size, the negative cache, the
  // header, and whether its alg is allowed at all.
  #parse(token: string): CompactJws {
    if (typeof token !== 'string') throw new MalformedTokenError('a token is a string');
    if (token.length > this.#maxLength) {
      throw new TokenTooLargeError(
        `the token has ${token.length} characters, more than maxTokenLength ${this.#maxLength}`,
      );
    }
    if (this.#negative !== undefined) {
      const known = this.#negative.get(token);
      if (known !== undefined) {
        if (this.#now() < known.expiresAt) {
          this.#stats.negativeHits++;
          throw known.error;
        }
        this.#negative.delete(known);
      }
    }
    this.#stats.misses++;
    const jws = parseCompactJws(token);
    if (!this.#algorithms.has(jws.header.alg)) {
      throw new AlgorithmNotAllowedError(
        `alg ${JSON.stringify(jws.header.alg)} is not allowed (allowed: ${[...this.#algorithms].join(', ')})`,
      );
    }
    return jws;
  }

  #unknownKid(jws: CompactJws): UnknownKidError {
    const kid = jws.header.kid;
    const remote = this.#remote;
    const none =
      remote !== undefined && this.#keys.records.length === 0
        ? ` (the JWKS at ${remote.url.href} lists no usable signature key)`
        : '';
    return new UnknownKidError(
      kid === undefined
        ? `the token has no kid and no single key is configured for ${jws.header.alg}${none}`
        : `no trusted key has kid ${JSON.stringify(kid)}${none}`,
    );
  }

  // The rest of RFC 7519 §7.2 with the key in hand: the pinned alg, the
  // signature, then (only then) the claims, revocation, and the cache.
  #finish(token: string, jws: CompactJws, key: KeyRecord): JwtClaims {
    // Checked on every verification, not only on cache hits: a removed key
    // never vouches again, however a lookup reached it.
    if (key.removed) throw this.#unknownKid(jws);
    if (key.alg !== jws.header.alg) {
      throw new AlgorithmNotAllowedError(
        `the key for this token is pinned to ${key.alg}, the token says ${jws.header.alg}`,
      );
    }
    const signature = decodeSignature(token, jws);
    if (!verifyBytes(key.spec, key.key, signingInput(token, jws.dot2), signature)) {
      throw new BadSignatureError('the signature does not match the token (tampered, or signed with another key)');
    }
    const claims = parseClaims(token, jws);
    const nowMs = this.#now();
    checkClaims(claims, this.#rules, nowMs / 1000);
    if (this.#revocations.active && this.#revocations.isRevoked(claims)) {
      throw new TokenRevokedError('the token was revoked');
    }
    deepFreeze(claims);
    if (this.#cache !== undefined) {
      let expiresAt = nowMs + this.#cacheTtlMs;
      if (claims.exp !== undefined) expiresAt = Math.min(expiresAt, claims.exp * 1000);
      const maxAge = this.#rules.maxTokenAge;
      if (maxAge !== undefined && claims.iat !== undefined)
        expiresAt = Math.min(expiresAt, (claims.iat + maxAge) * 1000);
      const validFrom = claims.nbf === undefined ? Number.NEGATIVE_INFINITY : claims.nbf * 1000;
      if (expiresAt > nowMs) this.#cache.set({ token, expiresAt, validFrom, key, claims });
    }
    return claims;
  }

  // Counts, publishes and (when it may) negative-caches a refusal; returns
  // the error to throw. Errors that are not refusals pass through untouched.
  #failed(token: string, jws: CompactJws | undefined, error: unknown): unknown {
    if (!(error instanceof JwtVerifyError)) return error;
    const reason = error.reason;
    this.#stats.failures[reason]++;
    if (reason === 'revoked') this.#stats.revoked++;
    if (failureChannel.hasSubscribers) {
      failureChannel.publish({ reason, code: error.code, kid: jws?.header.kid });
    }
    const negative = this.#negative;
    if (
      negative !== undefined &&
      typeof token === 'string' &&
      NEGATIVE_CACHEABLE.has(reason) &&
      negative.get(token) === undefined
    ) {
      // (an error served from the negative cache is not stored again: its lifetime is never extended)
      negative.set({ token, expiresAt: this.#now() + this.#negativeTtlMs, error });
    }
    return error;
  }

  // The one way keys are installed. Purges and removals are checked now, at
  // install time, not when a fetch began: a purge or the stale bound may come
  // while a fetched JWKS is being imported. A purged kid is left out. A record
  // carried over from the set in use that was removed meanwhile (only the
  // stale bound can do that while a fetch is in flight) is confirmed by this
  // very answer: it comes back as a new record, so the results cached with the
  // removed one stay refused. Keys in use that are left out stop vouching (for
  // the results they produced too) at once.
  #install(records: readonly KeyRecord[], why: KeyRemovalReason): number {
    const blocked = this.#blocked;
    const trusted: KeyRecord[] = [];
    for (const r of records) {
      if (r.kid !== undefined && blocked.has(r.kid)) continue;
      trusted.push(r.removed ? { ...r, removed: false } : r);
    }
    const kept = new Set(trusted);
    for (const r of this.#keys.records) if (!kept.has(r)) this.#remove(r, why);
    this.#keys = new KeySet(trusted);
    this.#negative?.clear();
    return trusted.length;
  }

  #remove(r: KeyRecord, why: KeyRemovalReason): void {
    if (r.removed) return;
    r.removed = true;
    this.#stats.keysRemoved++;
    if (keyRemovedChannel.hasSubscribers) keyRemovedChannel.publish({ kid: r.kid, alg: r.alg, why });
  }

  /** Refuses the token with this `jti` from now on, cached or not. `until` (ms) lets the entry be forgotten after the token's expiry. */
  revoke(jti: string, until = Number.POSITIVE_INFINITY): void {
    this.#revocations.revoke(jti, until, this.#now());
    if (revokeChannel.hasSubscribers) revokeChannel.publish({ kind: 'jti', value: jti });
  }

  /** Refuses every token of `sub` issued before `issuedBefore` (NumericDate, seconds) and those without `iat`. */
  revokeSubject(sub: string, issuedBefore: number): void {
    this.#revocations.revokeSubject(sub, issuedBefore);
    if (revokeChannel.hasSubscribers) revokeChannel.publish({ kind: 'subject', value: sub });
  }

  /** Distrusts the key with this `kid` for good (also when a remote JWKS still lists it); results it verified are dropped at once. */
  purgeKid(kid: string): void {
    this.#blocked.add(kid);
    const records = this.#keys.records;
    if (records.some((r) => r.kid === kid)) this.#install(records, 'purged'); // the kid is blocked now: left out
    if (revokeChannel.hasSubscribers) revokeChannel.publish({ kind: 'kid', value: kid });
  }

  /** A snapshot of the counters. */
  stats(): VerifierStats {
    const s = this.#stats;
    return {
      hits: s.hits,
      misses: s.misses,
      expired: s.expired,
      revoked: s.revoked,
      negativeHits: s.negativeHits,
      keyFetches: s.keyFetches,
      keyFetchFailures: s.keyFetchFailures,
      keysRemoved: s.keysRemoved,
      cacheSize: this.#cache?.size ?? 0,
      negativeCacheSize: this.#negative?.size ?? 0,
      failures: { ...s.failures },
    };
  }

  /** Unsubscribes the revocation source, abandons any JWKS fetch and drops the caches. Later calls to verify throw `VerifierClosedError`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#remote?.close();
    this.#cache?.clear();
    this.#negative?.clear();
    const unsubscribe = this.#unsubscribe;
    this.#unsubscribe = undefined;
    await unsubscribe?.();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/**
 * Creates a verifier. Imports the keys (through jose) and checks every option;
 * an invalid option or key rejects with `InvalidOptionsError`.
 */
export async function createVerifier(options: VerifierOptions): Promise<Verifier> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionsError('options are required');
  const { algorithms } = options;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new InvalidOptionsError('algorithms is required: list the algorithms your issuer signs with, e.g. ["ES256"]');
  }
  for (const alg of algorithms) {
    if (!ALGORITHMS.includes(alg)) {
      throw new InvalidOptionsError(
        `algorithm ${JSON.stringify(alg)} is not supported (supported: ${ALGORITHMS.join(', ')})`,
      );
    }
  }
  if ((options.keys === undefined) === (options.jwks === undefined)) {
    throw new InvalidOptionsError('give exactly one of keys and jwks');
  }
  let keys = new KeySet([]);
  let remote: RemoteJwksOptions | undefined;
  if (options.keys !== undefined) {
    if (!Array.isArray(options.keys) || options.keys.length === 0)
      throw new InvalidOptionsError('keys must be a non-empty array');
    keys = new KeySet(await importStaticKeys(options.keys, algorithms));
  } else if (options.jwks !== undefined && 'url' in options.jwks) {
    remote = options.jwks;
  } else {
    const { records, ignored } = await importJwks(options.jwks as JSONWebKeySet, algorithms, {
      allowSecret: true,
      blocked: new Set(),
    });
    if (records.length === 0) {
      throw new InvalidOptionsError(
        `the JWKS has no key usable with ${algorithms.join(', ')} (${ignored.map((k) => `${k.kid ?? '?'}: ${k.why}`).join('; ')})`,
      );
    }
    if (keyIgnoredChannel.hasSubscribers) for (const k of ignored) keyIgnoredChannel.publish(k);
    keys = new KeySet(records);
  }
  const verifier = new Verifier(options, keys, remote);
  await verifier[SUBSCRIBE](options.revocation);
  return verifier;
}
