// Validation of the registered claims (RFC 7519 §4.1) against a verifier's
// settings. Times are NumericDates: seconds since the epoch.
import type { JwtClaims } from './compactJws.js';
import {
  BadAudienceError,
  BadIssuerError,
  MalformedTokenError,
  MissingClaimError,
  TokenExpiredError,
  TokenNotYetValidError,
  TokenTooOldError,
} from './errors.js';

/** The claim rules of one verifier, normalised. */
export interface ClaimRules {
  readonly issuers: readonly string[] | undefined;
  readonly audiences: readonly string[] | undefined;
  /** Seconds of clock skew allowed on exp, nbf and iat. */
  readonly clockTolerance: number;
  /** Seconds; when set, `iat` is required and may be at most this old. */
  readonly maxTokenAge: number | undefined;
  readonly requiredClaims: readonly string[];
}

function numericDate(claims: JwtClaims, name: 'exp' | 'nbf' | 'iat'): number | undefined {
  const v = claims[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new MalformedTokenError(`"${name}" must be a NumericDate`);
  return v;
}

function optionalString(claims: JwtClaims, name: 'iss' | 'sub' | 'jti'): void {
  const v = claims[name];
  if (v !== undefined && typeof v !== 'string') throw new MalformedTokenError(`"${name}" must be a string`);
}

/** Throws the typed error for the first rule `claims` break at time `now` (seconds). */
export function checkClaims(claims: JwtClaims, rules: ClaimRules, now: number): void {
  for (const name of rules.requiredClaims) {
    if (claims[name] === undefined) throw new MissingClaimError(`the token has no "${name}" claim, which is required`);
  }
  optionalString(claims, 'iss');
  optionalString(claims, 'sub');
  optionalString(claims, 'jti');
  const tolerance = rules.clockTolerance;
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= now - tolerance) {
    throw new TokenExpiredError(`the token expired at ${exp} (now ${Math.floor(now)}); ask for a new one`);
  }
  const nbf = numericDate(claims, 'nbf');
  if (nbf !== undefined && nbf > now + tolerance) {
    throw new TokenNotYetValidError(`the token is not valid before ${nbf} (now ${Math.floor(now)})`);
  }
  const iat = numericDate(claims, 'iat');
  if (rules.maxTokenAge !== undefined) {
    if (iat === undefined) throw new MissingClaimError('the token has no "iat" claim, which maxTokenAge requires');
    if (iat > now + tolerance) throw new TokenTooOldError(`"iat" ${iat} is in the future (now ${Math.floor(now)})`);
    if (now - iat - tolerance > rules.maxTokenAge) {
      throw new TokenTooOldError(`the token was issued at ${iat}, more than maxTokenAge ${rules.maxTokenAge}s ago`);
    }
  }
  if (rules.issuers !== undefined) {
    const iss = claims.iss;
    if (iss === undefined)
      throw new MissingClaimError('the token has no "iss" claim, which the issuer option requires');
    if (!rules.issuers.includes(iss)) throw new BadIssuerError(`unexpected "iss" ${JSON.stringify(iss)}`);
  }
  const aud = claims.aud;
  if (
    aud !== undefined &&
    typeof aud !== 'string' &&
    !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
  ) {
    throw new MalformedTokenError('"aud" must be a string or an array of strings');
  }
  if (rules.audiences !== undefined) {
    if (aud === undefined)
      throw new MissingClaimError('the token has no "aud" claim, which the audience option requires');
    const audiences = rules.audiences;
    const ok = typeof aud === 'string' ? audiences.includes(aud) : aud.some((a) => audiences.includes(a));
    if (!ok)
      throw new BadAudienceError(`the token is for ${JSON.stringify(aud)}, not for ${JSON.stringify(audiences)}`);
  }
}
