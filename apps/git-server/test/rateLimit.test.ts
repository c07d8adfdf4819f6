// The per-user rate limit with the real git CLI, on a server whose quota is 9
// requests per minute (USER_RATE_LIMIT=9; git's POSTs 18) and whose clock is
// the test's: it moves only when a test says so, so no refill happens by
// itself, and each test starts a minute later, with every quota full.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ManualClock, manualClock } from '@perf/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { quotaKey } from '../src/userQuota.js';
import { basic, GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

let tmp: string;
let clock: ManualClock;
let issuer: TestIssuer;
let server: Running;
let git: GitCli;
let tip: string;
let clones = 0;
const url = (name: string) => `${server.base}/${name}.git`;
const token = (sub: string) => issuer.token(sub);

/** A clone into a new folder; protocol v2 unless `version` says otherwise. */
const clone = (name: string, who: string | undefined, version = '2', env: Record<string, string> = {}) =>
  git.run(['-c', `protocol.version=${version}`, 'clone', url(name), join(tmp, `clone-${++clones}`)], {
    ...(who === undefined ? {} : { token: token(who) }),
    env,
  });
const metric = async (pattern: RegExp): Promise<number> =>
  Number((await (await fetch(`${server.base}/metrics`)).text()).match(pattern)?.[1] ?? 0);
/** The info/refs request a protocol v2 clone starts with. */
const refs = (name: string, who: string | undefined) =>
  fetch(`${url(name)}/info/refs?service=git-upload-pack`, {
    headers: { 'git-protocol': 'version=2', ...(who === undefined ? {} : { authorization: basic(token(who)) }) },
  });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-rate-'));
  clock = manualClock();
  issuer = await testIssuer(tmp, undefined, clock.now);
  server = await startGitServer(issuer, { env: { USER_RATE_LIMIT: '9' }, now: clock.now });
  git = new GitCli(join(tmp, 'home'));
  // The owner's set-up: 2 creations, 2 pushes of 2 requests, 3 grants (9).
  await server.createRepo('owner', 'quota');
  await server.createRepo('owner', 'open', { public: true });
  const work = await git.workTree('work', [{ 'a.txt': 'a\n' }]);
  await git.ok(['push', url('quota'), 'main'], { cwd: work, token: token('owner') });
  await git.ok(['push', url('open'), 'main'], { cwd: work, token: token('owner') });
  tip = (await git.ok(['rev-parse', 'HEAD'], { cwd: work })).trim();
  for (const [who, role] of [
    ['bob', 'read'],
    ['carol', 'read'],
    ['dave', 'write'],
  ] as const) {
    await server.grant('owner', 'quota', who, role);
  }
});
beforeEach(() => clock.advance(60_000));
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('git clones and pushes against the quota', () => {
  it('clones succeed until the quota is spent, then git fails with the 429 and prints why; another user is unaffected', async () => {
    const refusedBefore = await metric(/git_rate_limited_total\{quota="requests",route="git",caller="user"\} (\d+)/);
    for (let i = 0; i < 3; i++) expect((await clone('quota', 'bob')).code).toBe(0); // 3 requests each
    const refused = await clone('quota', 'bob');
    expect(refused.code).toBe(128);
    // git prints a refused info/refs answer's text under "remote:", then the status.
    expect(refused.stderr).toContain(
      'remote: rate limit: bob has spent its quota of 9 requests per minute (git and API; a clone takes 3, a push 2); retry in 20 s',
    );
    expect(refused.stderr).toContain('The requested URL returned error: 429');
    expect((await clone('quota', 'carol')).code).toBe(0);
    expect(await metric(/git_rate_limited_total\{quota="requests",route="git",caller="user"\} (\d+)/)).toBe(
      refusedBefore + 1,
    );
  });

  it('a refused clone takes nothing: after Retry-After the quota holds a clone again', async () => {
    for (let i = 0; i < 3; i++) expect((await clone('quota', 'bob')).code).toBe(0);
    const res = await refs('quota', 'bob');
    expect(res.status).toBe(429);
    const wait = Number(res.headers.get('retry-after'));
    expect(wait).toBe(20); // 3 requests at 9 per minute
    expect(res.headers.get('ratelimit')).toBe(`"requests";r=0;t=${wait}`);
    clock.advance(wait * 1000 - 1);
    expect((await clone('quota', 'bob')).code).toBe(128);
    clock.advance(1);
    expect((await clone('quota', 'bob')).code).toBe(0);
  });

  it('a protocol v0 clone costs 2, a push 2', async () => {
    for (let i = 0; i < 4; i++) expect((await clone('quota', 'carol', '0')).code).toBe(0);
    expect((await clone('quota', 'carol', '0')).code).toBe(128); // 1 left

    const work = join(tmp, 'dave-work');
    await git.ok(['clone', url('quota'), work], { token: token('dave') }); // 3
    for (let i = 0; i < 3; i++) {
      await git.commit(work, { 'd.txt': `${i}\n` }, `d${i}`);
      await git.ok(['push', 'origin', 'main'], { cwd: work, token: token('dave') }); // 2 each
    }
    await git.commit(work, { 'd.txt': 'refused\n' }, 'refused');
    const refused = await git.run(['push', 'origin', 'main'], { cwd: work, token: token('dave') });
    expect(refused.code).toBe(128);
    expect(refused.stderr).toContain('remote: rate limit: dave has spent its quota of 9 requests per minute');
    const remote = await git.ok(['ls-remote', url('quota'), 'main'], { token: token('owner') });
    expect(remote.split('\t')[0]).toBe((await git.ok(['rev-parse', 'HEAD~1'], { cwd: work })).trim());
  });

  it('the API and git share one quota', async () => {
    for (let i = 0; i < 7; i++) expect((await server.api('GET', '/api/repos', token('dave'))).status).toBe(200);
    const work = join(tmp, 'shared-work');
    const refused = await clone('quota', 'dave'); // 2 left: a clone needs 3
    expect(refused.code).toBe(128);
    expect(refused.stderr).toContain('remote: rate limit: dave has spent its quota');
    expect(
      (await git.run(['-c', 'protocol.version=0', 'clone', url('quota'), work], { token: token('dave') })).code,
    ).toBe(0);
    const api = await fetch(`${server.base}/api/repos`, { headers: { authorization: `Bearer ${token('dave')}` } });
    expect(api.status).toBe(429);
    expect(api.headers.get('retry-after')).toBe('7'); // 1 request at 9 per minute: 6.7 s
    expect(api.headers.get('ratelimit-policy')).toBe('"requests";q=9;w=60');
    expect(await api.json()).toEqual({
      error: 'rate_limited',
      message:
        'rate limit: dave has spent its quota of 9 requests per minute (git and API; a clone takes 3, a push 2); retry in 7 s',
    });
    expect(await metric(/git_rate_limited_total\{quota="requests",route="api",caller="user"\} (\d+)/)).toBe(1);
  });
});

