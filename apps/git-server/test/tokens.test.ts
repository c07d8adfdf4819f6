// Access tokens as the auth server issues them, verified against its JWKS
// fetched over HTTP (a loopback endpoint standing in for it): what happens
// while the keys are out of reach, every kind of bad token, a key rotated in,
// and revocations published on Redis refused at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSigner, encodeRevocation } from '@perf/jwt-cache';
import { manualClock, redis } from '@perf/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, GitCli, jwksEndpoint, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

const rd = await redis();
const clock = manualClock(Date.now());
const unique = `git-tokens-${process.pid}-${Date.now().toString(36)}`;
let tmp: string;
let issuer: TestIssuer;
let jwks: Awaited<ReturnType<typeof jwksEndpoint>>;
let server: Running;
let git: GitCli;

const refs = (authorization?: string, name = 'tokens') =>
  fetch(`${server.base}/${name}.git/info/refs?service=git-upload-pack`, {
    headers: authorization === undefined ? {} : { authorization },
  });
const failures = (reason: string) => server.server.metrics.authFailures.get({ reason });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-tokens-'));
  issuer = await testIssuer(tmp, 'https://auth.test', clock.now);
  jwks = await jwksEndpoint(undefined); // the auth server is down when the git server starts
  server = await startGitServer(issuer, {
    env: {
      AUTH_JWKS_URL: jwks.url,
      ...(rd.skip ? {} : { REDIS_URL: rd.url, REDIS_PREFIX: unique, REVOCATION_CHANNEL: unique }),
    },
    now: clock.now,
  });
  git = new GitCli(join(tmp, 'home'));
});
afterAll(async () => {
  await server?.stop();
  await jwks?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the JWKS endpoint', () => {
  it('while the keys are out of reach, answers 503 with Retry-After: the credentials are not wrong, git keeps them', async () => {
    const res = await refs(basic(issuer.token('alice')));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('www-authenticate')).toBeNull();
    const api = await server.api('POST', '/api/repos', issuer.token('alice'), { name: 'tokens' });
    expect(api.status).toBe(503);
    const clone = await git.run(['clone', `${server.base}/tokens.git`, join(tmp, 'down')], {
      token: issuer.token('alice'),
    });
    expect(clone.stderr).toMatch(/503/);
    expect(failures('key_fetch')).toBeGreaterThan(0);
  });

  it('verifies tokens once the keys are published again (retried after its 10 s cooldown)', async () => {
    jwks.set(issuer.jwks);
    clock.advance(11_000);
    expect((await server.api('POST', '/api/repos', issuer.token('alice'), { name: 'tokens' })).status).toBe(201);
    const seed = await git.workTree('seed', [{ 'a.txt': 'a' }]);
    await git.ok(['push', `${server.base}/tokens.git`, 'main'], { cwd: seed, token: issuer.token('alice') });
    expect((await refs(basic(issuer.token('alice')))).status).toBe(200);
  });

  it('trusts a key the auth server rotates in, after one more fetch', async () => {
    const next = await testIssuer(join(tmp, 'next'), 'https://auth.test', clock.now);
    jwks.set({ keys: [...issuer.jwks.keys, ...next.jwks.keys] });
    clock.advance(11_000); // an unknown kid refetches at most once per cooldown
    const fetched = jwks.requests;
    expect((await refs(basic(next.token('alice')))).status).toBe(200);
    expect(jwks.requests).toBe(fetched + 1);
  });
});

describe('refused tokens: 401 with the Basic challenge, counted by reason', () => {
  const now = () => Math.floor(clock.now() / 1000);
  const cases: [string, () => Promise<string>, string][] = [
    ['expired', async () => issuer.token('alice', { exp: now() - 60 }), 'expired'],
    ['of another issuer', async () => issuer.token('alice', { iss: 'https://evil.test' }), 'bad_issuer'],
    ['for another audience', async () => issuer.token('alice', { aud: 'urn:other' }), 'bad_audience'],
    ['without client_id', async () => issuer.token('alice', { client_id: undefined }), 'missing_claim'],
    [
      'signed by another key under the trusted kid',
      async () => {
        const other = await testIssuer(join(tmp, 'other'), 'https://auth.test', clock.now);
        const forger = await createSigner({ key: other.privateKey, alg: 'ES256', kid: issuer.kid, typ: 'at+jwt' });
        const claims = JSON.parse(Buffer.from(issuer.token('alice').split('.')[1] ?? '', 'base64url').toString());
        return forger.sign(claims);
      },
      'bad_signature',
    ],
    [
      'not an access token (typ JWT: an ID token of the same key)',
      async () => {
        const plain = await createSigner({ key: issuer.privateKey, alg: 'ES256', kid: issuer.kid });
        const claims = JSON.parse(Buffer.from(issuer.token('alice').split('.')[1] ?? '', 'base64url').toString());
        return plain.sign(claims);
      },
      'not_access_token',
    ],
    ['not a JWT at all', async () => 'not-a-token', 'malformed'],
  ];
  for (const [what, make, reason] of cases) {
    it(`a token ${what}`, async () => {
      const before = failures(reason);
      const res = await refs(basic(await make()));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Basic');
      expect(failures(reason)).toBe(before + 1);
    });
  }

  it('credentials that carry no token, and schemes other than Basic and Bearer', async () => {
    const before = failures('credentials');
    for (const authorization of [`Basic ${Buffer.from('no-colon').toString('base64')}`, 'Digest abc', 'Bearer ']) {
      expect((await refs(authorization)).status).toBe(401);
    }
    expect(failures('credentials')).toBe(before + 3);
  });
});

describe.skipIf(rd.skip)('revocations published by the auth server on Redis', () => {
  let publisher: Redis;
  beforeAll(() => {
    publisher = new Redis(rd.url);
  });
  afterAll(() => publisher?.disconnect());

  it('refuses a revoked token at once, though it was cached, and keeps accepting the subject’s other tokens', async () => {
    const token = issuer.token('alice');
    expect((await refs(basic(token))).status).toBe(200); // verified and cached
    const { jti, exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    await publisher.publish(unique, encodeRevocation({ jti, untilMs: exp * 1000 }));
    await expect.poll(async () => (await refs(basic(token))).status, { timeout: 2_000, interval: 20 }).toBe(401);
    expect(failures('revoked')).toBeGreaterThan(0);
    const clone = await git.run(['clone', `${server.base}/tokens.git`, join(tmp, 'revoked')], { token });
    expect(clone.code).not.toBe(0);
    expect((await refs(basic(issuer.token('alice')))).status).toBe(200);
  });

  it('refuses every earlier token of a subject revoked as a whole', async () => {
    const earlier = issuer.token('mallory');
    await server.grant('alice', 'tokens', 'mallory', 'read');
    expect((await refs(basic(earlier))).status).toBe(200);
    clock.advance(2_000);
    await publisher.publish(unique, encodeRevocation({ sub: 'mallory', issuedBefore: Math.floor(clock.now() / 1000) }));
    await expect.poll(async () => (await refs(basic(earlier))).status, { timeout: 2_000, interval: 20 }).toBe(401);
    expect((await refs(basic(issuer.token('mallory')))).status).toBe(200);
  });
});
