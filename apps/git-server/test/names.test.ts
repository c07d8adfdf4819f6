// Repository names become directories, so every trick that could reach
// another directory or collide with a repository is refused: `..`, `/` and
// `\`, their percent-encodings, NUL, Unicode look-alikes, upper case, git's
// own suffixes. The API refuses to create them (400); git URLs naming them
// answer 404, even to an administrator of everything.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidRepoName, repoFromSegment } from '../src/git/repoName.js';
import { basic, GitCli, type Running, rawGet, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

const TRICKS = [
  '..',
  '.',
  '../secret',
  'a/b',
  'a\\b',
  '..%2Fsecret',
  '%2e%2e',
  'secret\u0000',
  'Secret',
  'SECRET',
  'ｓecret', // fullwidth s
  'sеcret', // Cyrillic е
  'café',
  'secret.git',
  'secret.lock',
  '.secret',
  '-secret',
  'a..b',
  ' secret',
  'secret ',
  '',
  'x'.repeat(101),
];

describe('repoName', () => {
  it('accepts plain names', () => {
    for (const name of ['secret', 'a', 'my-repo', 'my_repo.v2', '0day', 'x'.repeat(100)]) {
      expect(invalidRepoName(name)).toBeUndefined();
    }
    expect(repoFromSegment('secret.git')).toBe('secret');
    expect(repoFromSegment('secret')).toBe('secret');
  });

  it.each(TRICKS)('refuses %j', (name) => {
    expect(invalidRepoName(name)).toBeTypeOf('string');
    // A URL segment may add .git to a name (so `secret.git` as a segment is the plain name `secret`).
    expect(repoFromSegment(`${name}.git`)).toBeUndefined();
  });
});

describe('over HTTP', () => {
  let tmp: string;
  let issuer: TestIssuer;
  let server: Running;
  let root: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'git-names-'));
    issuer = await testIssuer(tmp);
    server = await startGitServer(issuer, { env: { ADMIN_SUBJECTS: 'root' } });
    root = basic(issuer.token('root'));
    await server.createRepo('alice', 'secret');
    // A repository beside the repositories folder, which no URL may reach.
    const git = new GitCli(join(tmp, 'home'));
    mkdirSync(join(server.dataDir, 'outside.git'), { recursive: true });
    await git.ok(['init', '--quiet', '--bare', join(server.dataDir, 'outside.git')]);
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the API refuses to create any of them, saying what a name may be', async () => {
    for (const name of TRICKS) {
      const res = await server.api('POST', '/api/repos', issuer.token('alice'), { name });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect((res.body as { error: string }).error).toBe('invalid_name');
    }
  });

  it('git URLs answer 404 for every spelling that is not the plain name', async () => {
    expect(
      (await rawGet(server.base, '/secret.git/info/refs?service=git-upload-pack', { authorization: root })).status,
    ).toBe(200);
    const paths = [
      '/..%2Foutside.git/info/refs',
      '/%2e%2e%2Foutside/info/refs',
      '/..%5Coutside/info/refs',
      '/../outside.git/info/refs',
      '/%2E%2E/info/refs',
      '/secret.git%00/info/refs',
      '/secret%00.git/info/refs',
      '/SECRET.git/info/refs',
      '/%EF%BD%93ecret.git/info/refs', // fullwidth s
      '/s%D0%B5cret.git/info/refs', // Cyrillic е
      '/secret.git.git/info/refs',
      '/secret/.git/info/refs',
      '/x/secret.git/info/refs',
      '/.secret.git/info/refs',
      '/%2Fsecret.git/info/refs',
    ];
    for (const path of paths) {
      const res = await rawGet(server.base, `${path}?service=git-upload-pack`, { authorization: root });
      expect(res.status, path).toBe(404);
    }
    const push = await rawGet(server.base, '/..%2Foutside.git/info/refs?service=git-receive-pack', {
      authorization: root,
    });
    expect(push.status).toBe(404);
  });
});
