// node-oidc-provider 9 as a client_credentials token server: one client with
// client_secret_basic, JWT access tokens (RFC 9068, ES256) for the demo
// audience through Resource Indicators, its default in-memory adapter, one
// process.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ResourceServer } from 'oidc-provider';
import { announce, listen, peerConfig } from './peer.js';

const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
const resourceServer: ResourceServer = {
  scope: peerConfig.scope,
  audience: peerConfig.audience,
  accessTokenTTL: peerConfig.tokenTtlSeconds,
  accessTokenFormat: 'jwt',
  jwt: { sign: { alg: 'ES256' } },
};

const server = createServer();
const issuer = await listen(server);
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: peerConfig.clientId,
      client_secret: peerConfig.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: peerConfig.scope,
      id_token_signed_response_alg: 'ES256', // its only key is ES256 (RS256 is the default)
    },
  ],
  jwks: { keys: [signingKey] },
  routes: { token: '/oauth/token' }, // the path the bench sends every server
  scopes: peerConfig.scope.split(' '),
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    resourceIndicators: {
      enabled: true,
      // A client that names no resource gets a token for the demo audience, as from ours.
      defaultResource: () => peerConfig.audience,
      getResourceServerInfo: () => resourceServer,
    },
  },
});
server.on('request', provider.callback());
announce(issuer);
