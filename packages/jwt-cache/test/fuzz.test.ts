// A seeded fuzz test of the parser: mutated tokens and random JSON under valid
// HMAC signatures. Every input must end in claims or a JwtVerifyError; never a
// crash, a TypeError, or an acceptance of something that was not signed.
import { createHmac } from 'node:crypto';
import { manualClock, seededRandom } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import { createVerifier, JwtVerifyError } from '../src/index.js';
import { ecVerifier, joseSign } from './helpers.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u00e9\u0000{}"';
const clock = manualClock();

function outcome(f: () => unknown): 'accepted' | string {
  try {
    f();
    return 'accepted';
  } catch (e) {
    if (!(e instanceof JwtVerifyError)) throw e;
    return e.code;
  }
}

describe('parser fuzz (seeded)', () => {
  it('mutated ES256 tokens: only the original (or an equivalent encoding) is accepted', async () => {
    const rand = seededRandom(0x5eed);
    const pick = (s: string) => s[Math.floor(rand() * s.length)] as string;
    const v = await ecVerifier(clock, { algorithms: ['ES256', 'HS256'], negativeCache: { maxEntries: 100 } });
    const original = await joseSign({ sub: 'fuzz', exp: clock.seconds() + 600 });
    const decoded = (t: string) => t.split('.').map((s) => Buffer.from(s, 'base64url').toString('hex'));
    let accepted = 0;
    for (let i = 0; i < 4000; i++) {
      let t = original;
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * (t.length + 1));
        const op = rand();
        if (op < 0.4) t = t.slice(0, at) + pick(ALPHABET) + t.slice(at + 1);
        else if (op < 0.6) t = t.slice(0, at) + pick(ALPHABET) + t.slice(at);
        else if (op < 0.8) t = t.slice(0, at) + t.slice(at + 1);
        else t = t.split('.').reverse().join('.');
      }
      if (outcome(() => v.verifySync(t)) === 'accepted') {
        accepted++;
        expect(decoded(t)).toEqual(decoded(original));
      }
    }
    expect(accepted).toBeLessThan(4000);
  });

  it('random headers and claims under valid HMAC signatures', async () => {
    const rand = seededRandom(7);
    const secret = new Uint8Array(32).fill(9);
    const v = await createVerifier({
      keys: [{ key: secret, alg: 'HS256', kid: 'h' }],
      algorithms: ['HS256'],
      audience: 'api',
      maxTokenAge: 600,
      now: clock.now,
    });
    const values = () => {
      const r = rand();
      const now = clock.seconds();
      if (r < 0.1) return null;
      if (r < 0.2) return 'api';
      if (r < 0.3) return ['api', 1];
      if (r < 0.4) return now + Math.floor(rand() * 2000) - 1000;
      if (r < 0.5) return { nested: true };
      if (r < 0.6) return Number.NaN;
      if (r < 0.7) return '1e400';
      if (r < 0.8) return [];
      if (r < 0.9) return true;
      return now;
    };
    const names = ['alg', 'kid', 'crit', 'typ', 'aud', 'exp', 'nbf', 'iat', 'iss', 'sub', 'jti', '__proto__'];
    const counts = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      // Start from a valid token and damage each field with some probability.
      const header: Record<string, unknown> = { alg: 'HS256', kid: 'h' };
      const claims: Record<string, unknown> = { aud: 'api', iat: clock.seconds(), exp: clock.seconds() + 60 };
      for (const n of names) if (rand() < 0.05) header[n] = values();
      for (const n of names) if (rand() < 0.2) claims[n] = values();
      const encode = (x: unknown) =>
        Buffer.from(rand() < 0.05 ? JSON.stringify(x).slice(1) : JSON.stringify(x)).toString('base64url');
      const input = `${encode(header)}.${encode(claims)}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      const result = outcome(() => v.verifySync(token));
      counts.set(result, (counts.get(result) ?? 0) + 1);
    }
    // The generator reaches acceptance and most refusal reasons.
    expect(counts.get('accepted') ?? 0).toBeGreaterThan(0);
    expect(counts.size).toBeGreaterThanOrEqual(6);
  });
});
