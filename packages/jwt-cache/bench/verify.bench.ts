// @perf/jwt-cache against fast-jwt and jose on the same ES256 tokens, in one process.
import { sign, verify } from 'node:crypto';
import { compare, runSuite } from '@perf/bench';
import { createVerifier as fastVerifier } from 'fast-jwt';
import { importSPKI, jwtVerify, SignJWT } from 'jose';
import { createVerifier } from '../src/index.js';
import { claims, privateKey, publicKey } from './fixture.js';

const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
// One token, signed by jose, verified by everyone.
const token = await new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'JWT' }).sign(privateKey);
const tokenBytes = Buffer.from(token);
const wholeTokenMap = new Map([[token, claims]]);
const naive = { hits: 0 };
if (wholeTokenMap.get(tokenBytes.toString('latin1')) !== claims) throw new Error('setup');

// jose gets its own best key form, a CryptoKey imported once.
const joseKey = await importSPKI(publicPem, 'ES256');
const rules = { algorithms: ['ES256' as const], issuer: claims.iss, audience: claims.aud };
const ours = await createVerifier({ keys: [{ key: publicKey, alg: 'ES256', kid: 'k1' }], ...rules });
const oursUncached = await createVerifier({
  keys: [{ key: publicKey, alg: 'ES256', kid: 'k1' }],
  ...rules,
  cache: false,
});
const fastRules = { algorithms: ['ES256' as const], allowedIss: claims.iss, allowedAud: claims.aud };
const fastCached = fastVerifier({ key: publicPem, ...fastRules, cache: true });
const fastUncached = fastVerifier({ key: publicPem, ...fastRules });

// Both sides must accept the token before anything is timed.
if (ours.verifySync(token).sub !== claims.sub || fastCached(token).sub !== claims.sub) throw new Error('setup');
if (oursUncached.verifySync(token).sub !== claims.sub || fastUncached(token).sub !== claims.sub)
  throw new Error('setup');

compare(
  'verify ES256, cached, same string',
  { ours: () => ours.verifySync(token), peers: { 'fast-jwt': () => fastCached(token) } },
  { goals: [{ peer: 'fast-jwt', atMost: 1 / 8 }] },
);

// What a server sees: the token arrives as a new string in every request.
// Both sides pay the same copy, measured on its own as a reference, next to
// the cost of looking the whole fresh string up in a Map.
compare(
  'verify ES256, cached, fresh string per call',
  {
    ours: () => ours.verifySync(tokenBytes.toString('latin1')),
    peers: { 'fast-jwt': () => fastCached(tokenBytes.toString('latin1')) },
  },
  {
    goals: [{ peer: 'fast-jwt', atMost: 1 / 8 }],
    references: {
      'string copy alone': () => tokenBytes.toString('latin1'),
      // The design avoided: a Map keyed by the whole token hashes every fresh string.
      'copy + Map.get by whole token': () => {
        // Stored to a module variable so the JIT cannot drop the lookup.
        naive.hits += wholeTokenMap.get(tokenBytes.toString('latin1')) === claims ? 1 : 0;
      },
    },
  },
);

// The floor of an uncached verification: node:crypto checking an ES256
// signature over the same bytes, nothing else: in DER with a bare KeyObject
// (what ours calls after converting r||s in JS), and the token's own r||s
// through node:crypto's conversion.
const dot2 = token.lastIndexOf('.');
const signedBytes = Buffer.from(token.slice(0, dot2));
const rawSignature = Buffer.from(token.slice(dot2 + 1), 'base64url');
const derSignature = sign('sha256', signedBytes, privateKey);
if (!verify('sha256', signedBytes, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rawSignature)) {
  throw new Error('setup');
}

compare(
  'verify ES256, uncached',
  {
    ours: () => oursUncached.verifySync(token),
    peers: {
      'fast-jwt': () => fastUncached(token),
      jose: () => jwtVerify(token, joseKey, { algorithms: ['ES256'], issuer: claims.iss, audience: claims.aud }),
    },
  },
  {
    goals: [{ peer: 'fast-jwt', atMost: 1.1 }],
    references: {
      'node:crypto verify alone': () => verify('sha256', signedBytes, publicKey, derSignature),
      'node:crypto verify alone, ieee-p1363': () =>
        verify('sha256', signedBytes, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rawSignature),
    },
  },
);

await runSuite(import.meta.url);
