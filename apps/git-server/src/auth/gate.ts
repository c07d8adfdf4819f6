// The one decision every request goes through: who is calling (the token) and
// what they may do with this repository (their role, the token's scope, the
// repository's visibility). Answers are chosen so that existence never leaks:
// an anonymous caller who may not read is asked to authenticate (401) whether
// or not the repository exists, an authenticated one gets 404, and a reader
// who may not write gets 403.

import type { AccessCache } from './access.js';
import { presentedToken } from './credentials.js';
import { AuthError, type AuthFailureReason, type Identities, type Identity } from './identity.js';
import { ADMIN, type Level, MISSING, NONE, publicIn, READ, type RepoAccess, roleIn } from './roles.js';

export interface Allowed {
  readonly allowed: true;
  readonly identity: Identity | undefined;
}

export interface Denied {
  readonly allowed: false;
  readonly status: 401 | 403 | 404 | 503;
  /** A metrics label: an auth failure reason, or `forbidden` / `not_found` / `unavailable`. */
  readonly reason: AuthFailureReason | 'forbidden' | 'not_found' | 'unavailable' | 'anonymous';
  readonly message: string;
}

export type Outcome = Allowed | Denied;

const ANONYMOUS: Allowed = { allowed: true, identity: undefined };
const deny = (status: Denied['status'], reason: Denied['reason'], message: string): Denied => ({
  allowed: false,
  status,
  reason,
  message,
});

export const authFailure = (error: unknown): Denied => {
  if (error instanceof AuthError) return deny(error.status, error.reason, error.message);
  throw error;
};

/** The level `identity` reaches on a repository whose cached access is `access`. */
export function levelFor(identity: Identity | undefined, access: RepoAccess): Level {
  if (access === MISSING) return NONE;
  const role = identity === undefined ? NONE : Math.min(identity.admin ? ADMIN : roleIn(access), identity.ceiling);
  return (publicIn(access) && role < READ ? READ : role) as Level;
}

export function decide(identity: Identity | undefined, access: RepoAccess, need: Level, allowed: Allowed): Outcome {
  const level = levelFor(identity, access);
  if (level >= need) return allowed;
  if (identity === undefined) return deny(401, 'anonymous', 'authentication required: give an access token');
  if (level < READ) return deny(404, 'not_found', 'repository not found');
  return deny(403, 'forbidden', need === ADMIN ? 'this needs the admin role' : 'you may read but not write here');
}

export class Gate {
  readonly #identities: Identities;
  readonly #access: AccessCache;

  constructor(identities: Identities, access: AccessCache) {
    this.#identities = identities;
    this.#access = access;
  }

  /** The caller an Authorization header names (undefined: anonymous); throws or rejects with AuthError. */
  caller(authorization: string | undefined): Identity | undefined | Promise<Identity> {
    const presented = presentedToken(authorization);
    if (presented.kind === 'anonymous') return undefined;
    if (presented.kind === 'malformed') throw new AuthError('credentials', presented.why);
    return this.#identities.identify(presented.token);
  }

  /** May this request do what needs `need` on `repo`? Synchronous when the token and the role are cached. */
  check(authorization: string | undefined, repo: string, need: Level): Outcome | Promise<Outcome> {
    let caller: Identity | undefined | Promise<Identity>;
    try {
      caller = this.caller(authorization);
    } catch (error) {
      return authFailure(error);
    }
    if (caller instanceof Promise) return caller.then((id) => this.#check(id, repo, need), authFailure);
    return this.#check(caller, repo, need);
  }

  #check(identity: Identity | undefined, repo: string, need: Level): Outcome | Promise<Outcome> {
    const allowed = identity === undefined ? ANONYMOUS : { allowed: true as const, identity };
    const access = this.#access.access(repo, identity?.subject ?? '');
    if (typeof access === 'number') return decide(identity, access, need, allowed);
    return access.then(
      (a) => decide(identity, a, need, allowed),
      () => deny(503, 'unavailable', 'roles cannot be read now (the database is unavailable); retry shortly'),
    );
  }
}
