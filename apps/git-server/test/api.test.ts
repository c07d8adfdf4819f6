// The REST API with a real HTTP client: creating, listing and deleting
// repositories, roles, repository stats kept in a memo and dropped by a push,
// the pool statistics, /metrics, /healthz and /readyz.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RepoStats } from '../src/git/repositories.js';
import type { PoolStats } from '../src/repoService.js';
import { GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

let tmp: string;
let issuer: TestIssuer;
let server: Running;
let git: GitCli;
const alice = () => issuer.token('alice');

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-api-'));
  issuer = await testIssuer(tmp);
  server = await startGitServer(issuer, { env: { ADMIN_SUBJECTS: 'root' } });
  git = new GitCli(join(tmp, 'home'));
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('repositories', () => {
  it('creates one (201, the creator its admin, a clone URL), and refuses the same name again (409)', async () => {
    const res = await server.api('POST', '/api/repos', alice(), { name: 'made', description: 'a test' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'made',
      owner: 'alice',
      public: false,
      description: 'a test',
      cloneUrl: `${server.base}/made.git`,
    });
    expect((await server.api('GET', '/api/repos/made/roles', alice())).body).toEqual([
      { subject: 'alice', role: 'admin' },
    ]);
    expect((await server.api('POST', '/api/repos', issuer.token('bob'), { name: 'made' })).status).toBe(409);
  });

  it('refuses a creation without a token (401, Bearer challenge), with a read-only token (403) or a bad body (400)', async () => {
    const anonymous = await fetch(`${server.base}/api/repos`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="git-server"');
    const readOnly = await server.api('POST', '/api/repos', issuer.token('alice', { scope: 'git:read' }), {
      name: 'x',
    });
    expect(readOnly).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    for (const body of [{}, { name: 7 }, { name: 'ok', public: 'yes' }, { name: 'ok', description: 3 }]) {
      expect((await server.api('POST', '/api/repos', alice(), body)).status).toBe(400);
    }
    const malformed = await fetch(`${server.base}/api/repos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice()}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    const badToken = await server.api('GET', '/api/pool', 'not-a-token');
    expect(badToken.status).toBe(401);
  });

  it('lists what the caller may read: public ones for everyone, private ones for holders of a role, all for an admin subject', async () => {
    await server.createRepo('carol', 'open', { public: true });
    await server.createRepo('carol', 'closed');
    await server.grant('carol', 'closed', 'dave', 'read');
    const names = async (token?: string) =>
      ((await server.api('GET', '/api/repos', token)).body as { name: string }[]).map((r) => r.name);
    expect(await names()).toEqual(['open']);
    expect(await names(issuer.token('dave'))).toEqual(['closed', 'open']);
    expect(await names(issuer.token('erin'))).toEqual(['open']);
    expect(await names(issuer.token('root'))).toEqual(['closed', 'made', 'open']);
  });

  it('validates grants: the role, the subject, a revocation of nothing', async () => {
    expect((await server.api('PUT', '/api/repos/made/roles/bob', alice(), { role: 'owner' })).status).toBe(400);
    // A control character in a subject (a URL segment longer than 100 characters is refused earlier, with 414).
    expect((await server.api('PUT', '/api/repos/made/roles/a%07b', alice(), { role: 'read' })).status).toBe(400);
    expect((await server.api('PUT', '/api/repos/made/roles/bob', issuer.token('bob'), { role: 'read' })).status).toBe(
      404,
    );
    expect((await server.api('DELETE', '/api/repos/made/roles/nobody', alice())).status).toBe(404);
    await server.grant('alice', 'made', 'bob', 'read');
    // A reader may see the repository but not manage it.
    expect((await server.api('GET', '/api/repos/made', issuer.token('bob'))).status).toBe(200);
    expect((await server.api('GET', '/api/repos/made/roles', issuer.token('bob'))).status).toBe(403);
    expect((await server.api('DELETE', '/api/repos/made', issuer.token('bob'))).status).toBe(403);
    expect((await server.api('PATCH', '/api/repos/made', alice(), { public: 'no' })).status).toBe(400);
  });
});

describe('repository stats, kept in a memo and dropped by a push', () => {
  it('reports size, refs and the last commit, serves them from the cache, and recomputes them right after a push', async () => {
    await server.createRepo('alice', 'counted');
    const empty = (await server.api('GET', '/api/repos/counted/stats', alice())).body as RepoStats;
    expect(empty).toMatchObject({ branches: 0, tags: 0, lastCommit: null, defaultBranch: 'main' });

    const work = await git.workTree('counted-work', [{ 'a.txt': 'a\n' }]);
    await git.ok(['tag', 'v1'], { cwd: work });
    await git.ok(['push', `${server.base}/counted.git`, 'main', 'v1'], { cwd: work, token: alice() });
    const first = (await server.api('GET', '/api/repos/counted/stats', alice())).body as RepoStats;
    expect(first.branches).toBe(1);
    expect(first.tags).toBe(1);
    expect(first.lastCommit).toMatchObject({ branch: 'main', subject: 'commit 1', author: 'Ada' });
    expect(first.sizeBytes).toBeGreaterThan(0);

    // Cached: the same computation is served again.
    const hitsBefore = await statsCacheHits();
    expect(((await server.api('GET', '/api/repos/counted/stats', alice())).body as RepoStats).computedAt).toBe(
      first.computedAt,
    );
    expect(await statsCacheHits()).toBe(hitsBefore + 1);

    const tip = await git.commit(work, { 'b.txt': 'b\n' }, 'second');
    await git.ok(['push', `${server.base}/counted.git`, 'main'], { cwd: work, token: alice() });
    const after = (await server.api('GET', '/api/repos/counted', alice())).body as { stats: RepoStats };
    expect(after.stats.lastCommit).toMatchObject({ sha: tip, subject: 'second' });
    expect(after.stats.computedAt).not.toBe(first.computedAt);
  });
});

async function statsCacheHits(): Promise<number> {
  const text = await (await fetch(`${server.base}/metrics`)).text();
  return Number(/git_server_cache\{cache="stats",stat="hits"\} (\d+)/.exec(text)?.[1]);
}

describe('the pool', () => {
  it('needs a token, and counts repositories and bytes on disk, recounted after a creation', async () => {
    expect((await server.api('GET', '/api/pool')).status).toBe(401);
    const before = (await server.api('GET', '/api/pool', alice())).body as PoolStats;
    expect(before.diskBytes).toBeGreaterThan(0);
    expect(before.gitProcesses).toMatchObject({ inFlight: 0, queued: 0, state: 'closed' });
    expect(before.bufferPool.acquires).toBeGreaterThan(0);
    await server.createRepo('alice', 'one-more');
    const after = (await server.api('GET', '/api/pool', alice())).body as PoolStats;
    expect(after.repositories).toBe(before.repositories + 1);
  });
});

describe('operations', () => {
  it('/metrics in the Prometheus format, /healthz and /readyz', async () => {
    const metrics = await fetch(`${server.base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    for (const name of [
      'git_clones_total',
      'git_pushes_total',
      'git_transfer_bytes_total',
      'git_rpc_duration_seconds_bucket',
      'git_auth_failures_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/git_pushes_total\{result="ok"\} [1-9]/);
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${server.base}/readyz`)).json()).toEqual({ status: 'ready' });
  });
});
