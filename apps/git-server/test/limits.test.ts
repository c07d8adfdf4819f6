// The bounds and refusals of the git endpoints, against a server with small
// limits (one git process, no queue, 1 MiB requests and pushes): bodies too
// large (declared, streamed, or a gzip bomb), wrong content types and
// encodings, the dumb protocol, a full bulkhead, and a client that goes away.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, GitCli, noise, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

let tmp: string;
let issuer: TestIssuer;
let server: Running;
let git: GitCli;
let auth: string;
let tip: string;

const MiB = 1024 * 1024;
const post = (path: string, body: Buffer, headers: Record<string, string>) =>
  fetch(`${server.base}${path}`, { method: 'POST', body, headers: { authorization: auth, ...headers } });
const refsStatus = async () =>
  (await fetch(`${server.base}/limits.git/info/refs?service=git-upload-pack`, { headers: { authorization: auth } }))
    .status;
const uploadRequest = { 'content-type': 'application/x-git-upload-pack-request' };
/** `count` v0 want lines for the tip: a request git accepts line after line. */
const wants = (count: number) => Buffer.from(`0032want ${tip}\n`.repeat(count));

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-limits-'));
  issuer = await testIssuer(tmp);
  server = await startGitServer(issuer, {
    env: {
      GIT_PROCESSES: '1',
      GIT_QUEUE: '0',
      MAX_REQUEST_MB: '1',
      MAX_PUSH_MB: '1',
    },
  });
  git = new GitCli(join(tmp, 'home'));
  auth = basic(issuer.token('alice'));
  await server.createRepo('alice', 'limits');
  const work = await git.workTree('work', [{ 'a.txt': 'a\n' }]);
  await git.ok(['push', `${server.base}/limits.git`, 'main'], { cwd: work, token: issuer.token('alice') });
  tip = (await git.ok(['rev-parse', 'HEAD'], { cwd: work })).trim();
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('request sizes', () => {
  it('refuses a body declared larger than MAX_REQUEST_MB before running git', async () => {
    const res = await post('/limits.git/git-upload-pack', wants(Math.ceil((1.2 * MiB) / 50)), uploadRequest);
    expect(res.status).toBe(413);
    expect(await res.text()).toMatch(/larger than 1048576 bytes/);
  });

  it('cuts off a streamed (chunked) body past the limit', async () => {
    const body = wants(Math.ceil((1.5 * MiB) / 50));
    const status = await new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(server.base);
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/limits.git/git-upload-pack',
          headers: { authorization: auth, ...uploadRequest, 'transfer-encoding': 'chunked' },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it('counts the limit after gunzip: a small gzip that expands past it is refused', async () => {
    const bomb = gzipSync(wants(Math.ceil((3 * MiB) / 50)));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const res = await post('/limits.git/git-upload-pack', bomb, { ...uploadRequest, 'content-encoding': 'gzip' });
    expect(res.status).toBe(413);
  });

  it('refuses a push larger than MAX_PUSH_MB; the refs stay and nothing is left in the object store', async () => {
    const work = join(tmp, 'big-push');
    await git.ok(['clone', `${server.base}/limits.git`, work], { token: issuer.token('alice') });
    // Random bytes do not compress: the pack is ~2 MiB.
    writeFileSync(join(work, 'noise.bin'), noise(18, 2 * MiB));
    await git.ok(['add', 'noise.bin'], { cwd: work });
    await git.ok(['commit', '--quiet', '-m', 'noise'], { cwd: work });
    const r = await git.run(['push', 'origin', 'main'], { cwd: work, token: issuer.token('alice') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/413|too large|exceeds maximum/i);
    const remote = await git.ok(['ls-remote', `${server.base}/limits.git`, 'main'], { token: issuer.token('alice') });
    expect(remote.split('\t')[0]).toBe(tip);
    const objects = join(server.server.config.reposDir, 'limits.git', 'objects');
    await expect
      .poll(() => readdirSync(objects).filter((d) => d.startsWith('incoming-') || d.startsWith('tmp_objdir')), {
        timeout: 5_000,
      })
      .toEqual([]);
  });
});

describe('what git endpoints accept', () => {
  it('415 for another content type or an encoding other than gzip', async () => {
    expect((await post('/limits.git/git-upload-pack', wants(1), { 'content-type': 'text/plain' })).status).toBe(415);
    const receiveType = { 'content-type': 'application/x-git-receive-pack-request' };
    expect((await post('/limits.git/git-upload-pack', wants(1), receiveType)).status).toBe(415);
    const br = { ...uploadRequest, 'content-encoding': 'br' };
    expect((await post('/limits.git/git-upload-pack', wants(1), br)).status).toBe(415);
  });

  it('400 for a body that claims gzip and is not', async () => {
    const res = await post('/limits.git/git-upload-pack', wants(3), { ...uploadRequest, 'content-encoding': 'gzip' });
    expect(res.status).toBe(400);
  });

  it('403 for the dumb protocol and for services other than upload-pack and receive-pack', async () => {
    for (const query of ['', '?service=git-upload-archive', '?service=upload-pack']) {
      const res = await fetch(`${server.base}/limits.git/info/refs${query}`, { headers: { authorization: auth } });
      expect(res.status).toBe(403);
    }
  });

  it('no caching of refs or results, as git http-backend', async () => {
    const res = await fetch(`${server.base}/limits.git/info/refs?service=git-upload-pack`, {
      headers: { authorization: auth },
    });
    expect(res.headers.get('cache-control')).toBe('no-cache, max-age=0, must-revalidate');
    expect(res.headers.get('pragma')).toBe('no-cache');
    expect(res.headers.get('content-type')).toBe('application/x-git-upload-pack-advertisement');
    expect((await res.text()).startsWith('001e# service=git-upload-pack\n0000')).toBe(true);
  });
});

/** A push that sends its commands and then stalls: receive-pack waits for the rest, holding the one slot. */
function holdPush(): ClientRequest {
  const { hostname, port } = new URL(server.base);
  const held = request({
    host: hostname,
    port,
    method: 'POST',
    path: '/limits.git/git-receive-pack',
    headers: { authorization: auth, 'content-type': 'application/x-git-receive-pack-request' },
  });
  held.on('error', () => {});
  const command = `${'0'.repeat(40)} ${tip} refs/heads/held\0report-status`;
  held.write(`${(command.length + 4).toString(16).padStart(4, '0')}${command}`);
  return held;
}
const running = async () =>
  (await (await fetch(`${server.base}/metrics`)).text()).match(/git_processes\{state="running"\} (\d+)/)?.[1];

describe('the git process bulkhead (GIT_PROCESSES=1, GIT_QUEUE=0)', () => {
  it('answers 503 while the one slot is taken, frees it when the client holding it goes away', async () => {
    const held = holdPush();
    try {
      // Until receive-pack runs, a fetch could take the slot first: wait for the push to hold it.
      await expect.poll(running, { timeout: 5_000, interval: 20 }).toBe('1');
      const busy = await fetch(`${server.base}/limits.git/info/refs?service=git-upload-pack`, {
        headers: { authorization: auth },
      });
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('1');
      const scrape = await (await fetch(`${server.base}/metrics`)).text();
      expect(scrape).toMatch(/git_requests_rejected_total\{reason="busy"\} [1-9]/);
    } finally {
      held.destroy(); // the client goes away: git sees its input end, exits, and the slot is freed
    }
    await expect.poll(refsStatus, { timeout: 5_000, interval: 50 }).toBe(200);
    expect(await git.ok(['ls-remote', `${server.base}/limits.git`], { token: issuer.token('alice') })).not.toContain(
      'refs/heads/held',
    );
  });

  it('a fetch whose client went away mid-answer is stopped and frees its slot (git would block on a full socket)', async () => {
    // 8 MB of random bytes, written into the bare repository directly: an answer larger than socket buffers hold.
    const repo = join(server.server.config.reposDir, 'limits.git');
    const work = join(tmp, 'large');
    await git.ok(['clone', repo, work]);
    writeFileSync(join(work, 'large.bin'), noise(8, 8 * MiB));
    await git.ok(['add', 'large.bin'], { cwd: work });
    await git.ok(['commit', '--quiet', '-m', 'large'], { cwd: work });
    await git.ok(['push', '--quiet', 'origin', 'main'], { cwd: work });
    const large = (await git.ok(['rev-parse', 'HEAD'], { cwd: work })).trim();

    const { hostname, port } = new URL(server.base);
    const body = `0032want ${large}\n00000009done\n`;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: '/limits.git/git-upload-pack',
          headers: { authorization: auth, ...uploadRequest },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          // The first bytes of the pack arrive; the client then goes away without reading the rest.
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', () => {});
      req.on('close', () => resolve());
      req.end(body);
      setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref();
    });
    // git would block on a full socket forever if it were not stopped: the slot comes back.
    await expect.poll(running, { timeout: 5_000, interval: 20 }).toBe('0');
    expect(await refsStatus()).toBe(200);
  });

  it('a launcher that dies is replaced at the next start, and the git it had started frees its slot', async () => {
    const held = holdPush();
    try {
      await expect.poll(running, { timeout: 5_000, interval: 20 }).toBe('1');
      const pid = server.server.launcher.pid;
      expect(pid).toBeTypeOf('number');
      process.kill(pid as number, 'SIGKILL');
      await expect.poll(() => server.server.launcher.pid, { timeout: 5_000, interval: 20 }).toBeUndefined();
    } finally {
      held.destroy(); // receive-pack, orphaned, sees its input end and exits; nobody reports it
    }
    await expect.poll(running, { timeout: 5_000, interval: 20 }).toBe('0');
    expect(await refsStatus()).toBe(200);
    expect(server.server.launcher.pid).toBeTypeOf('number');
  });
});
