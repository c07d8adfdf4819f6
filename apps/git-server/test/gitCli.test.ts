// The real git CLI against the server on loopback: clone, fetch and push in
// protocol v0 and v2, branches and tags, shallow and partial clones, tokens as
// Basic credentials (through a credential helper, answering the 401) and as a
// Bearer header, and two pushes racing for one branch.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

let tmp: string;
let issuer: TestIssuer;
let server: Running;
let git: GitCli;
let token: string;
const url = (name: string) => `${server.base}/${name}.git`;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-cli-'));
  issuer = await testIssuer(tmp);
  server = await startGitServer(issuer);
  git = new GitCli(join(tmp, 'home'));
  token = issuer.token('alice');
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('clone, fetch and push', () => {
  it('pushes a first branch into an empty repository and clones it back, in protocol v2 and v0', async () => {
    await server.createRepo('alice', 'first');
    const work = await git.workTree('first-work', [{ 'README.md': '# first\n' }, { 'src/a.txt': 'a\n' }]);
    const head = (await git.ok(['rev-parse', 'HEAD'], { cwd: work })).trim();
    await git.ok(['push', url('first'), 'main'], { cwd: work, token });

    for (const version of ['2', '0']) {
      const dir = join(tmp, `first-v${version}`);
      // The token is given when git asks for it, after the server's 401, as a user's credential helper would.
      const traced = await git.run(['-c', `protocol.version=${version}`, 'clone', url('first'), dir], {
        token,
        prompted: true,
        env: { GIT_TRACE_PACKET: '1' },
      });
      expect(traced.code).toBe(0);
      // The server spoke the version asked for: v2 answers with its capability advertisement.
      expect(traced.stderr.includes('< version 2')).toBe(version === '2');
      expect((await git.ok(['rev-parse', 'HEAD'], { cwd: dir })).trim()).toBe(head);
      expect(readFileSync(join(dir, 'src/a.txt'), 'utf8')).toBe('a\n');
    }
  });

  it('fetches what another clone pushed: new commits, a new branch, an annotated tag, a deleted branch', async () => {
    await server.createRepo('alice', 'shared');
    const a = await git.workTree('shared-a', [{ 'f.txt': '1\n' }]);
    await git.ok(['push', url('shared'), 'main', 'main:doomed'], { cwd: a, token });
    const b = join(tmp, 'shared-b');
    await git.ok(['clone', url('shared'), b], { token });

    const tip = await git.commit(a, { 'f.txt': '2\n' }, 'second');
    await git.ok(['branch', 'feature'], { cwd: a });
    await git.ok(['tag', '-a', 'v1.0', '-m', 'release 1.0'], { cwd: a });
    await git.ok(['push', url('shared'), 'main', 'feature', 'v1.0', ':doomed'], { cwd: a, token });

    await git.ok(['fetch', '--prune', '--tags', 'origin'], { cwd: b, token });
    expect((await git.ok(['rev-parse', 'origin/main', 'origin/feature'], { cwd: b })).trim().split('\n')).toEqual([
      tip,
      tip,
    ]);
    expect((await git.ok(['cat-file', '-t', 'v1.0'], { cwd: b })).trim()).toBe('tag');
    expect((await git.ok(['branch', '-r'], { cwd: b })).includes('doomed')).toBe(false);
    const remote = await git.ok(['ls-remote', url('shared')], { token });
    expect(remote).toContain('refs/tags/v1.0');
    expect(remote).not.toContain('refs/heads/doomed');
  });

  it('serves a shallow clone and deepens it', async () => {
    await server.createRepo('alice', 'deep');
    const work = await git.workTree('deep-work', []);
    await git.importCommits(work, 4);
    await git.ok(['push', url('deep'), 'main'], { cwd: work, token });
    const dir = join(tmp, 'deep-shallow');
    await git.ok(['clone', '--depth=1', url('deep'), dir], { token });
    expect((await git.ok(['rev-list', '--count', 'HEAD'], { cwd: dir })).trim()).toBe('1');
    await git.ok(['fetch', '--deepen=2'], { cwd: dir, token });
    expect((await git.ok(['rev-list', '--count', 'HEAD'], { cwd: dir })).trim()).toBe('3');
  });

  it('serves a partial clone (blob:none) and the blobs it fetches lazily at checkout', async () => {
    await server.createRepo('alice', 'partial');
    const big = 'x'.repeat(50_000);
    const work = await git.workTree('partial-work', [{ 'big.txt': big, 'small.txt': 's' }]);
    await git.ok(['push', url('partial'), 'main'], { cwd: work, token });
    const dir = join(tmp, 'partial-clone');
    await git.ok(['clone', '--filter=blob:none', '--no-checkout', url('partial'), dir], { token });
    expect((await git.ok(['config', 'remote.origin.promisor'], { cwd: dir })).trim()).toBe('true');
    // No blob came with the clone...
    const missing = await git.ok(['rev-list', '--objects', '--missing=print', 'HEAD'], { cwd: dir });
    expect(missing.split('\n').filter((l) => l.startsWith('?'))).toHaveLength(2);
    // ...and checking out fetches them from the server.
    await git.ok(['checkout', 'main'], { cwd: dir, token });
    expect(readFileSync(join(dir, 'big.txt'), 'utf8')).toBe(big);
  });

  it('takes the token as a Bearer header (http.extraHeader) as well as Basic credentials', async () => {
    await server.createRepo('alice', 'bearer');
    const work = await git.workTree('bearer-work', [{ 'b.txt': 'b' }]);
    const header = ['-c', `http.extraHeader=Authorization: Bearer ${token}`];
    await git.ok([...header, 'push', url('bearer'), 'main'], { cwd: work });
    await git.ok([...header, 'clone', url('bearer'), join(tmp, 'bearer-clone')]);
    expect(readFileSync(join(tmp, 'bearer-clone', 'b.txt'), 'utf8')).toBe('b');
  });

  it('clones a repository with many refs, whose fetch request git sends gzipped', async () => {
    await server.createRepo('alice', 'many-refs');
    const work = await git.workTree('many-work', []);
    // 80 branches on distinct commits: the v0 want list is ~4 KB, over the 1 KB past which git gzips a request.
    await git.importCommits(work, 80, { branches: true });
    await git.ok(['push', url('many-refs'), '--all'], { cwd: work, token });
    const before = server.server.metrics.bytesIn['upload-pack'].get();
    const dir = join(tmp, 'many-clone');
    const traced = await git.run(['-c', 'protocol.version=0', 'clone', '--mirror', url('many-refs'), dir], {
      token,
      env: { GIT_TRACE_CURL: '1', GIT_TRACE_CURL_NO_DATA: '1' },
    });
    expect(traced.code).toBe(0);
    expect(traced.stderr).toMatch(/Content-Encoding: gzip/i);
    expect((await git.ok(['branch', '--list', 'b*'], { cwd: dir })).trim().split('\n')).toHaveLength(80);
    // The bytes counted are the gunzipped request: at least the 81 want lines.
    expect(server.server.metrics.bytesIn['upload-pack'].get() - before).toBeGreaterThan(81 * 50);
  });
});

