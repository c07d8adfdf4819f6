// The bare jose server: what a token endpoint costs when written by hand on
// node:http — the Basic credentials checked against a constant, the form's
// grant_type checked, and the same RFC 9068 claims as ours signed with jose's
// SignJWT (ES256, a CryptoKey generated once). No database, no cache, no record.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { announce, expectedBasic, listen, peerConfig, readBody } from './peer.js';

const { privateKey, publicKey } = await generateKeyPair('ES256');
const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
const basic = Buffer.from(expectedBasic);

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(body);
}

const server = createServer(async (req, res) => {
  if (req.method === 'GET' && req.url === '/jwks.json') return send(res, 200, jwks);
  if (req.method !== 'POST' || req.url !== '/oauth/token') return send(res, 404, '{"error":"not_found"}');
  const form = new URLSearchParams(await readBody(req));
  const auth = Buffer.from(req.headers.authorization ?? '');
  if (auth.length !== basic.length || !timingSafeEqual(auth, basic))
    return send(res, 401, '{"error":"invalid_client"}');
  if (form.get('grant_type') !== 'client_credentials') return send(res, 400, '{"error":"unsupported_grant_type"}');
  const accessToken = await new SignJWT({ client_id: peerConfig.clientId, scope: peerConfig.scope, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })
    .setIssuer(issuer)
    .setSubject(peerConfig.clientId)
    .setAudience(peerConfig.audience)
    .setIssuedAt()
    .setExpirationTime(`${peerConfig.tokenTtlSeconds}s`)
    .sign(privateKey);
  send(
    res,
    200,
    JSON.stringify({
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: peerConfig.tokenTtlSeconds,
      scope: peerConfig.scope,
    }),
  );
});
const issuer = await listen(server);
announce(issuer);
