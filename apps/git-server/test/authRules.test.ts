// The rules of the gate as a table: what credentials are read as a token,
// what a scope allows, and the status every combination of caller, role,
// scope and visibility gets.
import { describe, expect, it } from 'vitest';
import { presentedToken } from '../src/auth/credentials.js';
import { decide, levelFor } from '../src/auth/gate.js';
import { type Identity, scopeCeiling } from '../src/auth/identity.js';
import { ADMIN, encodeAccess, type Level, MISSING, NONE, READ, WRITE } from '../src/auth/roles.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('presentedToken', () => {
  it.each([
    [undefined, { kind: 'anonymous' }],
    ['', { kind: 'anonymous' }],
    ['Bearer abc.def.ghi', { kind: 'token', token: 'abc.def.ghi', scheme: 'bearer' }],
    ['bearer   abc', { kind: 'token', token: 'abc', scheme: 'bearer' }],
    [`Basic ${b64('x-token:abc')}`, { kind: 'token', token: 'abc', scheme: 'basic' }],
    [`Basic ${b64('abc:')}`, { kind: 'token', token: 'abc', scheme: 'basic' }],
    [`BASIC ${b64('user:pa:ss')}`, { kind: 'token', token: 'pa:ss', scheme: 'basic' }],
  ])('%j', (header, expected) => {
    expect(presentedToken(header)).toEqual(expected);
  });

  it.each(['Bearer', 'Bearer ', `Basic ${b64('no-colon')}`, `Basic ${b64(':')}`, 'Digest username="x"', 'Token abc'])(
    'refuses %j',
    (header) => {
      expect(presentedToken(header).kind).toBe('malformed');
    },
  );
});

describe('presentedToken keeps decoded headers per slot', () => {
  it('never answers a header with the token of another that falls in the same slot', () => {
    // Same length and same last characters: the same slot, different tokens.
    const a = `Basic ${b64(`x:token-AAAA-${'1'.repeat(40)}`)}`;
    const b = `Basic ${b64(`x:token-BBBB-${'1'.repeat(40)}`)}`;
    expect(a.length).toBe(b.length);
    expect(a.slice(-8)).toBe(b.slice(-8));
    for (let round = 0; round < 3; round++) {
      expect(presentedToken(a)).toMatchObject({ token: `token-AAAA-${'1'.repeat(40)}` });
      expect(presentedToken(b)).toMatchObject({ token: `token-BBBB-${'1'.repeat(40)}` });
    }
  });
});

describe('scopeCeiling', () => {
  it.each([
    ['git:read git:write', ADMIN],
    ['write', ADMIN],
    ['read write', ADMIN],
    ['git:read', READ],
    ['openid read', READ],
    ['profile', NONE],
    ['git:readx', NONE],
    ['', NONE],
    [undefined, NONE],
    [['git:write'], NONE], // scope is a space-separated string (RFC 9068 §2.2.3.1), not an array
  ])('%j → %i', (scope, level) => {
    expect(scopeCeiling(scope)).toBe(level);
  });
});

describe('the decision table', () => {
  const who = (role: 'anonymous' | 'user' | 'admin-subject', ceiling: Level = ADMIN): Identity | undefined =>
    role === 'anonymous' ? undefined : { subject: role, ceiling, admin: role === 'admin-subject' };
  const allowed = { allowed: true as const, identity: undefined };
  const status = (identity: Identity | undefined, access: number, need: Level) => {
    const outcome = decide(identity, access, need, allowed);
    return outcome.allowed ? 200 : outcome.status;
  };

  it('a missing repository: 401 for anonymous, 404 for everyone else, admin subjects too', () => {
    expect(status(who('anonymous'), MISSING, READ)).toBe(401);
    expect(status(who('user'), MISSING, READ)).toBe(404);
    expect(status(who('admin-subject'), MISSING, READ)).toBe(404);
  });

  it.each([
    // role, public, need, anonymous, user (full scope), user (read scope), user (no git scope)
    [NONE, false, READ, 401, 404, 404, 404],
    [NONE, true, READ, 200, 200, 200, 200],
    [NONE, true, WRITE, 401, 403, 403, 403],
    [READ, false, READ, 401, 200, 200, 404],
    [READ, false, WRITE, 401, 403, 403, 404],
    [WRITE, false, WRITE, 401, 200, 403, 404],
    [WRITE, false, ADMIN, 401, 403, 403, 404],
    [ADMIN, false, ADMIN, 401, 200, 403, 404],
    [ADMIN, true, ADMIN, 401, 200, 403, 403],
  ] as const)('role %i, public %s, needs %i → %i / %i / %i / %i', (role, isPublic, need, anon, full, read, none) => {
    const access = encodeAccess(role, isPublic);
    expect(status(who('anonymous'), access, need)).toBe(anon);
    expect(status(who('user', ADMIN), access, need)).toBe(full);
    expect(status(who('user', READ), access, need)).toBe(read);
    expect(status(who('user', NONE), access, need)).toBe(none);
  });

  it('an admin subject reaches admin on any existing repository, capped by its scope', () => {
    const privateRepo = encodeAccess(NONE, false);
    expect(levelFor(who('admin-subject', ADMIN), privateRepo)).toBe(ADMIN);
    expect(levelFor(who('admin-subject', READ), privateRepo)).toBe(READ);
  });
});
