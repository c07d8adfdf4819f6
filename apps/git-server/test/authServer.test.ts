// Against the real auth server (apps/auth-server's built dist/main.js, as
// `npm start` runs it beside this one): a token of its demo client creates a
// repository and the git CLI pushes and clones with it, the keys coming from
// its JWKS; a token revoked there is refused here at once (through a Redis of
// the test's own, which both servers use).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppProcess } from '@perf/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEmbeddedDatabase } from './embedded.js';
import { basic, GitCli, type Running, startGitServer } from './helpers.js';
import { privateRedisSkip, startPrivateRedis } from './privateRedis.js';
import { appDir, spawnMain } from './process.js';

describe.skipIf(privateRedisSkip)('with the auth server of apps/auth-server', () => {
  let tmp: string;
  let redis: Awaited<ReturnType<typeof startPrivateRedis>>;
  let auth: AppProcess;
  let demo: { clientId: string; secret: string };
  let server: Running;
  let git: GitCli;

  const token = async (): Promise<string> => {
    const res = await fetch(`${auth.base}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${demo.clientId}:${demo.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'git-auth-'));
    redis = await startPrivateRedis();
    const authData = join(tmp, 'auth');
    await seedEmbeddedDatabase(authData, { migrated: false });
    auth = await spawnMain(appDir('auth-server'), { DATA_DIR: authData, REDIS_URL: redis.url });
    demo = JSON.parse(readFileSync(join(authData, 'demo-client.json'), 'utf8'));
    // Only the issuer is configured: the JWKS URL and the audience are the defaults `npm start` relies on.
    server = await startGitServer(null, {
      env: { AUTH_ISSUER: auth.base, REDIS_URL: redis.url, REDIS_PREFIX: `git-auth-${process.pid}` },
    });
    git = new GitCli(join(tmp, 'home'));
  });
  afterAll(async () => {
    await server?.stop();
    auth?.child.kill('SIGTERM');
    await auth?.exited;
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('creates a repository, pushes and clones with a token of the demo client, given when git asks', async () => {
    const t = await token();
    const created = await fetch(`${server.base}/api/repos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}`, 'content-type': 'application/json' },
      body: '{"name":"hello"}',
    });
    expect(created.status).toBe(201);
    const work = await git.workTree('hello-work', [{ 'README.md': '# hello\n' }]);
    await git.ok(['push', `${server.base}/hello.git`, 'main'], { cwd: work, token: t, prompted: true });
    const dir = join(tmp, 'hello-clone');
    await git.ok(['clone', `${server.base}/hello.git`, dir], { token: t, prompted: true });
    expect((await git.ok(['log', '--format=%s'], { cwd: dir })).trim()).toBe('commit 1');
  });

  it('refuses a token at once after the auth server revoked it', async () => {
    const t = await token();
    const refs = async () =>
      (
        await fetch(`${server.base}/hello.git/info/refs?service=git-upload-pack`, {
          headers: { authorization: basic(t) },
        })
      ).status;
    expect(await refs()).toBe(200);
    const revoked = await fetch(`${auth.base}/oauth/revoke`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${demo.clientId}:${demo.secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `token=${t}`,
    });
    expect(revoked.status).toBe(200);
    await expect.poll(refs, { timeout: 2_000, interval: 20 }).toBe(401);
    const clone = await git.run(['clone', `${server.base}/hello.git`, join(tmp, 'revoked')], { token: t });
    expect(clone.code).not.toBe(0);
    expect(
      await (async () =>
        (
          await fetch(`${server.base}/hello.git/info/refs?service=git-upload-pack`, {
            headers: { authorization: basic(await token()) },
          })
        ).status)(),
    ).toBe(200);
  });
});
