// createVerifier: JWT verification (RFC 7519 §7.2) with a result cache that is
// bound to this verifier, exact on the whole token, and never outlives exp,
// cache.ttlSeconds, maxTokenAge, a revocation or the key that verified it.
import { verifyBytes } from './algorithms.js';
import {
  type KeyRemovalReason,
  keyIgnoredChannel,
  keyRemovedChannel,
  rejectChannel,
  revokeChannel,
} from './channels.js';
import { type ClaimRules, checkClaims } from './claims.js';
import { type CompactJws, decodeSignature, type JwtClaims, parseClaims, parseCompactJws } from './compactJws.js';
import { deepFreeze } from './deepFreeze.js';
import {
  AlgorithmNotAllowedError,
  BadSignatureError,
  InvalidOptionError,
  JwtVerifyError,
  KeyFetchError,
  MalformedTokenError,
  Redacted,
  type RejectReason,
  SyncUnavailableError,
  TokenRevokedError,
  TokenTooLargeError,
  UnknownKidError,
  VerifierClosedError,
} from './errors.js';
import { importJwks, importStaticKeys, type KeyRecord, KeySet } from './keySet.js';
import { type ResolvedVerifierOptions, resolveVerifierOptions, type VerifierOptions } from './options.js';
import { RemoteJwks } from './remoteJwks.js';
import { RevocationList, type RevocationSink } from './revocation.js';
import { TokenMap } from './tokenMap.js';

/** Counters since creation; `stats()` returns a fresh copy. */
export interface VerifierStats {
  /** The verifier's `name` option. */
  name: string;
  /** Verifications answered from the result cache. */
  hits: number;
  /** Full verifications (signature checked). */
  misses: number;
  /** Cache entries found past their lifetime. */
  expired: number;
  /** Tokens refused, for any reason (negative-cache hits included); by reason in `rejectedByReason`. */
  rejected: number;
  /** Tokens refused as revoked (cached or not). */
  revoked: number;
  /** Refusals answered from the negative cache. */
  negativeHits: number;
  /** Remote JWKS fetches started / failed. */
  keyFetches: number;
  keyFetchFailures: number;
  /** Trusted keys that stopped vouching: rotated out of or withdrawn from a remote JWKS, expired past `staleIfErrorSeconds`, or purged. */
  keysRemoved: number;
  /** Entries in the result cache now. */
  size: number;
  /** Entries in the negative cache now. */
  negativeSize: number;
  /** Refused tokens by reason (negative-cache hits included). */
  rejectedByReason: Record<RejectReason, number>;
}

