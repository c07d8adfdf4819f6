// What every git request pays before git runs: the Authorization header read,
// the access token verified (a cache hit) and the caller's role on the
// repository looked up (a cache hit), then the decision. Goal (issue 18):
// ≤ 2 µs per request, and role checks in about 100 ns.
//   ours        Gate.check(): @perf/jwt-cache's verifier, the identity kept per verified claims
//               object, the role from @perf/cache
//   peer        the same steps with fast-jwt's cached verifier and lru-cache, the common choice
// Each call gets a header string it has not seen (as every request brings a new
// string), from a ring of 1,024 distinct copies, on both sides.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { compare, runSuite } from '@perf/bench';
import { Cache } from '@perf/cache';
import { createSigner, createVerifier } from '@perf/jwt-cache';
import { RateLimiter, RateLimitHeaders } from '@perf/rate-limit';
import { createVerifier as fastJwtVerifier } from 'fast-jwt';
import { LRUCache } from 'lru-cache';
import { AccessCache } from '../src/auth/access.js';
import { Gate } from '../src/auth/gate.js';
import { Identities, scopeCeiling } from '../src/auth/identity.js';
import { encodeAccess, READ, type RepoAccess, WRITE } from '../src/auth/roles.js';
import { quotaKey } from '../src/userQuota.js';

const ISSUER = 'https://auth.bench';
const AUDIENCE = 'urn:perf:api';
const REPO = 'bench-repo';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = await createSigner({ key: privateKey, alg: 'ES256', kid: 'k1', typ: 'at+jwt' });
const now = Math.floor(Date.now() / 1000);
const token = signer.sign({
  iss: ISSUER,
  sub: 'alice',
  aud: AUDIENCE,
  client_id: 'alice',
  scope: 'git:read git:write',
  jti: randomUUID(),
  iat: now,
  exp: now + 3600,
});
const header = `Basic ${Buffer.from(`x-token:${token}`).toString('base64')}`;
// Distinct strings with the same content, as a server gets them from the socket.
const headers = Array.from({ length: 1024 }, () => Buffer.from(header).toString('latin1'));
let i = 0;
const nextHeader = () => headers[i++ & 1023] as string;

// The per-user rate limit in memory, as userQuota.ts charges it: the caller's key, a decision and its
// RateLimit header value (a quota large enough never to refuse: every call is the common, allowed case).
const quota = new RateLimiter({ name: 'requests', algorithm: 'token-bucket', limit: 1e9, windowMs: 60_000 });
const quotaHeaders = new RateLimitHeaders(quota);

// Ours, as server.ts assembles it (the role loader never runs: every lookup hits).
const verifier = await createVerifier({
  keys: [{ key: publicKey, alg: 'ES256', kid: 'k1' }],
  algorithms: ['ES256'],
  issuer: ISSUER,
  audience: AUDIENCE,
  clockTolerance: 5,
  requiredClaims: ['exp', 'iat', 'sub', 'jti', 'client_id'],
  cache: { ttlSeconds: 300, maxEntries: 50_000 },
});
const roles = new Cache<RepoAccess>({ name: 'roles', max: 100_000, ttl: 60_000 });
const access = new AccessCache(roles, async () => encodeAccess(WRITE, false));
const gate = new Gate(new Identities(verifier, []), access);
await gate.check(header, REPO, READ); // warm: token verified, role loaded

// The peer: fast-jwt's cache and lru-cache, the same decision.
const fastVerify = fastJwtVerifier({
  key: publicKey.export({ format: 'pem', type: 'spki' }) as string,
  algorithms: ['ES256'],
  allowedIss: ISSUER,
  allowedAud: AUDIENCE,
  cache: 50_000,
  clockTolerance: 5000,
});
const peerRoles = new LRUCache<string, RepoAccess>({ max: 100_000, ttl: 60_000 });
peerRoles.set(`${REPO}\u0000alice`, encodeAccess(WRITE, false));
function peerCheck(authorization: string): boolean {
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const claims = fastVerify(decoded.slice(decoded.indexOf(':') + 1)) as { sub: string; scope: string };
  const role = (peerRoles.get(`${REPO}\u0000${claims.sub}`) ?? -1) >> 1;
  return Math.min(role, scopeCeiling(claims.scope)) >= READ;
}
if (!peerCheck(header)) throw new Error('the peer refused the token');

compare(
  'cached auth + role check per request',
  {
    ours: () => gate.check(nextHeader(), REPO, READ),
    peers: { 'fast-jwt cache + lru-cache': () => peerCheck(nextHeader()) },
  },
  {
    goals: [{ peer: 'fast-jwt cache + lru-cache', atMost: 1 }],
    references: {
      // The role lookup alone (the issue's "about 100 ns").
      'role check alone (@perf/cache hit)': () => access.access(REPO, 'alice'),
      // What USER_RATE_LIMIT adds to each request when the limit is kept in memory.
      'rate limit decision + RateLimit header (in memory)': () =>
        quotaHeaders.rateLimit(quota.consume(quotaKey('alice', undefined), 3)),
    },
  },
);
await runSuite(import.meta.url);
await verifier.close();
await roles.close();