describe('anonymous callers', () => {
  it('anonymous clones of a public repository are limited per source address; callers with a token are not', async () => {
    for (let i = 0; i < 3; i++) expect((await clone('open', undefined)).code).toBe(0);
    const refused = await clone('open', undefined);
    expect(refused.code).toBe(128);
    expect(refused.stderr).toContain(
      'remote: rate limit: the address 127.0.0.1 (anonymous requests) has spent its quota of 9 requests per minute',
    );
    expect(refused.stderr).toContain('or give an access token (a user has a quota of its own)');
    expect((await clone('open', 'carol')).code).toBe(0);
    // The anonymous API shares the address's quota.
    expect((await fetch(`${server.base}/api/repos`)).status).toBe(429);
    expect(await metric(/git_rate_limited_total\{quota="requests",route="git",caller="anonymous"\} (\d+)/)).toBe(1);
  });

  it('the 401 that makes git ask for credentials is not charged, to the address or the user', async () => {
    for (let i = 0; i < 20; i++) expect((await refs('quota', undefined)).status).toBe(401);
    // Each clone is answered 401 first, then sends bob's token (a credential helper), as a user's git does.
    for (let i = 0; i < 3; i++) {
      expect(
        (await git.run(['clone', url('quota'), join(tmp, `prompted-${i}`)], { token: token('bob'), prompted: true }))
          .code,
      ).toBe(0);
    }
    expect((await refs('quota', 'bob')).status).toBe(429);
    expect((await clone('open', undefined)).code).toBe(0);
  });

  it('groups IPv6 addresses by /64 and keeps subjects apart from addresses', () => {
    expect(quotaKey(undefined, '2001:db8:1:2::5')).toBe(quotaKey(undefined, '2001:db8:1:2:ffff:ffff:ffff:1'));
    expect(quotaKey(undefined, '2001:db8:1:3::5')).not.toBe(quotaKey(undefined, '2001:db8:1:2::5'));
    expect(quotaKey(undefined, '::ffff:127.0.0.1')).toBe(quotaKey(undefined, '127.0.0.1'));
    expect(quotaKey('127.0.0.1', '127.0.0.1')).not.toBe(quotaKey(undefined, '127.0.0.1'));
  });
});

