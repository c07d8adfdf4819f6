// ES256 signing: @perf/jwt-cache against jose's SignJWT and fast-jwt, on the
// same claims and key, in a process of its own (so the verify suite's garbage
// does not land on these numbers).
import { sign } from 'node:crypto';
import { compare, runSuite } from '@perf/bench';
import { createSigner as fastSigner } from 'fast-jwt';
import { importPKCS8, jwtVerify, SignJWT } from 'jose';
import { createSigner } from '../src/index.js';
import { claims, privateKey, publicKey } from './fixture.js';

const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

// jose gets its own best key form, a CryptoKey imported once.
const joseKey = await importPKCS8(privatePem, 'ES256');
const signer = await createSigner({ key: privateKey, alg: 'ES256', kid: 'k1' });
const fastSign = fastSigner({ key: privatePem, algorithm: 'ES256', kid: 'k1' });
const joseSign = () => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).sign(joseKey);

// Same work on every side: ours and jose sign the very same bytes (header and
// claims set), fast-jwt the same claims set under its own header order. Every
// signer's output must verify before anything is timed.
const signingInputOf = (token: string) => token.slice(0, token.lastIndexOf('.'));
const signingInput = Buffer.from(signingInputOf(signer.sign(claims)));
const joseToken = await joseSign();
const fastToken = fastSign(claims);
if (signingInputOf(joseToken) !== signingInput.toString()) throw new Error('setup: jose signs other bytes');
if (fastToken.split('.')[1] !== signingInput.toString().split('.')[1])
  throw new Error('setup: fast-jwt signs another payload');
for (const token of [signer.sign(claims), await signer.signAsync(claims), joseToken, fastToken]) {
  await jwtVerify(token, publicKey);
}

compare(
  'sign ES256',
  {
    ours: () => signer.sign(claims),
    peers: { jose: joseSign, 'fast-jwt': () => fastSign(claims) },
  },
  {
    goals: [{ peer: 'jose', atMost: 1 / 3 }],
    // The floor: node:crypto signing the same bytes and nothing else, in the
    // DER form with a bare KeyObject (what ours calls; r||s is then converted
    // in JS), and with node:crypto's own r||s conversion.
    references: {
      'node:crypto sign alone': () => sign('sha256', signingInput, privateKey),
      'node:crypto sign alone, ieee-p1363': () =>
        sign('sha256', signingInput, { key: privateKey, dsaEncoding: 'ieee-p1363' }),
    },
  },
);

// The thread-pool form against jose's, which is asynchronous too (WebCrypto): one awaited call at a
// time, so what is timed is the latency of one signature, round trip to the pool included.
compare('signAsync ES256, awaited', {
  ours: () => signer.signAsync(claims),
  peers: { jose: joseSign },
});

await runSuite(import.meta.url);
