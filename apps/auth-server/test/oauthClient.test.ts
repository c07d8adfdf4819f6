// The server driven by an OAuth client library this project did not write
// (oauth4webapi): discovery, a token with each client authentication method,
// RFC 9068 validation of the token, introspection and revocation.
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, startAuthServer } from './helpers.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const; // loopback http in tests
const RESOURCE = 'https://api.example/orders';

let running: Running;
let as: oauth.AuthorizationServer;
const secret = 'a-client-secret-of-32-characters!';
const { privateKey: assertionKey, publicKey: assertionPublic } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

beforeAll(async () => {
  running = await startAuthServer();
  await running.putClient('orders-app', { secret, scopes: ['orders:read', 'orders:write'], audiences: [RESOURCE] });
  await running.putClient('signer', {
    scopes: ['orders:read'],
    audiences: [RESOURCE],
    authMethods: ['private_key_jwt'],
    jwks: { keys: [{ ...assertionPublic.export({ format: 'jwk' }), kid: 'a1', alg: 'ES256', use: 'sig' }] },
  });
  const issuer = new URL(running.base);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
});
afterAll(() => running?.stop());

async function token(clientId: string, auth: oauth.ClientAuth, params: Record<string, string> = {}) {
  const client = { client_id: clientId };
  const response = await oauth.clientCredentialsGrantRequest(as, client, auth, params, insecure);
  return oauth.processClientCredentialsResponse(as, client, response);
}

describe('discovery (RFC 8414)', () => {
  it('names the endpoints, the grant and the client authentication methods', () => {
    expect(as).toMatchObject({
      issuer: running.base,
      token_endpoint: `${running.base}/oauth/token`,
      jwks_uri: `${running.base}/.well-known/jwks.json`,
      introspection_endpoint: `${running.base}/oauth/introspect`,
      revocation_endpoint: `${running.base}/oauth/revoke`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    });
  });
});

describe('the client_credentials grant', () => {
  it.each([
    ['client_secret_basic', () => oauth.ClientSecretBasic(secret)],
    ['client_secret_post', () => oauth.ClientSecretPost(secret)],
  ])('%s: a Bearer JWT access token that RFC 9068 validation accepts', async (_method, auth) => {
    const result = await token('orders-app', auth(), { scope: 'orders:read', resource: RESOURCE });
    expect(result).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'orders:read' });
    const request = new Request(`${RESOURCE}/1`, { headers: { authorization: `Bearer ${result.access_token}` } });
    const claims = await oauth.validateJwtAccessToken(as, request, RESOURCE, insecure);
    expect(claims).toMatchObject({ iss: running.base, sub: 'orders-app', client_id: 'orders-app', aud: RESOURCE });
    expect(claims.scope).toBe('orders:read');
  });

  it('private_key_jwt (RFC 7523): a signed assertion authenticates, and the same assertion twice is refused', async () => {
    const key = await webcrypto.subtle.importKey(
      'jwk',
      assertionKey.export({ format: 'jwk' }) as webcrypto.JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['sign'],
    );
    const result = await token('signer', oauth.PrivateKeyJwt({ key, kid: 'a1' }));
    expect(result.scope).toBe('orders:read');

    const sameJti = oauth.PrivateKeyJwt(
      { key, kid: 'a1' },
      {
        [oauth.modifyAssertion]: (_header, payload) => {
          payload.jti = 'used-once';
        },
      },
    );
    await token('signer', sameJti);
    await expect(token('signer', sameJti)).rejects.toMatchObject({ error: 'invalid_client' });
  });
});

describe('introspection (RFC 7662) and revocation (RFC 7009)', () => {
  it('an issued token is active until its client revokes it, then inactive', async () => {
    const auth = oauth.ClientSecretBasic(secret);
    const client = { client_id: 'orders-app' };
    const { access_token } = await token('orders-app', auth);
    const active = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, access_token, insecure),
    );
    expect(active).toMatchObject({ active: true, client_id: 'orders-app', token_type: 'Bearer', sub: 'orders-app' });

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, access_token, insecure));
    const revoked = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, access_token, insecure),
    );
    expect(revoked).toEqual({ active: false });
  });
});
