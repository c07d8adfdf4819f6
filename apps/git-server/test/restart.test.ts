// What a data folder keeps across restarts (repositories, their rows and
// grants in the embedded database), a start with git missing (503, the
// circuit opens), and the built server as a process: what it prints, and a
// SIGTERM that lets a push in flight finish before the process exits 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEmbeddedDatabase } from './embedded.js';
import { basic, GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';
import { appDir, spawnMain } from './process.js';

let tmp: string;
let issuer: TestIssuer;
let git: GitCli;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-restart-'));
  issuer = await testIssuer(tmp);
  git = new GitCli(join(tmp, 'home'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a data folder across restarts', () => {
  const dataDir = () => join(tmp, 'data');
  let server: Running | undefined;
  afterAll(async () => server?.stop());

  it('keeps repositories, their contents and grants', async () => {
    server = await startGitServer(issuer, { dataDir: dataDir() });
    await server.createRepo('alice', 'kept');
    await server.grant('alice', 'kept', 'bob', 'read');
    const work = await git.workTree('kept-work', [{ 'k.txt': 'kept\n' }]);
    await git.ok(['push', `${server.base}/kept.git`, 'main'], { cwd: work, token: issuer.token('alice') });
    await server.stop({ keepData: true });

    server = await startGitServer(issuer, { dataDir: dataDir() });
    const dir = join(tmp, 'kept-clone');
    await git.ok(['clone', `${server.base}/kept.git`, dir], { token: issuer.token('bob') });
    expect((await git.ok(['log', '--format=%s'], { cwd: dir })).trim()).toBe('commit 1');
    expect((await server.api('GET', '/api/repos/kept/roles', issuer.token('alice'))).body).toEqual([
      { subject: 'alice', role: 'admin' },
      { subject: 'bob', role: 'read' },
    ]);
    await server.stop({ keepData: true });
    server = undefined;
  });

  it('without a git to run, answers 503 and opens the circuit after five failed starts', async () => {
    server = await startGitServer(issuer, { dataDir: dataDir(), env: { GIT_BINARY: join(tmp, 'no-such-git') } });
    const refs = () =>
      fetch(`${server?.base}/kept.git/info/refs?service=git-upload-pack`, {
        headers: { authorization: basic(issuer.token('alice')) },
      });
    for (let i = 0; i < 6; i++) {
      const res = await refs();
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/git cannot be started/);
    }
    const metrics = await (await fetch(`${server.base}/metrics`)).text();
    expect(metrics).toContain('git_server_breaker_open{breaker="git"} 1');
    expect(metrics).toMatch(/git_requests_rejected_total\{reason="unavailable"\} 6/);
    // The API's uses of git answer the same way.
    expect((await server.api('GET', '/api/repos/kept/stats', issuer.token('alice'))).status).toBe(503);
    expect((await server.api('POST', '/api/repos', issuer.token('alice'), { name: 'not-now' })).status).toBe(503);
    expect((await server.api('GET', '/api/repos/not-now', issuer.token('alice'))).status).toBe(404);
    await server.stop({ keepData: true });
    server = undefined;
  });
});

describe('the built server (dist/main.js)', () => {
  it('prints where it listens and the commands to try; on SIGTERM lets a push in flight finish, then exits 0', async () => {
    const dataDir = join(tmp, 'process');
    await seedEmbeddedDatabase(dataDir);
    const proc = await spawnMain(appDir('git-server'), {
      DATA_DIR: dataDir,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      AUTH_PUBLIC_KEY_FILE: issuer.keyFile,
    });
    try {
      expect(proc.output()).toContain(`git-server listening on ${proc.base}`);
      expect(proc.output()).toContain(
        `git -c http.extraHeader="Authorization: Bearer $TOKEN" clone ${proc.base}/hello.git`,
      );
      const token = issuer.token('alice');
      const created = await fetch(`${proc.base}/api/repos`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"name":"drained"}',
      });
      expect(created.status).toBe(201);
      const work = await git.workTree('drain-work', [{ 'd.txt': 'd\n' }]);
      await git.ok(['push', `${proc.base}/drained.git`, 'main', 'main:doomed'], { cwd: work, token });
      const tip = (await git.ok(['rev-parse', 'main'], { cwd: work })).trim();

      // A push deleting `doomed`: its command goes now, the flush that ends it after the SIGTERM.
      const { hostname, port } = new URL(proc.base);
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        const push = request(
          {
            host: hostname,
            port,
            method: 'POST',
            path: '/drained.git/git-receive-pack',
            headers: { authorization: basic(token), 'content-type': 'application/x-git-receive-pack-request' },
          },
          (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        push.on('error', reject);
        const command = `${tip} ${'0'.repeat(40)} refs/heads/doomed\0report-status delete-refs`;
        push.write(`${(command.length + 4).toString(16).padStart(4, '0')}${command}`);
        setTimeout(() => {
          proc.child.kill('SIGTERM');
          setTimeout(() => push.end('0000'), 300);
        }, 300);
      });
      const { status, body } = await answer;
      expect(status).toBe(200);
      expect(body).toContain('ok refs/heads/doomed');
      expect(await proc.exited).toBe(0);
      const refs = await git.ok(['--git-dir', join(dataDir, 'repos', 'drained.git'), 'show-ref']);
      expect(refs).toContain('refs/heads/main');
      expect(refs).not.toContain('refs/heads/doomed');
    } finally {
      proc.child.kill('SIGKILL');
    }
  });
});
