// Regressions found in review: stale isolation handles, caller-aborted trials,
// snapshots from a clock ahead of ours, and re-entrant state listeners.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, ConsecutiveFailures, InvalidOptionError, TimeWindow } from '../src/index.js';

const boom = async (): Promise<never> => {
  throw new Error('boom');
};

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('isolate() handles', () => {
  it('a handle from before reset() cannot end a newer isolation', () => {
    const breaker = new CircuitBreaker();
    const old = breaker.isolate();
    breaker.reset();
    const current = breaker.isolate();
    old.release();
    expect(breaker.state.kind).toBe('forced-open');
    current.release();
    expect(breaker.state.kind).toBe('closed');
  });

  it('releasing an isolation does not undo a later forceOpen() or forceClosed()', () => {
    const breaker = new CircuitBreaker();
    const handle = breaker.isolate();
    breaker.forceOpen();
    handle.release();
    expect(breaker.state.kind).toBe('forced-open'); // held until reset(), as documented
    const onTop = breaker.isolate();
    onTop.release();
    expect(breaker.state.kind).toBe('forced-open');
    breaker.reset();
    const again = breaker.isolate();
    breaker.forceClosed();
    again.release();
    expect(breaker.state.kind).toBe('forced-closed');
  });
});

describe('a call the caller aborted', () => {
  it('is not a failed trial: the circuit stays half-open and the slot goes to another call', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 1_000 });
    await expect(breaker.execute(boom)).rejects.toThrow('boom');
    vi.advanceTimersByTime(1_000);
    expect(breaker.state.kind).toBe('half-open');
    const caller = new AbortController();
    const trial = breaker.execute(
      (signal) =>
        new Promise<string>((_, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
      { signal: caller.signal },
    );
    caller.abort(new Error('user navigated away'));
    await expect(trial).rejects.toThrow('user navigated away');
    expect(breaker.state.kind).toBe('half-open');
    await expect(breaker.execute(async () => 'healthy')).resolves.toBe('healthy');
    expect(breaker.state.kind).toBe('closed');
    expect(breaker.stats()).toMatchObject({ failures: 1, ignored: 1 });
  });

  it('does not count towards opening a closed circuit, with or without a timeout', async () => {
    for (const timeoutMs of [undefined, 5_000]) {
      const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(2), ...(timeoutMs ? { timeoutMs } : {}) });
      for (let i = 0; i < 3; i++) {
        const caller = new AbortController();
        const call = breaker.execute(
          (signal) =>
            new Promise<never>((_, reject) => {
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
            }),
          { signal: caller.signal },
        );
        caller.abort();
        await expect(call).rejects.toThrow();
      }
      expect(breaker.state.kind).toBe('closed');
    }
  });
});

describe('restore() of a snapshot from a clock ahead of ours', () => {
  const day = 86_400_000;

  it('waits at most one open period from now, not until the future retryAt', () => {
    const now = Date.now();
    const breaker = new CircuitBreaker({
      halfOpenAfterMs: 30_000,
      restore: {
        version: 1,
        state: { kind: 'open', since: now + day, retryAt: now + day + 30_000, opens: 1 },
        strategy: { type: 'consecutive-failures', data: [0] },
      },
    });
    expect(breaker.state).toMatchObject({ kind: 'open', since: now });
    vi.advanceTimersByTime(300_000); // the longest wait: 10 × halfOpenAfterMs by default
    expect(breaker.state.kind).toBe('half-open');
    expect(breaker.stats().since).toBeLessThanOrEqual(Date.now());
  });

  it('a TimeWindow whose newest bucket is in the future still forgets calls older than the window', () => {
    const now = Date.now();
    const ahead = new TimeWindow({ windowMs: 10_000, buckets: 10, minimumCalls: 5, failureRateThreshold: 50 });
    for (let i = 0; i < 4; i++) ahead.record(true, false, now + day);
    const breaker = new CircuitBreaker({
      strategy: new TimeWindow({ windowMs: 10_000, buckets: 10, minimumCalls: 5, failureRateThreshold: 50 }),
      restore: { version: 1, state: { kind: 'closed', since: now }, strategy: ahead.snapshot() },
    });
    vi.advanceTimersByTime(3_600_000); // an hour: far more than the 10 s window
    return expect(breaker.execute(async () => 'ok'))
      .resolves.toBe('ok')
      .then(() => expect(breaker.state.kind).toBe('closed')); // 4 failures from "the future" no longer count
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

it('a listener that changes the state does not reorder what the others see', async () => {
  const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1) });
  breaker.onStateChange((to) => {
    if (to.kind === 'open') breaker.reset(); // e.g. an operator hook that closes again at once
  });
  const seen: string[] = [];
  breaker.onStateChange((to, from) => seen.push(`${from.kind}>${to.kind}`));
  const published: string[] = [];
  const onState = (m: unknown) => {
    const { from, to } = m as { from: { kind: string }; to: { kind: string } };
    published.push(`${from.kind}>${to.kind}`);
  };
  subscribe('perf:circuit-breaker:state', onState);
  try {
    await expect(breaker.execute(boom)).rejects.toThrow('boom');
  } finally {
    unsubscribe('perf:circuit-breaker:state', onState);
  }
  expect(seen).toEqual(['closed>open', 'open>closed']);
  expect(published).toEqual(['closed>open', 'open>closed']);
  expect(breaker.state.kind).toBe('closed');
});