describe('two pushes racing for one branch', () => {
  it('lets one win and tells the other to fetch; after a rebase its push goes through and nothing is lost', async () => {
    await server.createRepo('alice', 'race');
    const seed = await git.workTree('race-seed', [{ 'base.txt': 'base\n' }]);
    await git.ok(['push', url('race'), 'main'], { cwd: seed, token });
    const a = join(tmp, 'race-a');
    const b = join(tmp, 'race-b');
    await git.ok(['clone', url('race'), a], { token });
    await git.ok(['clone', url('race'), b], { token });
    const ca = await git.commit(a, { 'a.txt': 'from a\n' }, 'a');
    const cb = await git.commit(b, { 'b.txt': 'from b\n' }, 'b');

    const [ra, rb] = await Promise.all([
      git.run(['push', 'origin', 'main'], { cwd: a, token }),
      git.run(['push', 'origin', 'main'], { cwd: b, token }),
    ]);
    const results = [ra, rb];
    const winners = results.filter((r) => r.code === 0);
    const losers = results.filter((r) => r.code !== 0);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    // Either git saw the new tip before sending (fetch first), or the server's ref update refused the stale old value.
    expect(losers[0]?.stderr).toMatch(/fetch first|cannot lock ref|failed to update ref|incorrect old value/);

    const loser = ra.code === 0 ? b : a;
    await git.ok(['pull', '--rebase', 'origin', 'main'], { cwd: loser, token });
    await git.ok(['push', 'origin', 'main'], { cwd: loser, token });
    const check = join(tmp, 'race-check');
    await git.ok(['clone', url('race'), check], { token });
    const log = await git.ok(['log', '--format=%s', 'main'], { cwd: check });
    expect(log.trim().split('\n').sort()).toEqual(['a', 'b', 'commit 1']);
    expect(ca).not.toBe(cb);
  });
});
