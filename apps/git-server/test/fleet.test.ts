// Two instances on one PostgreSQL and one Redis, sharing the repositories
// folder, as a fleet behind a load balancer: a change made through one holds
// at once in the other (role cache and stats memo invalidated through the
// Redis bus), a revocation reaches both, pushes through both to one branch
// race safely, and while the database is out of reach the cached roles keep
// git working and the rest answers 503.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeRevocation } from '@perf/jwt-cache';
import { postgres, redis, tempDatabase } from '@perf/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoStats } from '../src/git/repositories.js';
import { basic, GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

const pgService = await postgres();
const rd = await redis();

describe.skipIf(pgService.skip || rd.skip)('two instances on one PostgreSQL and one Redis', () => {
  const unique = `git-fleet-${process.pid}-${Date.now().toString(36)}`;
  let tmp: string;
  let db: Awaited<ReturnType<typeof tempDatabase>>;
  let issuer: TestIssuer;
  let a: Running;
  let b: Running;
  let git: GitCli;
  let publisher: Redis;
  const alice = () => issuer.token('alice');
  const status = async (at: Running, name: string, token: string, service = 'git-upload-pack') =>
    (await fetch(`${at.base}/${name}.git/info/refs?service=${service}`, { headers: { authorization: basic(token) } }))
      .status;
  const soon = { timeout: 2_000, interval: 20 };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'git-fleet-'));
    db = await tempDatabase(pgService.url, 'git_fleet');
    issuer = await testIssuer(tmp);
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: rd.url,
      REDIS_PREFIX: unique,
      REVOCATION_CHANNEL: unique,
      REPOS_DIR: join(tmp, 'repos'),
    };
    a = await startGitServer(issuer, { env });
    b = await startGitServer(issuer, { env });
    git = new GitCli(join(tmp, 'home'));
    publisher = new Redis(rd.url);
  });
  afterAll(async () => {
    publisher?.disconnect();
    await a?.stop();
    await b?.stop();
    await db?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a repository created through one instance is served by the other at once, though it had cached its absence', async () => {
    expect(await status(b, 'shared', alice())).toBe(404); // b caches "no such repository"
    await a.createRepo('alice', 'shared');
    await expect.poll(() => status(b, 'shared', alice()), soon).toBe(200);
    const work = await git.workTree('shared-work', [{ 's.txt': 's\n' }]);
    await git.ok(['push', `${a.base}/shared.git`, 'main'], { cwd: work, token: alice() });
    const dir = join(tmp, 'shared-clone');
    await git.ok(['clone', `${b.base}/shared.git`, dir], { token: alice() });
    expect((await git.ok(['log', '--format=%s'], { cwd: dir })).trim()).toBe('commit 1');
  });

  it('a grant made through one instance holds in the other at once', async () => {
    expect(await status(a, 'shared', issuer.token('bob'))).toBe(404); // a caches "no role"
    await b.grant('alice', 'shared', 'bob', 'write');
    await expect.poll(() => status(a, 'shared', issuer.token('bob'), 'git-receive-pack'), soon).toBe(200);
  });

  it('a push through one instance drops the stats the other had cached', async () => {
    const before = (await b.api('GET', '/api/repos/shared/stats', alice())).body as RepoStats;
    const work = join(tmp, 'stats-work');
    await git.ok(['clone', `${a.base}/shared.git`, work], { token: alice() });
    const tip = await git.commit(work, { 'more.txt': 'more\n' }, 'more');
    await git.ok(['push', 'origin', 'main'], { cwd: work, token: alice() });
    await expect
      .poll(
        async () => ((await b.api('GET', '/api/repos/shared/stats', alice())).body as RepoStats).lastCommit?.sha,
        soon,
      )
      .toBe(tip);
    expect(before.lastCommit?.sha).not.toBe(tip);
  });

  it('a revocation published once is refused by both', async () => {
    const token = alice();
    expect([await status(a, 'shared', token), await status(b, 'shared', token)]).toEqual([200, 200]);
    const { jti, exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    await publisher.publish(unique, encodeRevocation({ jti, untilMs: exp * 1000 }));
    await expect
      .poll(async () => [await status(a, 'shared', token), await status(b, 'shared', token)], soon)
      .toEqual([401, 401]);
  });

  it('pushes through both instances to one branch: one wins, the other is refused, nothing is lost', async () => {
    const x = join(tmp, 'race-x');
    const y = join(tmp, 'race-y');
    await git.ok(['clone', `${a.base}/shared.git`, x], { token: alice() });
    await git.ok(['clone', `${b.base}/shared.git`, y], { token: alice() });
    await git.commit(x, { 'x.txt': 'x\n' }, 'x');
    await git.commit(y, { 'y.txt': 'y\n' }, 'y');
    const results = await Promise.all([
      git.run(['push', 'origin', 'main'], { cwd: x, token: alice() }),
      git.run(['push', 'origin', 'main'], { cwd: y, token: alice() }),
    ]);
    expect(results.map((r) => r.code === 0).sort()).toEqual([false, true]);
    const loser = results[0]?.code === 0 ? y : x;
    await git.ok(['pull', '--rebase', 'origin', 'main'], { cwd: loser, token: alice() });
    await git.ok(['push', 'origin', 'main'], { cwd: loser, token: alice() });
    const log = await git.ok(['log', '--format=%s', 'origin/main'], { cwd: loser });
    expect(log).toMatch(/^(x\ny|y\nx)\nmore\ncommit 1\n$/);
  });

  it('while the database is out of reach: cached roles keep git working, the rest answers 503; then it recovers', async () => {
    expect(await status(a, 'shared', alice())).toBe(200); // alice's role is cached in a
    const admin = new pg.Client({ connectionString: pgService.url });
    await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    try {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      const dir = join(tmp, 'db-down-clone');
      await git.ok(['clone', `${a.base}/shared.git`, dir], { token: alice() });
      expect(await status(a, 'shared', issuer.token('carol'))).toBe(503); // not cached: the database is needed
      const created = await a.api('POST', '/api/repos', alice(), { name: 'while-down' });
      expect(created.status).toBe(503);
      expect((await fetch(`${a.base}/readyz`)).status).toBe(503);
    } finally {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
    // The breaker lets a trial through after 5 s; until then calls fail fast.
    await expect
      .poll(async () => (await a.api('POST', '/api/repos', alice(), { name: 'after-down' })).status, {
        timeout: 10_000,
        interval: 250,
      })
      .toBe(201);
  });
});
