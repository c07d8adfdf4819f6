// The per-user rate limit with REDIS_URL: two instances on one PostgreSQL
// and one Redis count one quota (clones through either spend it, the real git
// CLI sees the refusal from the other), and when Redis goes away each
// instance decides alone with its share of the quota (insurance), until
// Redis answers again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgres, redis, tempDatabase } from '@perf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';
import { privateRedisSkip, startPrivateRedis } from './privateRedis.js';

const pgService = await postgres();
const rd = await redis();

let tmp: string;
let issuer: TestIssuer;
let git: GitCli;
let clones = 0;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-rate-fleet-'));
  issuer = await testIssuer(tmp);
  git = new GitCli(join(tmp, 'home'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const clone = (at: Running, name: string, who: string) =>
  git.run(['-c', 'protocol.version=2', 'clone', `${at.base}/${name}.git`, join(tmp, `clone-${++clones}`)], {
    token: issuer.token(who),
  });
const refs = (at: Running, name: string, who: string) =>
  fetch(`${at.base}/${name}.git/info/refs?service=git-upload-pack`, {
    headers: { 'git-protocol': 'version=2', authorization: basic(issuer.token(who)) },
  });
const metric = async (at: Running, pattern: RegExp): Promise<number> =>
  Number((await (await fetch(`${at.base}/metrics`)).text()).match(pattern)?.[1] ?? 0);

describe.skipIf(pgService.skip || rd.skip)('two instances on one Redis (USER_RATE_LIMIT=9)', () => {
  const unique = `git-rate-${process.pid}-${Date.now().toString(36)}`;
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  let a: Running;
  let b: Running;

  beforeAll(async () => {
    db = await tempDatabase(pgService.url, 'git_rate_fleet');
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: rd.url,
      REDIS_PREFIX: unique,
      REVOCATION_CHANNEL: unique,
      REPOS_DIR: join(tmp, 'repos'),
      USER_RATE_LIMIT: '9',
    };
    a = await startGitServer(issuer, { env });
    b = await startGitServer(issuer, { env });
    await a.createRepo('owner', 'shared', { public: true });
    const work = await git.workTree('work', [{ 's.txt': 's\n' }]);
    await git.ok(['push', `${a.base}/shared.git`, 'main'], { cwd: work, token: issuer.token('owner') });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await db?.drop();
  });

  it('share one quota: clones through either instance spend it, and the other refuses the next', async () => {
    expect((await clone(a, 'shared', 'bob')).code).toBe(0);
    const seen = await refs(b, 'shared', 'bob'); // b sees what a counted, and charges this one too
    expect(seen.headers.get('ratelimit')).toMatch(/^"requests";r=3;t=\d+$/);
    expect((await clone(a, 'shared', 'bob')).code).toBe(0); // 9 spent: 3 clones' worth across a and b
    const refused = await clone(b, 'shared', 'bob');
    expect(refused.code).toBe(128);
    expect(refused.stderr).toContain('remote: rate limit: bob has spent its quota of 9 requests per minute');
    expect((await clone(a, 'shared', 'bob')).code).toBe(128);
    expect((await clone(b, 'shared', 'carol')).code).toBe(0);
    expect(await metric(b, /git_rate_limited_total\{quota="requests",route="git",caller="user"\} (\d+)/)).toBe(1);
    expect(await metric(a, /git_rate_limited_total\{quota="requests",route="git",caller="user"\} (\d+)/)).toBe(1);
  });
});

describe.skipIf(privateRedisSkip)('when Redis goes away (USER_RATE_LIMIT=9, RATE_LIMIT_INSTANCES=3)', () => {
  let redisServer: Awaited<ReturnType<typeof startPrivateRedis>>;
  let server: Running;
  const list = (who: string) =>
    fetch(`${server.base}/api/repos`, { headers: { authorization: `Bearer ${issuer.token(who)}` } });

  beforeAll(async () => {
    redisServer = await startPrivateRedis();
    server = await startGitServer(issuer, {
      env: { REDIS_URL: redisServer.url, USER_RATE_LIMIT: '9', RATE_LIMIT_INSTANCES: '3' },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await redisServer?.stop();
  });

  it('each instance allows its share (9 / 3 per caller), then Redis decides again once it is back', async () => {
    for (let i = 0; i < 5; i++) expect((await list('bob')).status).toBe(200);
    expect((await list('bob')).headers.get('ratelimit')).toMatch(/^"requests";r=3;t=\d+$/); // Redis' count
    await redisServer.stop();

    // Not refused for Redis being away, not let through without limit: a share of 3 for bob, and for carol.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await list('bob')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await list('carol')).status).toBe(200);
    const insurance = /git_server_rate_limit\{quota="requests",stat="insurance"\} (\d+)/;
    expect(await metric(server, insurance)).toBe(6);
    expect(await metric(server, /git_server_rate_limit\{quota="requests",stat="failures"\} (\d+)/)).toBeGreaterThan(0);
    expect(await metric(server, /git_rate_limited_total\{quota="requests",route="api",caller="user"\} (\d+)/)).toBe(2);

    // A new, empty Redis on the same port: once the breaker lets a trial through, bob's quota is Redis' again.
    redisServer = await startPrivateRedis(redisServer.port);
    await expect
      .poll(async () => (await list('bob')).headers.get('ratelimit'), { timeout: 10_000, interval: 200 })
      .toMatch(/^"requests";r=8;t=\d+$/);
    expect(await metric(server, insurance)).toBeGreaterThanOrEqual(6);
  });
});
