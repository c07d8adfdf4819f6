// Every error this package throws, each with a stable `code`. Verification
// refusals share `JwtVerifyError` (so one `instanceof` catches them all) and
// carry a `reason` that is also the key of `stats().rejectedByReason`. Their
// messages have no package prefix: they describe the token, and a server may
// pass them on to its client. The errors a developer meets (an option, a call
// on a closed verifier) say which package speaks.

/** Every `code` a {@link JwtCacheError} can carry; `switch (error.code)` narrows on it. */
export type JwtCacheErrorCode =
  | 'PERF_JWT_CACHE_TOO_LARGE'
  | 'PERF_JWT_CACHE_MALFORMED'
  | 'PERF_JWT_CACHE_ALG_NOT_ALLOWED'
  | 'PERF_JWT_CACHE_UNKNOWN_KID'
  | 'PERF_JWT_CACHE_BAD_SIGNATURE'
  | 'PERF_JWT_CACHE_EXPIRED'
  | 'PERF_JWT_CACHE_NOT_YET_VALID'
  | 'PERF_JWT_CACHE_TOO_OLD'
  | 'PERF_JWT_CACHE_BAD_ISSUER'
  | 'PERF_JWT_CACHE_BAD_AUDIENCE'
  | 'PERF_JWT_CACHE_MISSING_CLAIM'
  | 'PERF_JWT_CACHE_REVOKED'
  | 'PERF_JWT_CACHE_KEY_FETCH'
  | 'PERF_JWT_CACHE_INVALID_OPTION'
  | 'PERF_JWT_CACHE_INVALID_ARGUMENT'
  | 'PERF_JWT_CACHE_SYNC_UNAVAILABLE'
  | 'PERF_JWT_CACHE_CLOSED';

/** The codes of the verification refusals, the subclasses of {@link JwtVerifyError}. */
export type JwtVerifyErrorCode = Exclude<
  JwtCacheErrorCode,
  | 'PERF_JWT_CACHE_INVALID_OPTION'
  | 'PERF_JWT_CACHE_INVALID_ARGUMENT'
  | 'PERF_JWT_CACHE_SYNC_UNAVAILABLE'
  | 'PERF_JWT_CACHE_CLOSED'
>;

/** Why a token was refused; the key of `stats().rejectedByReason`. */
export type RejectReason =
  | 'too_large'
  | 'malformed'
  | 'algorithm'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'too_old'
  | 'bad_issuer'
  | 'bad_audience'
  | 'missing_claim'
  | 'revoked'
  | 'key_fetch';

/** Base class of every error this package throws. */
export abstract class JwtCacheError extends Error {
  /** Stable machine-readable code, `PERF_JWT_CACHE_<REASON>`. */
  abstract readonly code: JwtCacheErrorCode;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Base class of every verification refusal: the token is not accepted, for `reason`. */
export abstract class JwtVerifyError extends JwtCacheError {
  abstract override readonly code: JwtVerifyErrorCode;
  /** Why the token was refused; the key of `stats().rejectedByReason`. */
  abstract readonly reason: RejectReason;
}

/** The token is longer than `maxTokenLength`; refused before any parsing. */
export class TokenTooLargeError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_TOO_LARGE';
  readonly reason = 'too_large';
}

/** Not a compact JWS with base64url segments, a JSON-object header and a JSON-object claims set, or a registered claim of the wrong type. */
export class MalformedTokenError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_MALFORMED';
  readonly reason = 'malformed';
}

/** The header's `alg` is not in `algorithms` (e.g. `none`), or differs from the one its key is pinned to. */
export class AlgorithmNotAllowedError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_ALG_NOT_ALLOWED';
  readonly reason = 'algorithm';
}

/** No key matches the token's `kid` (after a refetch, for a remote JWKS), or it was purged. */
export class UnknownKidError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_UNKNOWN_KID';
  readonly reason = 'unknown_kid';
}

/** The signature does not verify with the selected key. */
export class BadSignatureError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_BAD_SIGNATURE';
  readonly reason = 'bad_signature';
}

/** `exp` is in the past (beyond `clockTolerance`). */
export class TokenExpiredError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_EXPIRED';
  readonly reason = 'expired';
}

/** `nbf` is in the future (beyond `clockTolerance`). */
export class TokenNotYetValidError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_NOT_YET_VALID';
  readonly reason = 'not_yet_valid';
}

/** `iat` is older than `maxTokenAge`, or in the future. */
export class TokenTooOldError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_TOO_OLD';
  readonly reason = 'too_old';
}

