// The ceiling: node:http answering every request with a constant token body
// and one raw node:crypto ES256 signature — no JWT library, no authentication,
// no parsing. No token server on this machine can issue more tokens per second
// than this does.
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { announce, listen, peerConfig } from './peer.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwks = JSON.stringify({
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }],
});
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const server = createServer((req, res) => {
  if (req.url === '/jwks.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jwks);
    return;
  }
  req.resume();
  req.on('end', () => {
    const signature = sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(`${bodyStart}${signature.toString('base64url')}${bodyEnd}`);
  });
});
const issuer = await listen(server);

// The same claims as the other servers' tokens, fixed once (one jti for all).
const now = Math.floor(Date.now() / 1000);
const signingInput = Buffer.from(
  `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${b64({
    iss: issuer,
    sub: peerConfig.clientId,
    aud: peerConfig.audience,
    client_id: peerConfig.clientId,
    scope: peerConfig.scope,
    jti: '5b1f6b0e-4a53-4d8e-9a43-2f3c7f0d9c11',
    iat: now,
    exp: now + peerConfig.tokenTtlSeconds,
  })}`,
);
const bodyStart = `{"access_token":"${signingInput}.`;
const bodyEnd = `","token_type":"Bearer","expires_in":${peerConfig.tokenTtlSeconds},"scope":"${peerConfig.scope}"}`;
announce(issuer);