describe('headers', () => {
  it('every answer carries RateLimit-Policy and RateLimit: info/refs of the requests quota, the POSTs of the git-rpc quota', async () => {
    const traced = await clone('quota', 'bob', '2', { GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' });
    expect(traced.code).toBe(0);
    const received = traced.stderr.split('\n').filter((l) => /Recv header: RateLimit/i.test(l));
    expect(received.map((l) => l.slice(l.indexOf('Recv header: ') + 13).trim())).toEqual([
      'RateLimit-Policy: "requests";q=9;w=60',
      'RateLimit: "requests";r=6;t=20',
      'RateLimit-Policy: "git-rpc";q=18;w=60',
      'RateLimit: "git-rpc";r=17;t=4',
      'RateLimit-Policy: "git-rpc";q=18;w=60',
      'RateLimit: "git-rpc";r=16;t=7',
    ]);
    const api = await fetch(`${server.base}/api/repos`, { headers: { authorization: `Bearer ${token('bob')}` } });
    expect(api.status).toBe(200);
    expect(api.headers.get('ratelimit')).toBe('"requests";r=5;t=27');
  });
});

describe('POSTs without their info/refs', () => {
  /** POSTs that never run git (415: the content type is wrong), still charged to the git-rpc quota of 18. */
  const spendRpc = async (who: string, service: string, count = 18) => {
    for (let i = 0; i < count; i++) {
      const res = await fetch(`${url('quota')}/${service}`, {
        method: 'POST',
        headers: { authorization: basic(token(who)), 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(res.status).toBe(415);
    }
  };

  it('count against the git-rpc quota; a clone refused at its POST shows only the status, as git prints it', async () => {
    await spendRpc('carol', 'git-upload-pack');
    const res = await fetch(`${url('quota')}/git-upload-pack`, {
      method: 'POST',
      headers: { authorization: basic(token('carol')), 'content-type': 'application/x-git-upload-pack-request' },
      body: '0000',
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('ratelimit-policy')).toBe('"git-rpc";q=18;w=60');
    expect(res.headers.get('retry-after')).toBe('4');
    expect(res.headers.get('connection')).toBe('close'); // the body of a refused POST is not read
    expect(await res.text()).toBe('rate limit: carol sent more than 18 git POST requests in a minute; retry in 4 s\n');

    // A real clone: its info/refs passes (the requests quota is full), its first POST is refused.
    const refused = await clone('quota', 'carol');
    expect(refused.code).toBe(128);
    expect(refused.stderr).toContain('error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429');
    expect(refused.stderr).not.toContain('remote: rate limit');
    expect(await metric(/git_rate_limited_total\{quota="git-rpc",route="git",caller="user"\} (\d+)/)).toBe(2);
  });

  it('a push refused at its POST changes nothing (git prints the status, then "Everything up-to-date")', async () => {
    const work = join(tmp, 'rpc-push');
    await git.ok(['clone', url('quota'), work], { token: token('dave') });
    const before = (await git.ok(['rev-parse', 'HEAD'], { cwd: work })).trim();
    await git.commit(work, { 'p.txt': 'p\n' }, 'refused at its POST');
    await spendRpc('dave', 'git-receive-pack', 16); // the clone's 2 POSTs took 2
    const refused = await git.run(['push', 'origin', 'main'], { cwd: work, token: token('dave') });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('error: RPC failed; HTTP 429 curl 22 The requested URL returned error: 429');
    const remote = await git.ok(['ls-remote', url('quota'), 'main'], { token: token('owner') });
    expect(remote.split('\t')[0]).toBe(before);
  });
});

describe('configuration', () => {
  it('USER_RATE_LIMIT=0 turns the limit off: no headers, no refusals', async () => {
    const off = await startGitServer(issuer, { env: { USER_RATE_LIMIT: '0' }, now: clock.now });
    try {
      for (let i = 0; i < 12; i++) {
        const res = await fetch(`${off.base}/api/repos`, { headers: { authorization: `Bearer ${token('bob')}` } });
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit')).toBeNull();
      }
    } finally {
      await off.stop();
    }
  });

  it('refuses a quota smaller than a clone, a count of instances below 1, and shares (with Redis) smaller than a clone', () => {
    const read = () => readConfig({ USER_RATE_LIMIT: '2', RATE_LIMIT_INSTANCES: '0' });
    expect(read).toThrow(/USER_RATE_LIMIT: got 2; set 0 \(no limit\) or at least 3 \(a clone in protocol v2 costs 3\)/);
    expect(read).toThrow(/RATE_LIMIT_INSTANCES: got "0"; set an integer from 1 to 10000/);
    // With Redis, each instance's share while Redis is down must still hold a clone.
    const shares = { REDIS_URL: 'redis://127.0.0.1:6379', USER_RATE_LIMIT: '300' };
    expect(() => readConfig({ ...shares, RATE_LIMIT_INSTANCES: '101' })).toThrow(
      /RATE_LIMIT_INSTANCES: got 101: while Redis is down each instance would allow 300 \/ 101 requests per minute per caller, too few for a clone/,
    );
    expect(readConfig({ ...shares, RATE_LIMIT_INSTANCES: '100' }).rateLimitInstances).toBe(100);
  });
});

it('the set-up left the repository as pushed', async () => {
  const remote = await git.ok(['ls-remote', url('open'), 'main'], { token: token('owner') });
  expect(remote.split('\t')[0]).toBe(tip);
});