/** `iss` is not the configured `issuer`. */
export class BadIssuerError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_BAD_ISSUER';
  readonly reason = 'bad_issuer';
}

/** `aud` names none of the configured audiences. */
export class BadAudienceError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_BAD_AUDIENCE';
  readonly reason = 'bad_audience';
}

/** A claim in `requiredClaims` (or implied by `issuer`/`audience`/`maxTokenAge`) is absent. */
export class MissingClaimError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_MISSING_CLAIM';
  readonly reason = 'missing_claim';
}

/** The token's `jti`, its subject or its key was revoked. */
export class TokenRevokedError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_REVOKED';
  readonly reason = 'revoked';
}

/** The remote JWKS could not be fetched and no keys are in hand, or the keys were withdrawn. Never negative-cached. */
export class KeyFetchError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_KEY_FETCH';
  readonly reason = 'key_fetch';
}

/**
 * Stands in for a secret in an error (a key, a key set, request headers):
 * what kind of value it was, never the secret. Errors end up in logs, and a
 * logger serializes every field of an error, `received` included.
 */
export class Redacted {
  readonly description: string;
  constructor(description: string) {
    this.description = description;
  }
  toJSON(): string {
    return `[redacted: ${this.description}]`;
  }
  toString(): string {
    return this.toJSON();
  }
}

/** A value as a reader wants it in a message: strings quoted, functions named as such, objects briefly (never their content: it may be a key). */
function describeValue(value: unknown): string {
  if (value instanceof Redacted) return value.description;
  if (typeof value === 'string') return JSON.stringify(value.length <= 80 ? value : `${value.slice(0, 77)}...`);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) return 'an object';
  return `a ${(value as object).constructor?.name || 'object'}`;
}

/**
 * An option of `createVerifier`, `createSigner` or a remote JWKS (`jwks.*`) is
 * invalid; `createVerifier`/`createSigner` reject with it, before anything is
 * fetched or signed.
 */
export class InvalidOptionError extends JwtCacheError {
  readonly code = 'PERF_JWT_CACHE_INVALID_OPTION';
  /** The offending option, e.g. `cache.ttlSeconds`, `jwks.url` or `keys[0].key`. */
  readonly option: string;
  /** What the option must be. */
  readonly expected: string;
  /** What was passed; for a key (or another secret), a {@link Redacted} that describes it without its material. */
  readonly received: unknown;

  constructor(option: string, expected: string, received: unknown, options?: ErrorOptions) {
    super(`@perf/jwt-cache: option ${option} must be ${expected}, received ${describeValue(received)}`, options);
    this.option = option;
    this.expected = expected;
    this.received = received;
  }
}

/** A call was given an argument that cannot be used: `signer.sign()` of something that is not a claims set. */
export class InvalidArgumentError extends JwtCacheError {
  readonly code = 'PERF_JWT_CACHE_INVALID_ARGUMENT';
  /** The offending argument, e.g. `claims`. */
  readonly argument: string;
  /** What the argument must be. */
  readonly expected: string;
  /** What was passed. */
  readonly received: unknown;

  constructor(argument: string, expected: string, received: unknown) {
    super(`@perf/jwt-cache: argument ${argument} must be ${expected}, received ${describeValue(received)}`);
    this.argument = argument;
    this.expected = expected;
    this.received = received;
  }
}

/** `verifySync()` was called on a verifier that must fetch keys first (remote JWKS); use `verify()`. */
export class SyncUnavailableError extends JwtCacheError {
  readonly code = 'PERF_JWT_CACHE_SYNC_UNAVAILABLE';
}

/** The verifier was closed with `close()`: it verifies nothing more. */
export class VerifierClosedError extends JwtCacheError {
  readonly code = 'PERF_JWT_CACHE_CLOSED';
  /** The verifier's `name` option. */
  readonly verifier: string;

  constructor(verifier: string, when = 'was closed') {
    super(
      `@perf/jwt-cache: verifier "${verifier}" ${when}; create a new one with createVerifier() instead of using it after close()`,
    );
    this.verifier = verifier;
  }
}

/**
 * A remote JWKS fetch that failed; never leaves the package (the verification
 * fails with KeyFetchError). `withdraws` when the answer is authoritative (the
 * endpoint is up) but vouches for no key.
 * @internal
 */
export class JwksFetchFailure extends Error {
  readonly withdraws: boolean;
  constructor(message: string, withdraws: boolean) {
    super(message);
    this.name = 'JwksFetchFailure';
    this.withdraws = withdraws;
  }
}
