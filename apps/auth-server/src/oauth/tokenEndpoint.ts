// POST /oauth/token for the client_credentials grant (RFC 6749 §4.4): the
// client authenticates, may narrow its scopes (§3.3) and name the resources
// the token is for (RFC 8707), and gets a JWT access token (RFC 9068).
import { randomUUID } from 'node:crypto';
import type { Client } from '../clients/client.js';
import { isResource } from '../clients/client.js';
import { invalidRequest, OAuthError } from './errors.js';
import type { FormParams } from './form.js';

/** The record of one issued token (kept for audit and introspection). */
export interface IssuedToken {
  readonly jti: string;
  readonly clientId: string;
  readonly scope: string;
  readonly audience: readonly string[];
  readonly issuedAt: number;
  readonly expiresAt: number;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

export interface TokenIssuerOptions {
  readonly issuer: string;
  readonly defaultTtlSeconds: number;
  /** Signs the claims as an `at+jwt`. */
  readonly sign: (claims: Readonly<Record<string, unknown>>) => Promise<string>;
  /** Accepts the record for writing; false when it cannot be accepted now (then no token is issued). */
  readonly record: (token: IssuedToken) => boolean;
  readonly now?: () => number;
}

export class TokenIssuer {
  readonly #o: TokenIssuerOptions;

  constructor(options: TokenIssuerOptions) {
    this.#o = options;
  }

  /** Checks the grant, the scopes and the resources of an authenticated client's request, then issues. */
  async issue(client: Client, params: FormParams): Promise<TokenResponse> {
    const grant = params.get('grant_type');
    if (grant === undefined) throw invalidRequest('grant_type is missing');
    if (grant !== 'client_credentials') {
      throw new OAuthError('unsupported_grant_type', `grant_type ${grant} is not supported; use client_credentials`);
    }
    if (!client.grantTypes.includes('client_credentials')) {
      throw new OAuthError('unauthorized_client', 'this client may introspect and revoke but not request tokens');
    }
    const scope = grantedScope(client, params.get('scope'));
    const audience = grantedAudience(client, params.all('resource'));
    const ttl = client.tokenTtlSeconds ?? this.#o.defaultTtlSeconds;
    const nowMs = (this.#o.now ?? Date.now)();
    const iat = Math.floor(nowMs / 1000);
    // A random UUID: 122 random bits from node:crypto's buffered entropy (randomBytes(16) per token costs 15× more).
    const jti = randomUUID();
    const record: IssuedToken = {
      jti,
      clientId: client.clientId,
      scope,
      audience,
      issuedAt: iat * 1000,
      expiresAt: (iat + ttl) * 1000,
    };
    // The record is accepted before the token exists: a token is never issued whose record could be lost.
    if (!this.#o.record(record)) {
      throw new OAuthError('temporarily_unavailable', 'the server is writing a backlog of tokens; retry shortly', 503, {
        'retry-after': '1',
      });
    }
    const access_token = await this.#o.sign({
      iss: this.#o.issuer,
      sub: client.clientId,
      aud: audience.length === 1 ? audience[0] : audience,
      client_id: client.clientId,
      scope,
      jti,
      iat,
      exp: iat + ttl,
    });
    return { access_token, token_type: 'Bearer', expires_in: ttl, scope };
  }
}

/** §3.3: the requested scopes, each one the client may have; none requested grants all of the client's. */
function grantedScope(client: Client, requested: string | undefined): string {
  if (requested === undefined) return client.scopes.join(' ');
  const scopes = requested.split(' ');
  if (scopes.some((s) => s === '')) throw new OAuthError('invalid_scope', 'scopes are separated by single spaces');
  const unknown = scopes.filter((s) => !client.scopes.includes(s));
  if (unknown.length > 0) {
    throw new OAuthError('invalid_scope', `the client may not ask for: ${unknown.join(' ')}`);
  }
  return [...new Set(scopes)].join(' ');
}

/** RFC 8707 §2: each resource an absolute URI without fragment that the client may address (invalid_target). */
function grantedAudience(client: Client, requested: readonly string[]): readonly string[] {
  if (requested.length === 0) return client.audiences;
  for (const r of requested) {
    if (!isResource(r))
      throw new OAuthError('invalid_target', `resource ${r} is not an absolute URI without a fragment`);
    if (!client.audiences.includes(r)) throw new OAuthError('invalid_target', `the client may not address ${r}`);
  }
  return [...new Set(requested)];
}
