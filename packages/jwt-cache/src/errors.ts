// Every way a token or an option can be refused, each with a stable `code`.
// Verification failures share `JwtVerifyError` (so one `instanceof` catches
// them all) and carry a `reason` that is also the key of `stats().failures`.

/** Why a token was refused; the key of `stats().failures`. */
export type FailureReason =
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

/** Base class of every verification failure. */
export abstract class JwtVerifyError extends Error {
  abstract readonly code: string;
  abstract readonly reason: FailureReason;
}

/** The token is longer than `maxTokenLength`; refused before any parsing. */
export class TokenTooLargeError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_TOO_LARGE';
  readonly reason = 'too_large';
  override readonly name = 'TokenTooLargeError';
}

/** Not a compact JWS with base64url segments, a JSON-object header and a JSON-object claims set, or a registered claim of the wrong type. */
export class MalformedTokenError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_MALFORMED';
  readonly reason = 'malformed';
  override readonly name = 'MalformedTokenError';
}

/** The header's `alg` is not in `algorithms` (e.g. `none`), or differs from the one its key is pinned to. */
export class AlgorithmNotAllowedError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_ALG_NOT_ALLOWED';
  readonly reason = 'algorithm';
  override readonly name = 'AlgorithmNotAllowedError';
}

/** No key matches the token's `kid` (after a refetch, for a remote JWKS), or it was purged. */
export class UnknownKidError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_UNKNOWN_KID';
  readonly reason = 'unknown_kid';
  override readonly name = 'UnknownKidError';
}

/** The signature does not verify with the selected key. */
export class BadSignatureError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_BAD_SIGNATURE';
  readonly reason = 'bad_signature';
  override readonly name = 'BadSignatureError';
}

/** `exp` is in the past (beyond `clockTolerance`). */
export class TokenExpiredError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_EXPIRED';
  readonly reason = 'expired';
  override readonly name = 'TokenExpiredError';
}

/** `nbf` is in the future (beyond `clockTolerance`). */
export class TokenNotYetValidError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_NOT_YET_VALID';
  readonly reason = 'not_yet_valid';
  override readonly name = 'TokenNotYetValidError';
}

/** `iat` is older than `maxTokenAge`, or in the future. */
export class TokenTooOldError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_TOO_OLD';
  readonly reason = 'too_old';
  override readonly name = 'TokenTooOldError';
}

/** `iss` is not the configured `issuer`. */
export class BadIssuerError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_BAD_ISSUER';
  readonly reason = 'bad_issuer';
  override readonly name = 'BadIssuerError';
}

/** `aud` names none of the configured audiences. */
export class BadAudienceError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_BAD_AUDIENCE';
  readonly reason = 'bad_audience';
  override readonly name = 'BadAudienceError';
}

/** A claim in `requiredClaims` (or implied by `issuer`/`audience`/`maxTokenAge`) is absent. */
export class MissingClaimError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_MISSING_CLAIM';
  readonly reason = 'missing_claim';
  override readonly name = 'MissingClaimError';
}

/** The token's `jti`, its subject or its key was revoked. */
export class TokenRevokedError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_REVOKED';
  readonly reason = 'revoked';
  override readonly name = 'TokenRevokedError';
}

/** The remote JWKS could not be fetched and no keys are in hand. Never negative-cached. */
export class KeyFetchError extends JwtVerifyError {
  readonly code = 'PERF_JWT_CACHE_KEY_FETCH';
  readonly reason = 'key_fetch';
  override readonly name = 'KeyFetchError';
}

/** An option (or a key) given to `createVerifier`/`createSigner` is invalid. */
export class InvalidOptionsError extends Error {
  readonly code = 'PERF_JWT_CACHE_INVALID_OPTIONS';
  override readonly name = 'InvalidOptionsError';
}

/** `verifySync()` was called on a verifier that must fetch keys first (remote JWKS); use `verify()`. */
export class SyncUnavailableError extends Error {
  readonly code = 'PERF_JWT_CACHE_SYNC_UNAVAILABLE';
  override readonly name = 'SyncUnavailableError';
}

/** The verifier was closed. */
export class VerifierClosedError extends Error {
  readonly code = 'PERF_JWT_CACHE_CLOSED';
  override readonly name = 'VerifierClosedError';
}
