// From a verified access token to who is calling and how far the token lets
// them act. The subject (`sub`; for the auth server's client_credentials
// tokens, the client id) is the user roles are granted to. The token's `scope`
// caps what its roles allow: `git:write` (or `write`) lets every role act in
// full, `git:read` (or `read`) only reads, and a token with neither acts as
// an anonymous caller.
import { type JwtClaims, JwtVerifyError, SyncUnavailableError, UnknownKidError, type Verifier } from '@perf/jwt-cache';
import { ADMIN, type Level, NONE, READ } from './roles.js';

export interface Identity {
  readonly subject: string;
  /** The highest level this token may act at, whatever its subject's roles. */
  readonly ceiling: Level;
  /** A subject of ADMIN_SUBJECTS: admin of every repository. */
  readonly admin: boolean;
}

/** Why a token was refused: a @perf/jwt-cache failure reason, or one of ours. */
export type AuthFailureReason = JwtVerifyError['reason'] | 'credentials' | 'not_access_token' | 'subject';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** 401: the credentials are wrong; 503: they cannot be checked now (the auth server's keys are out of reach). */
  readonly status: 401 | 503;
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, message: string, status: 401 | 503 = 401) {
    super(message);
    this.reason = reason;
    this.status = status;
  }
}

const WRITE_SCOPES = new Set(['git:write', 'write']);
const READ_SCOPES = new Set(['git:read', 'read']);

export function scopeCeiling(scope: unknown): Level {
  if (typeof scope !== 'string') return NONE;
  let ceiling: Level = NONE;
  for (const s of scope.split(' ')) {
    if (WRITE_SCOPES.has(s)) return ADMIN;
    if (READ_SCOPES.has(s)) ceiling = READ;
  }
  return ceiling;
}

/** RFC 9068 §4: an access token's header says `typ: at+jwt`, so an ID token or another JWT of the same key is refused. */
function isAccessToken(token: string): boolean {
  const dot = token.indexOf('.');
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString('utf8')) as { typ?: unknown };
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
    return typ === 'at+jwt' || typ === 'application/at+jwt';
  } catch {
    return false;
  }
}

export class Identities {
  readonly #verifier: Verifier;
  readonly #admins: ReadonlySet<string>;
  // A cached verification returns the very same frozen claims object, so the
  // identity derived from it is found again without parsing anything.
  readonly #known = new WeakMap<JwtClaims, Identity>();

  constructor(verifier: Verifier, adminSubjects: readonly string[]) {
    this.#verifier = verifier;
    this.#admins = new Set(adminSubjects);
  }

  get verifier(): Verifier {
    return this.#verifier;
  }

  /** The caller a token names; synchronous when the token is in the verifier's cache. Throws or rejects with AuthError. */
  identify(token: string): Identity | Promise<Identity> {
    let claims: JwtClaims;
    try {
      claims = this.#verifier.verifySync(token);
    } catch (error) {
      // Keys not fetched yet, or a kid the auth server has just rotated in: wait for the fetch.
      if (error instanceof SyncUnavailableError || error instanceof UnknownKidError) {
        return this.#verifier.verify(token).then(
          (c) => this.#identity(c, token),
          (e: unknown) => {
            throw refusal(e);
          },
        );
      }
      throw refusal(error);
    }
    return this.#identity(claims, token);
  }

  #identity(claims: JwtClaims, token: string): Identity {
    const known = this.#known.get(claims);
    if (known !== undefined) return known;
    if (!isAccessToken(token)) {
      throw new AuthError('not_access_token', 'the token is not an access token (typ must be at+jwt)');
    }
    const subject = claims.sub;
    if (typeof subject !== 'string' || subject === '' || subject.length > 256) {
      throw new AuthError('subject', 'the token has no usable subject (sub)');
    }
    const identity: Identity = { subject, ceiling: scopeCeiling(claims.scope), admin: this.#admins.has(subject) };
    this.#known.set(claims, identity);
    return identity;
  }
}

function refusal(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof JwtVerifyError) {
    if (error.reason === 'key_fetch') {
      return new AuthError('key_fetch', 'the auth server cannot be reached to check the token; retry shortly', 503);
    }
    return new AuthError(error.reason, `the token was refused: ${error.message}`);
  }
  throw error;
}
