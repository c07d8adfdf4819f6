// The error classes: one base, a code each, the name set once, and messages
// that say what was wrong. (Which call throws which error is specified where
// the call is: verifier, signer, remoteJwks, security.)
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';
import {
  InvalidArgumentError,
  InvalidOptionError,
  JwtCacheError,
  type JwtCacheErrorCode,
  JwtVerifyError,
  Redacted,
  SyncUnavailableError,
  TokenExpiredError,
  VerifierClosedError,
} from '../src/index.js';

type ErrorClass = new (...args: unknown[]) => Error;
const bases: readonly unknown[] = [JwtCacheError, JwtVerifyError];
const errorClasses: [string, ErrorClass][] = Object.entries(api as Record<string, unknown>).flatMap(([name, value]) =>
  typeof value === 'function' && value.prototype instanceof Error ? [[name, value as ErrorClass]] : [],
);

describe('errors', () => {
  it('every exported error extends JwtCacheError, and the refusals JwtVerifyError', () => {
    expect(errorClasses.map(([name]) => name)).toContain('JwtCacheError');
    for (const [name, cls] of errorClasses) {
      if (cls !== bases[0]) expect(cls.prototype, name).toBeInstanceOf(JwtCacheError);
      if (name.startsWith('Token') || name.startsWith('Bad') || name.endsWith('KidError')) {
        expect(cls.prototype, name).toBeInstanceOf(JwtVerifyError);
      }
    }
  });

  it('sets name to the class name, and keeps the message and the cause', () => {
    const cause = new Error('why');
    const expired = new TokenExpiredError('the token expired at 1 (now 2); ask for a new one', { cause });
    expect(expired).toMatchObject({
      name: 'TokenExpiredError',
      code: 'PERF_JWT_CACHE_EXPIRED',
      reason: 'expired',
      message: 'the token expired at 1 (now 2); ask for a new one',
      cause,
    });
    expect(new SyncUnavailableError('use verify()').name).toBe('SyncUnavailableError');
    expect(String(new VerifierClosedError('api'))).toBe(
      'VerifierClosedError: @perf/jwt-cache: verifier "api" was closed; create a new one with createVerifier() instead of using it after close()',
    );
  });

  it('InvalidOptionError carries option, expected and received, and says them in one sentence', () => {
    const error = new InvalidOptionError('cache.ttlSeconds', 'a number of seconds ≥ 0', -1);
    expect(error).toBeInstanceOf(JwtCacheError);
    expect(error).toMatchObject({
      name: 'InvalidOptionError',
      code: 'PERF_JWT_CACHE_INVALID_OPTION',
      option: 'cache.ttlSeconds',
      expected: 'a number of seconds ≥ 0',
      received: -1,
      message: '@perf/jwt-cache: option cache.ttlSeconds must be a number of seconds ≥ 0, received -1',
    });
  });

  it.each<[string, unknown, string]>([
    ['a string, quoted', 'ES265', '"ES265"'],
    ['a long string, cut', 'x'.repeat(100), `"${'x'.repeat(77)}..."`],
    ['undefined', undefined, 'undefined'],
    ['a function', () => 1, 'a function'],
    ['an array, by its length', ['a', 'b'], 'an array of 2'],
    ['a plain object, without its content', { k: 'secret' }, 'an object'],
    ['an instance, by its class', new Date(0), 'a Date'],
    ['bytes, by their class', new Uint8Array(4), 'a Uint8Array'],
    ['a redacted key, by its description', new Redacted('a secret of 16 bytes'), 'a secret of 16 bytes'],
  ])('shows %s in the message', (_name, received, shown) => {
    expect(new InvalidOptionError('x', 'y', received).message).toBe(
      `@perf/jwt-cache: option x must be y, received ${shown}`,
    );
  });

  it('InvalidArgumentError names the argument', () => {
    expect(new InvalidArgumentError('claims', 'a JWT claims set (a plain object)', [])).toMatchObject({
      code: 'PERF_JWT_CACHE_INVALID_ARGUMENT',
      argument: 'claims',
      message: '@perf/jwt-cache: argument claims must be a JWT claims set (a plain object), received an array of 0',
    });
  });

  it('switch (error.code) covers every code', () => {
    // A code missing from this switch fails to compile (`never`); one more fails here.
    const describe = (code: JwtCacheErrorCode): string => {
      switch (code) {
        case 'PERF_JWT_CACHE_TOO_LARGE':
        case 'PERF_JWT_CACHE_MALFORMED':
        case 'PERF_JWT_CACHE_ALG_NOT_ALLOWED':
        case 'PERF_JWT_CACHE_UNKNOWN_KID':
        case 'PERF_JWT_CACHE_BAD_SIGNATURE':
        case 'PERF_JWT_CACHE_EXPIRED':
        case 'PERF_JWT_CACHE_NOT_YET_VALID':
        case 'PERF_JWT_CACHE_TOO_OLD':
        case 'PERF_JWT_CACHE_BAD_ISSUER':
        case 'PERF_JWT_CACHE_BAD_AUDIENCE':
        case 'PERF_JWT_CACHE_MISSING_CLAIM':
        case 'PERF_JWT_CACHE_REVOKED':
        case 'PERF_JWT_CACHE_KEY_FETCH':
          return 'refused';
        case 'PERF_JWT_CACHE_INVALID_OPTION':
        case 'PERF_JWT_CACHE_INVALID_ARGUMENT':
        case 'PERF_JWT_CACHE_SYNC_UNAVAILABLE':
        case 'PERF_JWT_CACHE_CLOSED':
          return 'misused';
        default: {
          const unhandled: never = code;
          return unhandled;
        }
      }
    };
    // The abstract bases have no code of their own; every other class has one of its own.
    const concrete = errorClasses.filter(([, cls]) => !bases.includes(cls));
    const codes = new Set(concrete.map(([, cls]) => (new cls('x', 'y', 'z') as JwtCacheError).code));
    expect(codes.size).toBe(concrete.length);
    expect(codes.size).toBe(17);
    for (const code of codes) expect(describe(code)).toMatch(/^(refused|misused)$/);
  });
});
