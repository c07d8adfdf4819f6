// The in-memory limiter: bad input is a typed error at the call or at
// construction, idle keys leave without timers, maxKeys bounds memory.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { manualClock, seededRandom } from '@perf/testing';
import { describe, expect, test } from 'vitest';
import {
  type AlgorithmName,
  type EvictMessage,
  InvalidArgumentError,
  InvalidOptionError,
  RateLimiter,
  type RateLimiterOptions,
  type RejectMessage,
} from '../src/index.js';
import type { KeyState } from '../src/keyState.js';
import { resolveAlgorithm } from '../src/options.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('bad input is a typed error, never a silent allow', () => {
  const l = new RateLimiter({ limit: 10, windowMs: 1000 });

  test.each([
    ['an empty key', '', 1],
    ['a number key', 42, 1],
    ['an undefined key', undefined, 1],
    ['a NaN cost', 'k', Number.NaN],
    ['a zero cost', 'k', 0],
    ['a negative cost', 'k', -1],
    ['an infinite cost', 'k', Number.POSITIVE_INFINITY],
    ['a string cost', 'k', '1'],
    ['a cost above the capacity', 'k', 11],
  ])('%s', (_, key, cost) => {
    const error = thrown(() => l.consume(key as string, cost as number));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'PERF_RATE_LIMIT_INVALID_ARGUMENT', name: 'InvalidArgumentError' });
    expect(() => l.peek(key as string, cost as number)).toThrow(InvalidArgumentError);
  });

  test('nothing was counted for the refused arguments', () => {
    expect(l.stats()).toEqual({ name: 'rate-limit', allowed: 0, rejected: 0, size: 0, evictions: 0 });
  });

  test.each([
    ['limit', { limit: 0, windowMs: 1 }],
    ['limit', { limit: Number.NaN, windowMs: 1 }],
    ['limit', { limit: '10', windowMs: 1 }],
    ['limit', { windowMs: 1 }],
    ['windowMs', { limit: 1, windowMs: -5 }],
    ['windowMs', { limit: 1, windowMs: Number.POSITIVE_INFINITY }],
    ['burst', { limit: 1, windowMs: 1, burst: 0 }],
    ['burst', { limit: 1, windowMs: 1, burst: 5, algorithm: 'fixed-window' }],
    ['algorithm', { limit: 1, windowMs: 1, algorithm: 'leaky' }],
    ['maxKeys', { limit: 1, windowMs: 1, maxKeys: 1.5 }],
    ['name', { limit: 1, windowMs: 1, name: '' }],
    ['now', { limit: 1, windowMs: 1, now: 5 }],
  ])('option %s', (option, options) => {
    const error = thrown(() => new RateLimiter(options as unknown as RateLimiterOptions));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'PERF_RATE_LIMIT_INVALID_OPTION', option, name: 'InvalidOptionError' });
    expect((error as Error).message).toMatch(new RegExp(`option ${option} must be .+, received .+`));
  });

  test('the message names the option, what was expected and what was received', () => {
    expect(thrown(() => new RateLimiter({ limit: -3, windowMs: 1000 }))).toMatchObject({
      message: '@perf/rate-limit: option limit must be a positive finite number, received -3',
      expected: 'a positive finite number',
      received: -3,
    });
  });
});

