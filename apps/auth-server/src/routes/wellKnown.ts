// Discovery: the server's metadata (RFC 8414) and its public keys (RFC 7517).
import type { FastifyInstance } from 'fastify';
import type { JWK } from 'jose';
import { AUTH_METHODS } from '../oauth/clientCredentials.js';

/** The client-assertion algorithms private_key_jwt accepts. */
export const ASSERTION_ALGS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const;

export function metadata(issuer: string, signingAlg: string): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGS,
    access_token_signing_alg_values_supported: [signingAlg],
  };
}

export function wellKnownRoutes(
  app: FastifyInstance,
  issuer: string,
  signingAlg: string,
  jwks: () => Promise<{ keys: JWK[] }>,
): void {
  const meta = metadata(issuer, signingAlg);
  app.get('/.well-known/oauth-authorization-server', async (_req, reply) =>
    reply.header('cache-control', 'public, max-age=3600').send(meta),
  );
  app.get('/.well-known/jwks.json', async (_req, reply) =>
    reply
      .header('cache-control', 'public, max-age=60')
      .type('application/jwk-set+json')
      .send(await jwks()),
  );
}
