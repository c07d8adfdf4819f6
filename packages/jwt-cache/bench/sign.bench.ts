// ES256 signing: @perf/jwt-cache against jose's SignJWT and fast-jwt, on the
// same claims and key, in a process of its own (so the verify suite's garbage
// does not land on these numbers).
import { generateKeyPairSync, sign } from 'node:crypto';
import { compare, runSuite } from '@perf/bench';
import { createSigner as fastSigner } from 'fast-jwt';
import { importPKCS8, jwtVerify, SignJWT } from 'jose';
import { createSigner } from '../src/index.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const now = Math.floor(Date.now() / 1000);
const claims = {
  iss: 'https://auth.example.com',
  sub: 'user-1234567890',
  aud: 'api.example.com',
  scope: 'read:orders write:orders',
  iat: now,
  exp: now + 3600,
  jti: 'b9d1c8f2-6a4e-4f57-9a0c-3c2f1d2e4b5a',
};

// jose gets its own best key form, a CryptoKey imported once.
const joseKey = await importPKCS8(privatePem, 'ES256');
const signer = await createSigner({ key: privateKey, alg: 'ES256', kid: 'k1' });
const signingInput = Buffer.from(signer.sign(claims).split('.').slice(0, 2).join('.'));
const fastSign = fastSigner({ key: privatePem, algorithm: 'ES256', kid: 'k1' });
compare(
  'sign ES256',
  {
    ours: () => signer.sign(claims),
    peers: {
      jose: () => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).sign(joseKey),
      'fast-jwt': () => fastSign(claims),
    },
  },
  {
    goals: [{ peer: 'jose', atMost: 1 / 3 }],
    // The floor: node:crypto signing the same bytes, nothing else.
    references: {
      'node:crypto sign alone': () => sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    },
  },
);

// Every signer's output must verify before anything is timed.
for (const token of [signer.sign(claims), fastSign(claims)]) await jwtVerify(token, publicKey);

await runSuite(import.meta.url);
