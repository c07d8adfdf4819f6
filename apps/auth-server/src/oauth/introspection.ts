// Token introspection (RFC 7662) and revocation (RFC 7009) of the access
// tokens this server issued. Both verify the token with @perf/jwt-cache
// against the server's own published keys, so a revocation is one entry in
// the verifier's revocation list and takes effect at once, cached or not.
import type { JwtClaims } from '@perf/jwt-cache';
import type { Client } from '../clients/client.js';

/** What checks a token: the verifier of this server's own tokens. */
export interface TokenVerifier {
  verify(token: string): Promise<JwtClaims>;
}

/** Where revocations go: this process's verifier, the database, and the other instances. */
export interface Revoker {
  revoke(jti: string, clientId: string, expiresAtMs: number): Promise<void>;
}

export type IntrospectionResponse =
  | { readonly active: false }
  | {
      readonly active: true;
      readonly scope: string;
      readonly client_id: string;
      readonly token_type: 'Bearer';
      readonly exp: number;
      readonly iat: number;
      readonly sub: string;
      readonly aud: string | readonly string[];
      readonly iss: string;
      readonly jti: string;
    };

/**
 * RFC 7662 §2.2: `{ active: true, … }` for a valid token of ours, else
 * `{ active: false }` and nothing more (expired, revoked, forged, not ours).
 */
export async function introspect(verifier: TokenVerifier, token: string | undefined): Promise<IntrospectionResponse> {
  if (token === undefined) return { active: false };
  let c: JwtClaims;
  try {
    c = await verifier.verify(token);
  } catch {
    return { active: false };
  }
  return {
    active: true,
    scope: String(c.scope ?? ''),
    client_id: String(c.client_id),
    token_type: 'Bearer',
    exp: c.exp as number,
    iat: c.iat as number,
    sub: String(c.sub),
    aud: c.aud as string | readonly string[],
    iss: String(c.iss),
    jti: String(c.jti),
  };
}

/**
 * RFC 7009 §2.1–2.2: a client revokes its own tokens. An invalid, expired or
 * unknown token, or another client's, is answered 200 all the same (§2.2: the
 * client could not act on a difference, and an attacker could learn from it).
 */
export async function revoke(verifier: TokenVerifier, revoker: Revoker, client: Client, token: string): Promise<void> {
  let c: JwtClaims;
  try {
    c = await verifier.verify(token);
  } catch {
    return;
  }
  if (c.client_id !== client.clientId || typeof c.jti !== 'string') return;
  await revoker.revoke(c.jti, client.clientId, (c.exp as number) * 1000);
}
