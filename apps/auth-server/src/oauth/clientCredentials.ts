// Which client is calling and how it says so (RFC 6749 §2.3): HTTP Basic
// (§2.3.1, the id and secret form-urlencoded inside), the same two in the body
// (client_secret_post), or a signed assertion (private_key_jwt, RFC 7523 §2.2).
// This file only reads the request; ClientAuthenticator checks what it says.
import { invalidClient, invalidRequest } from './errors.js';
import type { FormParams } from './form.js';

export type AuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export const AUTH_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export type PresentedCredentials =
  | {
      readonly method: 'client_secret_basic' | 'client_secret_post';
      readonly clientId: string;
      readonly secret: string;
    }
  | { readonly method: 'private_key_jwt'; readonly clientId: string | undefined; readonly assertion: string };

/**
 * The credentials of a request. More than one method at once is
 * invalid_request (§2.3: "MUST NOT use more than one"); none is invalid_client.
 */
export function presentedCredentials(authorization: string | undefined, params: FormParams): PresentedCredentials {
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  const post = params.has('client_secret');
  const assertion = params.has('client_assertion') || params.has('client_assertion_type');
  if (Number(basic) + Number(post) + Number(assertion) > 1) {
    throw invalidRequest('use exactly one client authentication method per request');
  }
  if (basic) return fromBasic(authorization.slice(6).trim(), params);
  if (post) {
    const clientId = params.get('client_id');
    if (clientId === undefined) throw invalidRequest('client_secret_post needs client_id in the body');
    return { method: 'client_secret_post', clientId, secret: params.get('client_secret') as string };
  }
  if (assertion) {
    if (params.get('client_assertion_type') !== JWT_BEARER_ASSERTION) {
      throw invalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    }
    const jwt = params.get('client_assertion');
    if (jwt === undefined) throw invalidRequest('client_assertion is missing');
    return { method: 'private_key_jwt', clientId: params.get('client_id'), assertion: jwt };
  }
  if (authorization !== undefined) throw invalidClient('only the Basic authorization scheme is accepted here');
  throw invalidClient('client authentication is required (HTTP Basic, client_secret_post or private_key_jwt)');
}

function fromBasic(encoded: string, params: FormParams): PresentedCredentials {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw invalidClient('the Basic credentials are not base64 of "client_id:client_secret"');
  let clientId: string;
  let secret: string;
  try {
    clientId = formDecode(decoded.slice(0, colon));
    secret = formDecode(decoded.slice(colon + 1));
  } catch {
    throw invalidClient('the Basic credentials are not form-urlencoded (RFC 6749 §2.3.1)');
  }
  const bodyId = params.get('client_id');
  if (bodyId !== undefined && bodyId !== clientId) {
    throw invalidRequest('client_id in the body differs from the one in the Authorization header');
  }
  return { method: 'client_secret_basic', clientId, secret };
}

const formDecode = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));