describe('memory', () => {
  test('no timer per key', () => {
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const l = new RateLimiter({ limit: 10, windowMs: 60_000, now: () => 0 });
    for (let i = 0; i < 10_000; i++) l.consume(`k${i}`);
    const after = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(after - before).toBe(0);
    expect(l.stats().size).toBe(10_000);
  });

  test('idle keys leave: after two idle periods nothing is held', () => {
    const clock = manualClock(0);
    const l = new RateLimiter({ algorithm: 'fixed-window', limit: 10, windowMs: 1000, now: clock.now });
    for (let i = 0; i < 1000; i++) l.consume(`k${i}`);
    clock.set(999);
    l.consume('hot');
    expect(l.stats().size).toBe(1001);
    clock.set(1000);
    l.consume('hot'); // rotation: the 1001 keys move to the previous generation
    expect(l.stats().size).toBe(1001);
    clock.set(2000);
    l.consume('hot'); // rotation: keys idle for a whole window are dropped
    expect(l.stats().size).toBe(1);
  });

  test.each(['token-bucket', 'gcra', 'fixed-window', 'sliding-window'] as const)(
    '%s: forgetting idle keys never changes a decision',
    (algorithm: AlgorithmName) => {
      // Reference: the same arithmetic on a Map that never forgets.
      const random = seededRandom(11);
      const clock = manualClock(5_000);
      const options = { algorithm, limit: 5, windowMs: 200 };
      const l = new RateLimiter({ ...options, now: clock.now });
      const reference = resolveAlgorithm(options);
      const kept = new Map<string, KeyState>();
      let forgotten = 0;
      for (let i = 0; i < 20_000; i++) {
        clock.advance(Math.floor(random() ** 4 * 400));
        const key = `k${Math.floor(random() * 20)}`;
        const cost = 1 + Math.floor(random() * 3);
        let s = kept.get(key);
        if (s === undefined) {
          s = reference.create(clock.now());
          kept.set(key, s);
        }
        const keysBefore = l.stats().size;
        expect(l.consume(key, cost)).toEqual(reference.consume(s, clock.now(), cost, 'memory'));
        if (l.stats().size < keysBefore) forgotten++;
      }
      expect(forgotten).toBeGreaterThan(100); // the store did forget keys along the way
    },
  );

  test('an early rotation (maxKeys reached) does not make a busy key forgettable before it is idle', () => {
    const clock = manualClock(0);
    const l = new RateLimiter({ algorithm: 'fixed-window', limit: 1, windowMs: 1000, maxKeys: 2, now: clock.now });
    l.consume('a');
    clock.set(900);
    expect(l.consume('b').allowed).toBe(true); // b's window: 900–1900, used up
    clock.set(950);
    l.consume('c'); // over the bound: an early rotation, and a (the oldest) is evicted
    expect(l.stats().evictions).toBe(1);
    clock.set(1000); // the rotation planned before the early one would drop b, idle only 100 ms
    expect(l.consume('b').allowed).toBe(false);
    expect(l.stats().evictions).toBe(1);
  });

  test('past maxKeys the least recently used key is forgotten, counted and published', () => {
    const evicted: EvictMessage[] = [];
    const listener = (m: unknown) => evicted.push(m as EvictMessage);
    subscribe('perf:rate-limit:evict', listener);
    try {
      const clock = manualClock(0);
      const l = new RateLimiter({ name: 'small', limit: 1, windowMs: 60_000, maxKeys: 3, now: clock.now });
      for (const k of ['a', 'b', 'c']) l.consume(k);
      clock.set(60_000);
      l.consume('a'); // a new generation: a moves to it, b and c stay in the older one
      l.consume('d'); // over the bound: the oldest key of the older generation, b, goes
      expect(l.stats()).toMatchObject({ size: 3, evictions: 1 });
      expect(evicted).toEqual([{ name: 'small', key: 'b' }]);
      expect(l.consume('a').allowed).toBe(false); // a was kept: it took its refilled token at 60 000
      expect(l.consume('b').allowed).toBe(true); // b starts over
    } finally {
      unsubscribe('perf:rate-limit:evict', listener);
    }
  });
});

test('stats count decisions; reject messages carry the name; reset forgets a key', () => {
  const messages: RejectMessage[] = [];
  const listener = (m: unknown) => messages.push(m as RejectMessage);
  subscribe('perf:rate-limit:reject', listener);
  try {
    const l = new RateLimiter({ name: 'api', limit: 2, windowMs: 1000, now: () => 0 });
    l.consume('k');
    l.consume('k');
    const refused = l.consume('k');
    expect(l.stats()).toEqual({ name: 'api', allowed: 2, rejected: 1, size: 1, evictions: 0 });
    expect(messages).toEqual([{ name: 'api', key: 'k', cost: 1, decision: refused }]);
    expect(l.reset('k')).toBe(true);
    expect(l.consume('k').allowed).toBe(true);
  } finally {
    unsubscribe('perf:rate-limit:reject', listener);
  }
});