function noRejections(): Record<RejectReason, number> {
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

// A verifier's keys are imported (asynchronously) before it exists, so only
// createVerifier makes one, through this function, which Verifier's static
// block sets; `new Verifier()` anywhere else is refused.
let construct: (options: ResolvedVerifierOptions, keys: KeySet) => Promise<Verifier>;
let constructing = false;

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
const NEGATIVE_CACHEABLE: ReadonlySet<RejectReason> = new Set<RejectReason>([
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
 * Verifies JWTs. Create one with `await createVerifier(options)` (its keys are
 * imported asynchronously first); the class is exported for `instanceof` and
 * for types, and `new Verifier()` throws. `verify` works with every key
 * source; `verifySync` with static keys and local JWKS (and, with a remote
 * JWKS, once keys are in hand).
 */
export class Verifier implements RevocationSink {
  /** The `name` option: in `stats()`, diagnostics messages and errors. */
  readonly name: string;
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
    rejected: 0,
    revoked: 0,
    negativeHits: 0,
    keyFetches: 0,
    keyFetchFailures: 0,
    keysRemoved: 0,
    rejectedByReason: noRejections(),
  };

  static {
    construct = async (options, keys) => {
      constructing = true;
      let verifier: Verifier;
      try {
        verifier = new Verifier(options, keys);
      } finally {
        constructing = false;
      }
      if (options.revocation !== undefined) verifier.#unsubscribe = await options.revocation.subscribe(verifier);
      return verifier;
    };
  }

  /** Not for use: `await createVerifier(options)` makes a verifier. */
  private constructor(options: ResolvedVerifierOptions, keys: KeySet) {
    if (!constructing) {
      throw new TypeError(
        '@perf/jwt-cache: a Verifier is made with `await createVerifier(options)`, which imports its keys first, not with `new Verifier()`',
      );
    }
    this.name = options.name;
    this.#algorithms = new Set(options.algorithms);
    this.#now = options.now;
    this.#maxLength = options.maxTokenLength;
    this.#rules = options.rules;
    this.#revocations = new RevocationList(this.#rules.clockTolerance * 1000);
    if (options.cache !== undefined) {
      this.#cache = new TokenMap(options.cache.maxEntries);
      this.#cacheTtlMs = options.cache.ttlMs;
    } else {
      this.#cacheTtlMs = 0;
    }
    if (options.negativeCache !== undefined) {
      this.#negative = new TokenMap(options.negativeCache.maxEntries);
      this.#negativeTtlMs = options.negativeCache.ttlMs;
    } else {
      this.#negativeTtlMs = 0;
    }
    this.#keys = keys;
    const source = options.source;
    this.#remote =
      source.kind !== 'remote'
        ? undefined
        : new RemoteJwks(source.remote, {
            name: this.name,
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
      if (this.#closed) throw new VerifierClosedError(this.name, 'was closed while it fetched keys');
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
    if (this.#closed) throw new VerifierClosedError(this.name);
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
      throw new SyncUnavailableError(
        `@perf/jwt-cache: verifier "${this.name}" has fetched no JWKS keys yet: use verify() (async) at least once`,
      );
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
    this.#stats.rejected++;
    this.#stats.rejectedByReason[reason]++;
    if (reason === 'revoked') this.#stats.revoked++;
    if (rejectChannel.hasSubscribers) {
      rejectChannel.publish({ name: this.name, reason, code: error.code, kid: jws?.header.kid });
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
    if (keyRemovedChannel.hasSubscribers) keyRemovedChannel.publish({ name: this.name, kid: r.kid, alg: r.alg, why });
  }

  /** Refuses the token with this `jti` from now on, cached or not. `untilMs` (ms since the epoch, e.g. the token's `exp` × 1000) lets the entry be forgotten after the token's expiry. */
  revoke(jti: string, untilMs = Number.POSITIVE_INFINITY): void {
    this.#revocations.revoke(jti, untilMs, this.#now());
    if (revokeChannel.hasSubscribers) revokeChannel.publish({ name: this.name, kind: 'jti', value: jti });
  }

  /** Refuses every token of `sub` issued before `issuedBefore` (NumericDate, seconds) and those without `iat`. */
  revokeSubject(sub: string, issuedBefore: number): void {
    this.#revocations.revokeSubject(sub, issuedBefore);
    if (revokeChannel.hasSubscribers) revokeChannel.publish({ name: this.name, kind: 'subject', value: sub });
  }

  /** Distrusts the key with this `kid` for good (also when a remote JWKS still lists it); results it verified are dropped at once. */
  purgeKid(kid: string): void {
    this.#blocked.add(kid);
    const records = this.#keys.records;
    if (records.some((r) => r.kid === kid)) this.#install(records, 'purged'); // the kid is blocked now: left out
    if (revokeChannel.hasSubscribers) revokeChannel.publish({ name: this.name, kind: 'kid', value: kid });
  }

  /** A snapshot of the counters. */
  stats(): VerifierStats {
    const s = this.#stats;
    return {
      name: this.name,
      hits: s.hits,
      misses: s.misses,
      expired: s.expired,
      rejected: s.rejected,
      revoked: s.revoked,
      negativeHits: s.negativeHits,
      keyFetches: s.keyFetches,
      keyFetchFailures: s.keyFetchFailures,
      keysRemoved: s.keysRemoved,
      size: this.#cache?.size ?? 0,
      negativeSize: this.#negative?.size ?? 0,
      rejectedByReason: { ...s.rejectedByReason },
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
 * Creates a verifier: checks every option, then imports the keys (through
 * jose) and subscribes to the revocation source. An invalid option or key
 * rejects with `InvalidOptionError`.
 */
export async function createVerifier(options: VerifierOptions): Promise<Verifier> {
  const resolved = resolveVerifierOptions(options);
  const { source, algorithms, name } = resolved;
  let keys = new KeySet([]);
  if (source.kind === 'static') {
    keys = new KeySet(await importStaticKeys(source.keys));
  } else if (source.kind === 'jwks') {
    const { records, ignored } = await importJwks(source.jwks, algorithms, { allowSecret: true, blocked: new Set() });
    if (records.length === 0) {
      throw new InvalidOptionError(
        'jwks',
        `a JWKS with a key usable with ${algorithms.join(', ')} (${ignored.map((k) => `${k.kid ?? '?'}: ${k.why}`).join('; ')})`,
        new Redacted(`a JWKS of ${source.jwks.keys.length} keys, none usable`),
      );
    }
    if (keyIgnoredChannel.hasSubscribers) {
      for (const k of ignored) keyIgnoredChannel.publish({ name, kid: k.kid, why: k.why });
    }
    keys = new KeySet(records);
  }
  return construct(resolved, keys);
}
