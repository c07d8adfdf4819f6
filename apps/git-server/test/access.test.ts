// Who may do what, with the git CLI and raw HTTP: roles per repository, the
// token's scope as a ceiling, public repositories readable by anyone, and
// answers that never tell an outsider whether a private repository exists.
// Every change of a grant or of visibility holds at once (the role cache is
// invalidated, never waited out).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, GitCli, type Running, startGitServer, type TestIssuer, testIssuer } from './helpers.js';

let tmp: string;
let issuer: TestIssuer;
let server: Running;
let git: GitCli;
let seed: string;
const url = (name: string) => `${server.base}/${name}.git`;
const alice = () => issuer.token('alice');
let clones = 0;
// The token is given when git asks for it (after the 401), as a user's credential helper would.
const cloneAs = (name: string, token?: string) =>
  git.run(['clone', url(name), join(tmp, `clone-${clones++}`)], token === undefined ? {} : { token, prompted: true });
const advertisement = (name: string, service: string, authorization?: string) =>
  fetch(`${server.base}/${name}.git/info/refs?service=${service}`, {
    headers: authorization === undefined ? {} : { authorization },
  });

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'git-access-'));
  issuer = await testIssuer(tmp);
  server = await startGitServer(issuer, { env: { ADMIN_SUBJECTS: 'root' } });
  git = new GitCli(join(tmp, 'home'));
  seed = await git.workTree('seed', [{ 'secret.txt': 'private\n' }]);
  for (const [name, isPublic] of [
    ['private-repo', false],
    ['public-repo', true],
  ] as const) {
    await server.createRepo('alice', name, { public: isPublic });
    await git.ok(['push', url(name), 'main'], { cwd: seed, token: alice() });
  }
  await server.grant('alice', 'private-repo', 'bob', 'read');
  await server.grant('alice', 'private-repo', 'dave', 'write');
});
afterAll(async () => {
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('reading', () => {
  it('clones a public repository without a token', async () => {
    const r = await cloneAs('public-repo');
    expect(r.code).toBe(0);
  });

  it('asks an anonymous caller to authenticate for a private repository, exactly as for one that does not exist', async () => {
    const r = await cloneAs('private-repo');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/could not read Username|Authentication failed/);
    const existing = await advertisement('private-repo', 'git-upload-pack');
    const missing = await advertisement('no-such-repo', 'git-upload-pack');
    for (const res of [existing, missing]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="git-server", charset="UTF-8"');
    }
    expect(await existing.text()).toBe(await missing.text());
  });

  it('answers 404 to a caller without a role, exactly as for a repository that does not exist', async () => {
    const r = await cloneAs('private-repo', issuer.token('carol'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not found/i);
    const existing = await advertisement('private-repo', 'git-upload-pack', basic(issuer.token('carol')));
    const missing = await advertisement('no-such-repo', 'git-upload-pack', basic(issuer.token('carol')));
    expect([existing.status, missing.status]).toEqual([404, 404]);
    expect(await existing.text()).toBe(await missing.text());
  });

  it('lets a reader clone', async () => {
    const r = await cloneAs('private-repo', issuer.token('bob'));
    expect(r.code).toBe(0);
  });
});

describe('writing', () => {
  it('refuses a push from a reader with 403 and leaves the repository as it was', async () => {
    const dir = join(tmp, 'bob-work');
    await git.ok(['clone', url('private-repo'), dir], { token: issuer.token('bob') });
    await git.commit(dir, { 'bob.txt': 'bob\n' }, 'by bob');
    const r = await git.run(['push', 'origin', 'main'], { cwd: dir, token: issuer.token('bob') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/403/);
    expect((await advertisement('private-repo', 'git-receive-pack', basic(issuer.token('bob')))).status).toBe(403);
    const heads = await git.ok(['ls-remote', url('private-repo'), 'main'], { token: alice() });
    expect(heads.split('\t')[0]).toBe((await git.ok(['rev-parse', 'main'], { cwd: seed })).trim());
  });

  it('takes a push from a writer', async () => {
    const dir = join(tmp, 'dave-work');
    await git.ok(['clone', url('private-repo'), dir], { token: issuer.token('dave') });
    const tip = await git.commit(dir, { 'dave.txt': 'dave\n' }, 'by dave');
    await git.ok(['push', 'origin', 'main'], { cwd: dir, token: issuer.token('dave') });
    expect((await git.ok(['ls-remote', url('private-repo'), 'main'], { token: alice() })).split('\t')[0]).toBe(tip);
  });

  it('asks an anonymous pusher to authenticate, even on a public repository', async () => {
    expect((await advertisement('public-repo', 'git-receive-pack')).status).toBe(401);
  });
});

describe("the token's scope caps its subject's roles", () => {
  it('a git:read token of the admin clones but cannot push', async () => {
    const readOnly = issuer.token('alice', { scope: 'git:read' });
    expect((await cloneAs('private-repo', readOnly)).code).toBe(0);
    expect((await advertisement('private-repo', 'git-receive-pack', basic(readOnly))).status).toBe(403);
  });

  it('a token with no git scope acts as anonymous: public repositories only', async () => {
    const none = issuer.token('alice', { scope: 'profile' });
    expect((await advertisement('private-repo', 'git-upload-pack', basic(none))).status).toBe(404);
    expect((await advertisement('public-repo', 'git-upload-pack', basic(none))).status).toBe(200);
  });

  it('the auth server demo scopes read and write count as git:read and git:write', async () => {
    const demo = issuer.token('alice', { scope: 'read write' });
    expect((await advertisement('private-repo', 'git-receive-pack', basic(demo))).status).toBe(200);
  });

  it('an ADMIN_SUBJECTS subject administers every repository, within its scope', async () => {
    expect((await advertisement('private-repo', 'git-receive-pack', basic(issuer.token('root')))).status).toBe(200);
    const rootReads = basic(issuer.token('root', { scope: 'git:read' }));
    expect((await advertisement('private-repo', 'git-receive-pack', rootReads)).status).toBe(403);
    expect((await advertisement('no-such-repo', 'git-upload-pack', basic(issuer.token('root')))).status).toBe(404);
  });
});

describe('changes hold at once (the role cache is invalidated, not waited out)', () => {
  it('a grant and its revocation', async () => {
    const erin = basic(issuer.token('erin'));
    expect((await advertisement('private-repo', 'git-upload-pack', erin)).status).toBe(404); // now cached
    await server.grant('alice', 'private-repo', 'erin', 'read');
    expect((await advertisement('private-repo', 'git-upload-pack', erin)).status).toBe(200);
    await server.grant('alice', 'private-repo', 'erin', 'write');
    expect((await advertisement('private-repo', 'git-receive-pack', erin)).status).toBe(200);
    const res = await server.api('DELETE', '/api/repos/private-repo/roles/erin', alice());
    expect(res.status).toBe(204);
    expect((await advertisement('private-repo', 'git-upload-pack', erin)).status).toBe(404);
  });

  it('making a repository public, then private again', async () => {
    expect((await advertisement('private-repo', 'git-upload-pack')).status).toBe(401); // cached
    expect((await server.api('PATCH', '/api/repos/private-repo', alice(), { public: true })).status).toBe(200);
    expect((await advertisement('private-repo', 'git-upload-pack')).status).toBe(200);
    expect((await server.api('PATCH', '/api/repos/private-repo', alice(), { public: false })).status).toBe(200);
    expect((await advertisement('private-repo', 'git-upload-pack')).status).toBe(401);
  });

  it('deleting a repository, and creating another of the same name, which starts empty', async () => {
    await server.createRepo('alice', 'short-lived');
    await git.ok(['push', url('short-lived'), 'main'], { cwd: seed, token: alice() });
    expect((await advertisement('short-lived', 'git-upload-pack', basic(alice()))).status).toBe(200);
    expect((await server.api('DELETE', '/api/repos/short-lived', issuer.token('bob'))).status).toBe(404);
    expect((await server.api('DELETE', '/api/repos/short-lived', alice())).status).toBe(204);
    expect((await advertisement('short-lived', 'git-upload-pack', basic(alice()))).status).toBe(404);
    await server.createRepo('frank', 'short-lived');
    // alice's old admin role went with the repository.
    expect((await advertisement('short-lived', 'git-upload-pack', basic(alice()))).status).toBe(404);
    expect(await git.ok(['ls-remote', url('short-lived')], { token: issuer.token('frank') })).toBe('');
  });

  it('the pushed content is what a reader clones', async () => {
    const dir = join(tmp, 'content-check');
    await git.ok(['clone', url('public-repo'), dir]);
    expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe('private\n');
  });
});
