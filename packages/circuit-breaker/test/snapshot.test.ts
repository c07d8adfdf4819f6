// snapshot() / restore(): the state and the strategy's counters carried across
// a restart, on the breaker's own clock (a manual one here).
import { manualClock } from '@perf/testing';
import { describe, expect, it } from 'vitest';
import {
  BreakerOpenError,
  CircuitBreaker,
  ConsecutiveFailures,
  CountWindow,
  InvalidOptionError,
  TimeWindow,
} from '../src/index.js';
import { fail, ok } from './fixtures/calls.js';

describe('snapshot and restore', () => {
  it('carries an open state and the strategy counters across instances', async () => {
    const clock = manualClock();
    const first = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), halfOpenAfterMs: 10_000, now: clock.now });
    await fail(first, 2);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const second = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), restore: saved, now: clock.now });
    expect(second.state.kind).toBe('closed');
    await fail(second, 1);
    expect(second.state.kind).toBe('open');

    const third = new CircuitBreaker({
      strategy: new ConsecutiveFailures(3),
      restore: second.snapshot(),
      now: clock.now,
    });
    expect(third.state).toMatchObject({ kind: 'open', retryAt: clock.now() + 30_000 });
    await expect(third.execute(ok)).rejects.toBeInstanceOf(BreakerOpenError);
  });

  it('a half-open snapshot comes back open with the wait over', async () => {
    const clock = manualClock();
    const first = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 1_000, now: clock.now });
    await fail(first, 1);
    clock.advance(1_000);
    const saved = first.snapshot();
    expect(saved.state.kind).toBe('half-open');
    const second = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), restore: saved, now: clock.now });
    expect(second.state.kind).toBe('half-open');
    await second.execute(ok);
    expect(second.state.kind).toBe('closed');
  });

  it('rejects a malformed snapshot or one from another strategy', () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.restore({ version: 2 } as never)).toThrow(InvalidOptionError);
    expect(() => breaker.restore({ version: 2 } as never)).toThrow(
      '@perf/circuit-breaker: option restore must be a BreakerSnapshot from snapshot() (version 1), received {"version":2}',
    );
    const other = new CircuitBreaker({ strategy: new CountWindow({ size: 10 }) }).snapshot();
    expect(() => breaker.restore(other)).toThrow(/ConsecutiveFailures snapshot/);
  });

  it('an open snapshot with opens < 1 is refused', () => {
    const bad = {
      version: 1 as const,
      state: { kind: 'open' as const, since: 0, retryAt: 0, opens: -3 },
      strategy: { type: 'consecutive-failures', data: [0] },
    };
    expect(() => new CircuitBreaker({ restore: bad })).toThrow(InvalidOptionError);
  });
});

describe('restore() of a snapshot from a clock ahead of ours', () => {
  const day = 86_400_000;

  it('waits at most one open period from now, not until the future retryAt', () => {
    const clock = manualClock();
    const now = clock.now();
    const breaker = new CircuitBreaker({
      halfOpenAfterMs: 30_000,
      now: clock.now,
      restore: {
        version: 1,
        state: { kind: 'open', since: now + day, retryAt: now + day + 30_000, opens: 1 },
        strategy: { type: 'consecutive-failures', data: [0] },
      },
    });
    expect(breaker.state).toMatchObject({ kind: 'open', since: now });
    clock.advance(300_000); // the longest wait: 10 × halfOpenAfterMs by default
    expect(breaker.state.kind).toBe('half-open');
    expect(breaker.stats().since).toBeLessThanOrEqual(clock.now());
  });

  it('a TimeWindow whose newest bucket is in the future still forgets calls older than the window', async () => {
    const clock = manualClock();
    const now = clock.now();
    const ahead = new TimeWindow({ windowMs: 10_000, buckets: 10, minimumCalls: 5, failureRateThreshold: 50 });
    for (let i = 0; i < 4; i++) ahead.record(true, false, now + day);
    const breaker = new CircuitBreaker({
      strategy: new TimeWindow({ windowMs: 10_000, buckets: 10, minimumCalls: 5, failureRateThreshold: 50 }),
      now: clock.now,
      restore: { version: 1, state: { kind: 'closed', since: now }, strategy: ahead.snapshot() },
    });
    clock.advance(3_600_000); // an hour: far more than the 10 s window
    await expect(breaker.execute(async () => 'ok')).resolves.toBe('ok');
    expect(breaker.state.kind).toBe('closed'); // 4 failures from "the future" no longer count
  });
});
