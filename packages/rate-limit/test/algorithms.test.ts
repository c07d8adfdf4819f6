// The four algorithms' arithmetic, driven by an injected clock (no sleeps).
import { manualClock, seededRandom } from '@perf/testing';
import { describe, expect, test } from 'vitest';
import { type AlgorithmName, type Decision, RateLimiter } from '../src/index.js';

function limiter(algorithm: AlgorithmName, limit: number, windowMs: number, burst?: number) {
  const clock = manualClock(1_000_000);
  const l = new RateLimiter({
    algorithm,
    limit,
    windowMs,
    ...(burst === undefined ? {} : { burst }),
    now: clock.now,
  });
  return { l, clock };
}

const allowedOf = (ds: Decision[]) => ds.filter((d) => d.allowed).length;

describe('token bucket', () => {
  test('a full bucket serves the burst, then one token per refill interval', () => {
    const { l, clock } = limiter('token-bucket', 1, 1000, 5);
    const first = Array.from({ length: 5 }, () => l.consume('k'));
    expect(first.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0]);
    expect(first.every((d) => d.allowed && d.retryAfterMs === 0)).toBe(true);
    const refused = l.consume('k');
    expect(refused).toMatchObject({
      allowed: false,
      remaining: 0,
      retryAfterMs: 1000,
      resetMs: 5000,
      source: 'memory',
    });
    clock.advance(999);
    expect(l.consume('k').allowed).toBe(false);
    clock.advance(1);
    expect(l.consume('k')).toMatchObject({ allowed: true, remaining: 0 });
  });

  test('a refused call takes nothing (rate-limiter-flexible counts it)', () => {
    const { l } = limiter('token-bucket', 10, 1000);
    expect(l.consume('k', 8).allowed).toBe(true);
    expect(l.consume('k', 5)).toMatchObject({ allowed: false, remaining: 2, retryAfterMs: 300 });
    expect(l.consume('k', 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  test('fractional costs add up exactly enough', () => {
    const { l } = limiter('token-bucket', 1, 1000);
    const ds = Array.from({ length: 10 }, () => l.consume('k', 0.1));
    expect(allowedOf(ds)).toBe(10);
    expect(l.consume('k', 0.1).allowed).toBe(false);
  });

  test('a clock that steps back refills nothing', () => {
    const { l, clock } = limiter('token-bucket', 2, 1000);
    l.consume('k', 2);
    clock.advance(-60_000);
    expect(l.consume('k').allowed).toBe(false);
    clock.advance(60_500);
    expect(l.consume('k').allowed).toBe(true);
  });
});

describe('GCRA', () => {
  test('allows the burst at once, then one per emission interval', () => {
    const { l, clock } = limiter('gcra', 10, 1000, 3);
    expect([1, 2, 3, 4].map(() => l.consume('k').allowed)).toEqual([true, true, true, false]);
    const d = l.consume('k');
    expect(d).toMatchObject({ allowed: false, retryAfterMs: 100, resetMs: 300, remaining: 0 });
    clock.advance(100);
    expect(l.consume('k')).toMatchObject({ allowed: true, remaining: 0, resetMs: 300 });
  });

  test('makes the same decisions as the token bucket on a random trace', () => {
    const random = seededRandom(7);
    const a = limiter('token-bucket', 50, 1000, 20);
    const b = limiter('gcra', 50, 1000, 20);
    for (let i = 0; i < 5000; i++) {
      const dt = Math.floor(random() * 60);
      a.clock.advance(dt);
      b.clock.advance(dt);
      const key = `k${Math.floor(random() * 4)}`;
      const cost = 1 + Math.floor(random() * 5);
      const x = a.l.consume(key, cost);
      const y = b.l.consume(key, cost);
      expect({ i, ...y, source: 'memory' }).toEqual({ i, ...x });
    }
  });
});

describe('fixed window', () => {
  test('at most limit per window; the window opens at the key’s first call', () => {
    const { l, clock } = limiter('fixed-window', 3, 1000);
    clock.advance(250);
    expect([1, 2, 3, 4].map(() => l.consume('k').allowed)).toEqual([true, true, true, false]);
    clock.advance(600);
    expect(l.consume('k')).toMatchObject({ allowed: false, retryAfterMs: 400, resetMs: 400, remaining: 0 });
    clock.advance(400);
    expect(l.consume('k')).toMatchObject({ allowed: true, remaining: 2, resetMs: 1000 });
  });
});

describe.each(['fixed-window', 'sliding-window', 'gcra'] as const)('%s, clock stepping back', (algorithm) => {
  test('a clock that steps back allows nothing more', () => {
    const { l, clock } = limiter(algorithm, 3, 1000);
    for (let i = 0; i < 3; i++) expect(l.consume('k').allowed).toBe(true);
    clock.advance(-60_000);
    expect(l.consume('k').allowed).toBe(false);
    const refused = l.consume('k');
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(62_000);
  });
});

describe('sliding window', () => {
  test('weights the previous window by its overlap', () => {
    const { l, clock } = limiter('sliding-window', 10, 1000);
    for (let i = 0; i < 10; i++) expect(l.consume('k').allowed).toBe(true);
    expect(l.consume('k')).toMatchObject({ allowed: false, retryAfterMs: 1100 });
    clock.advance(1000); // next window: previous = 10 weighted 1.0
    expect(l.consume('k').allowed).toBe(false);
    clock.advance(250); // weight 0.75: estimate 7.5, room for 2
    expect(l.consume('k')).toMatchObject({ allowed: true, remaining: 1 });
    expect(l.consume('k')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = l.consume('k');
    // 10 × overlap + 2 + 1 ≤ 10 once the overlap is ≤ 0.7: 300 ms into the window, 50 ms from now.
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 50 });
    clock.advance(50);
    expect(l.consume('k').allowed).toBe(true);
    clock.advance(2000); // both windows over
    expect(l.consume('k', 10)).toMatchObject({ allowed: true, remaining: 0 });
  });
});

describe.each(['token-bucket', 'gcra', 'fixed-window', 'sliding-window'] as const)('%s', (algorithm) => {
  test('never allows more than the limit in one instant, whatever the costs', () => {
    const { l } = limiter(algorithm, 100, 60_000);
    const random = seededRandom(3);
    let taken = 0;
    for (let i = 0; i < 500; i++) {
      const cost = 1 + Math.floor(random() * 9);
      if (l.consume('k', cost).allowed) taken += cost;
    }
    expect(taken).toBeLessThanOrEqual(100);
    expect(taken).toBeGreaterThan(90);
  });

  test('peek answers like consume without taking', () => {
    const { l } = limiter(algorithm, 5, 1000);
    l.consume('k', 3);
    const peeked = l.peek('k', 2);
    expect(peeked).toEqual(l.peek('k', 2));
    expect(peeked.allowed).toBe(true);
    expect(l.peek('k', 3).allowed).toBe(false);
    expect(l.peek('new').remaining).toBe(5);
    expect(l.consume('k', 2)).toMatchObject({ allowed: true, remaining: 0 });
    expect(l.stats()).toMatchObject({ allowed: 2, rejected: 0 });
  });

  test('a refused call reports when the same cost will pass, and it does then', () => {
    const { l, clock } = limiter(algorithm, 4, 1000);
    while (l.consume('k', 3).allowed) clock.advance(10);
    const refused = l.peek('k', 3);
    expect(refused.allowed).toBe(false);
    clock.advance(refused.retryAfterMs - 1);
    expect(l.peek('k', 3).allowed).toBe(false);
    clock.advance(1);
    expect(l.consume('k', 3).allowed).toBe(true);
  });
});
