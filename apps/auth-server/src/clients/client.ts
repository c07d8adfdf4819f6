// A registered client and the rules for registering one (seed file, admin
// API and CLI all go through `clientSpec`).
import type { JSONWebKeySet } from 'jose';
import { AUTH_METHODS, type AuthMethod } from '../oauth/clientCredentials.js';

export type GrantType = 'client_credentials';
export const GRANT_TYPES: readonly GrantType[] = ['client_credentials'];

export interface Client {
  readonly clientId: string;
  /** scrypt hash of the secret; undefined for a client that only signs assertions. */
  readonly secretHash: string | undefined;
  readonly authMethods: readonly AuthMethod[];
  /** Grants it may use: `['client_credentials']`, or `[]` for a client that may only introspect and revoke. */
  readonly grantTypes: readonly GrantType[];
  /** Public keys for private_key_jwt. */
  readonly jwks: JSONWebKeySet | undefined;
  /** Scopes it may ask for; asking for none grants all of them. */
  readonly scopes: readonly string[];
  /** Resources (RFC 8707) its tokens may name as audience; asking for none gives all of them. */
  readonly audiences: readonly string[];
  /** Access-token lifetime for this client; undefined uses the server's. */
  readonly tokenTtlSeconds: number | undefined;
  readonly disabled: boolean;
}

/** What registering a client takes: a secret in clear (hashed before it is stored) and/or public keys. */
export interface ClientSpec {
  readonly clientId: string;
  readonly secret?: string;
  readonly authMethods?: readonly AuthMethod[];
  readonly grantTypes?: readonly GrantType[];
  readonly jwks?: JSONWebKeySet;
  readonly scopes: readonly string[];
  readonly audiences: readonly string[];
  readonly tokenTtlSeconds?: number;
  readonly disabled?: boolean;
}

export class InvalidClientSpecError extends Error {
  override readonly name = 'InvalidClientSpecError';
}

const ID = /^[A-Za-z0-9._~-]{1,128}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** Checks a client registration from untrusted input; `where` names it in errors (file, request). */
export function clientSpec(input: unknown, where: string): ClientSpec {
  const fail = (field: string, message: string): never => {
    throw new InvalidClientSpecError(`${where}: ${field} ${message}`);
  };
  if (typeof input !== 'object' || input === null) return fail('client', 'must be an object');
  const o = input as Record<string, unknown>;
  if (typeof o.clientId !== 'string' || !ID.test(o.clientId)) {
    fail('clientId', 'must be 1–128 characters of letters, digits, ".", "_", "~" or "-"');
  }
  const strings = (field: string, test: (s: string) => boolean, what: string): string[] => {
    const v = o[field];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || !test(s)))
      fail(field, `must be an array of ${what}`);
    return v as string[];
  };
  const scopes = strings('scopes', (s) => SCOPE_TOKEN.test(s), 'scope tokens (RFC 6749 §3.3)');
  const audiences = strings('audiences', isResource, 'absolute URIs without a fragment (RFC 8707)');
  if (audiences.length === 0) fail('audiences', 'must name at least one resource');
  const methods = (o.authMethods ??
    (o.jwks ? ['private_key_jwt'] : ['client_secret_basic', 'client_secret_post'])) as unknown;
  if (!Array.isArray(methods) || methods.length === 0 || methods.some((m) => !AUTH_METHODS.includes(m as AuthMethod))) {
    fail('authMethods', `must be a non-empty array of ${AUTH_METHODS.join(', ')}`);
  }
  const authMethods = methods as AuthMethod[];
  const grants = (o.grantTypes ?? GRANT_TYPES) as unknown;
  if (!Array.isArray(grants) || grants.some((g) => !GRANT_TYPES.includes(g as GrantType))) {
    fail('grantTypes', `must be an array of ${GRANT_TYPES.join(', ')} (or empty: introspection and revocation only)`);
  }
  const usesSecret = authMethods.some((m) => m !== 'private_key_jwt');
  if (usesSecret && (typeof o.secret !== 'string' || o.secret.length < 16)) {
    fail('secret', 'must be a string of at least 16 characters for client_secret_basic/post');
  }
  if (authMethods.includes('private_key_jwt')) {
    const jwks = o.jwks as { keys?: unknown } | undefined;
    if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
      fail('jwks', 'must be a JWKS ({ keys: [...] }) of public keys for private_key_jwt');
    }
  }
  const ttl = o.tokenTtlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || (ttl as number) < 60 || (ttl as number) > 86_400)) {
    fail('tokenTtlSeconds', 'must be an integer from 60 to 86400');
  }
  return {
    clientId: o.clientId as string,
    ...(usesSecret ? { secret: o.secret as string } : {}),
    authMethods,
    grantTypes: grants as GrantType[],
    ...(o.jwks ? { jwks: o.jwks as JSONWebKeySet } : {}),
    scopes,
    audiences,
    ...(ttl !== undefined ? { tokenTtlSeconds: ttl as number } : {}),
    disabled: o.disabled === true,
  };
}

/** RFC 8707 §2: an absolute URI without a fragment. */
export function isResource(value: string): boolean {
  try {
    const url = new URL(value);
    return url.hash === '' && !value.includes('#');
  } catch {
    return false;
  }
}
