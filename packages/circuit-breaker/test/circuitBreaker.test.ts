import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { deferred, useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  BreakerClosedError,
  BreakerOpenError,
  type BreakerState,
  CircuitBreaker,
  ConsecutiveFailures,
  CountWindow,
  channelNames,
  exceptClientErrors,
  type StateMessage,
  TimeWindow,
} from '../src/index.js';
import { boom, fail, ok } from './fixtures/calls.js';

useFakeTime();

describe('transitions', () => {
  it('opens after the configured consecutive failures and rejects with BreakerOpenError without calling fn', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), halfOpenAfterMs: 30_000 });
    await fail(breaker, 2);
    expect(breaker.state.kind).toBe('closed');
    await fail(breaker, 1);
    expect(breaker.state).toEqual({ kind: 'open', since: 1_000_000, retryAt: 1_030_000, opens: 1 });
    const fn = vi.fn(ok);
    const error = await breaker.execute(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(BreakerOpenError);
    expect(error).toMatchObject({ code: 'PERF_CIRCUIT_BREAKER_OPEN', state: 'open', retryAt: 1_030_000 });
    expect((error as Error).message).toContain('30000 ms');
  });

  it('a success resets the consecutive count', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(2) });
    await fail(breaker, 1);
    await breaker.execute(ok);
    await fail(breaker, 1);
    expect(breaker.state.kind).toBe('closed');
  });

  it('goes half-open once the wait is over, and a successful trial closes it', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 5_000 });
    const seen: string[] = [];
    breaker.onStateChange((to, from) => seen.push(`${from.kind}->${to.kind}`));
    await fail(breaker, 1);
    vi.advanceTimersByTime(4_999);
    expect(breaker.state.kind).toBe('open');
    vi.advanceTimersByTime(1);
    expect(breaker.state.kind).toBe('half-open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state.kind).toBe('closed');
    expect(seen).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('a failed trial opens it again', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 5_000 });
    await fail(breaker, 1);
    vi.advanceTimersByTime(5_000);
    await fail(breaker, 1);
    expect(breaker.state).toMatchObject({ kind: 'open', opens: 2, retryAt: Date.now() + 5_000 });
  });

  it('needs halfOpenSuccessThreshold successful trials to close', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      halfOpenAfterMs: 1_000,
      halfOpenPermittedCalls: 3,
      halfOpenSuccessThreshold: 2,
    });
    await fail(breaker, 1);
    vi.advanceTimersByTime(1_000);
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('closed');
  });

  it('never lets more than halfOpenPermittedCalls trials run under concurrency', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      halfOpenAfterMs: 1_000,
      halfOpenPermittedCalls: 2,
    });
    await fail(breaker, 1);
    vi.advanceTimersByTime(1_000);
    let running = 0;
    let peak = 0;
    const gates = [deferred<string>(), deferred<string>()];
    let started = 0;
    const trial = async () => {
      const gate = gates[started++];
      running++;
      peak = Math.max(peak, running);
      const v = await (gate as { promise: Promise<string> }).promise;
      running--;
      return v;
    };
    const results = Array.from({ length: 6 }, () => breaker.execute(trial).catch((e: unknown) => e));
    await Promise.resolve();
    expect(started).toBe(2);
    for (const g of gates) g.resolve('ok');
    const settled = await Promise.all(results);
    expect(peak).toBe(2);
    expect(settled.filter((r) => r === 'ok')).toHaveLength(2);
    const rejected = settled.filter((r) => r instanceof BreakerOpenError) as BreakerOpenError[];
    expect(rejected).toHaveLength(4);
    expect(rejected[0]?.state).toBe('half-open');
    expect(rejected[0]?.retryAt).toBeUndefined();
    expect(breaker.state.kind).toBe('closed');
  });

  it('an ignored error during half-open frees the trial slot', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      halfOpenAfterMs: 1_000,
      isFailure: exceptClientErrors,
    });
    await fail(breaker, 1);
    vi.advanceTimersByTime(1_000);
    const notFound = Object.assign(new Error('not found'), { status: 404 });
    await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
    expect(breaker.state.kind).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state.kind).toBe('closed');
  });

  it('waits grow exponentially with backoff, capped at maxMs, with seeded jitter', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      halfOpenAfterMs: 1_000,
      backoff: { multiplier: 2, maxMs: 3_000 },
    });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await fail(breaker, 1);
      const s = breaker.state as Extract<BreakerState, { kind: 'open' }>;
      waits.push(s.retryAt - s.since);
      vi.advanceTimersByTime(s.retryAt - s.since);
    }
    expect(waits).toEqual([1_000, 2_000, 3_000, 3_000]);
    await breaker.execute(ok);
    await fail(breaker, 1); // closing reset the count of openings
    const s = breaker.state as Extract<BreakerState, { kind: 'open' }>;
    expect(s.retryAt - s.since).toBe(1_000);

    const jittered = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      halfOpenAfterMs: 1_000,
      backoff: { jitter: 0.5 },
      random: () => 0.9,
    });
    await fail(jittered, 1);
    const j = jittered.state as Extract<BreakerState, { kind: 'open' }>;
    expect(j.retryAt - j.since).toBe(1_400);
  });

  it('a call started while closed that settles after the circuit opened does not count in the new state', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 1_000 });
    const slow = deferred<string>();
    const pending = breaker.execute(() => slow.promise);
    await fail(breaker, 1);
    vi.advanceTimersByTime(1_000);
    expect(breaker.state.kind).toBe('half-open');
    slow.reject(new Error('late'));
    await expect(pending).rejects.toThrow('late');
    expect(breaker.state.kind).toBe('half-open');
    expect(breaker.stats().failures).toBe(2);
  });

  it('a synchronous throw counts as a failure', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1) });
    await expect(
      breaker.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.state.kind).toBe('open');
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

describe('error classification', () => {
  it('a burst of client errors never opens the circuit', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), isFailure: exceptClientErrors });
    const errors = [
      Object.assign(new Error('bad request'), { status: 400 }),
      Object.assign(new Error('not found'), { statusCode: 404 }),
      Object.assign(new Error('axios'), { response: { status: 422 } }),
      Object.assign(new Error('invalid'), { name: 'ValidationError' }),
      new DOMException('caller gave up', 'AbortError'),
    ];
    for (let i = 0; i < 100; i++) {
      const error = errors[i % errors.length];
      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    }
    expect(breaker.state.kind).toBe('closed');
    expect(breaker.stats()).toMatchObject({ ignored: 100, failures: 0 });
    await fail(breaker, 3);
    expect(breaker.state.kind).toBe('open');
  });

  it('a predicate that throws counts the error as a failure', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      isFailure: () => {
        throw new Error('bug');
      },
    });
    await fail(breaker, 1);
    expect(breaker.state.kind).toBe('open');
  });
});

describe('fallback', () => {
  it('replaces breaker rejections and failures, never ignored errors', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), isFailure: exceptClientErrors });
    const fallback = (error: unknown) => `fallback:${(error as Error).name}`;
    await expect(breaker.execute(boom, { fallback })).resolves.toBe('fallback:Error');
    await expect(breaker.execute(ok, { fallback })).resolves.toBe('fallback:BreakerOpenError');
    breaker.reset();
    const notFound = Object.assign(new Error('nf'), { status: 404 });
    await expect(breaker.execute(() => Promise.reject(notFound), { fallback })).rejects.toBe(notFound);
  });
});

describe('manual control', () => {
  it('isolate() forces open until every handle is released', async () => {
    const breaker = new CircuitBreaker();
    const a = breaker.isolate();
    const b = breaker.isolate();
    await expect(breaker.execute(ok)).rejects.toMatchObject({
      code: 'PERF_CIRCUIT_BREAKER_OPEN',
      state: 'forced-open',
    });
    a.release();
    a.release();
    expect(breaker.state.kind).toBe('forced-open');
    b[Symbol.dispose]();
    expect(breaker.state.kind).toBe('closed');
  });

  it('forceClosed() lets everything through without recording; forceOpen() rejects everything; reset() closes', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1) });
    breaker.forceClosed();
    await fail(breaker, 5);
    expect(breaker.state.kind).toBe('forced-closed');
    breaker.forceOpen();
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    breaker.reset();
    await expect(breaker.execute(ok)).resolves.toBe('ok');
  });

  it('trip() opens now with the usual wait', async () => {
    const breaker = new CircuitBreaker({ halfOpenAfterMs: 2_000 });
    breaker.trip();
    expect(breaker.state).toMatchObject({ kind: 'open', retryAt: Date.now() + 2_000 });
  });

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

describe('state listeners', () => {
  it('a throwing state listener does not stop the transition and is reported as a warning; unsubscribe works', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1) });
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const seen = vi.fn();
    const off = breaker.onStateChange(() => {
      throw new Error('listener bug');
    });
    breaker.onStateChange(seen);
    try {
      await fail(breaker, 1);
      expect(breaker.state.kind).toBe('open');
      expect(seen).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({ message: 'listener bug' }),
        expect.objectContaining({ code: 'PERF_CIRCUIT_BREAKER_LISTENER_FAILED' }),
      );
      off();
      breaker.reset();
      expect(seen).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
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
      const { from, to } = m as StateMessage;
      published.push(`${from.kind}>${to.kind}`);
    };
    subscribe(channelNames.state, onState);
    try {
      await expect(breaker.execute(boom)).rejects.toThrow('boom');
    } finally {
      unsubscribe(channelNames.state, onState);
    }
    expect(seen).toEqual(['closed>open', 'open>closed']);
    expect(published).toEqual(['closed>open', 'open>closed']);
    expect(breaker.state.kind).toBe('closed');
  });
});

describe('stats', () => {
  it('counts every outcome, under the breaker name, in a fresh plain object', async () => {
    const breaker = new CircuitBreaker({
      name: 'docker',
      strategy: new ConsecutiveFailures(2),
      isFailure: exceptClientErrors,
    });
    await breaker.execute(ok);
    await breaker.execute(() => Promise.reject(Object.assign(new Error('x'), { status: 400 }))).catch(() => {});
    await fail(breaker, 2);
    await breaker.execute(ok).catch(() => {});
    expect(breaker.stats()).toEqual({
      name: 'docker',
      calls: 5,
      successes: 1,
      failures: 2,
      ignored: 1,
      rejected: 1,
      timeouts: 0,
      slowCalls: 0,
      inFlight: 0,
      queued: 0,
      state: 'open',
      since: Date.now(),
    });
    expect(breaker.stats()).not.toBe(breaker.stats());
    expect(new CircuitBreaker().stats().name).toBe('breaker');
  });
});

describe('lifecycle', () => {
  it('close() hands back queued calls, refuses new ones and waits for running ones', async () => {
    const breaker = new CircuitBreaker({ maxConcurrent: 1, maxQueue: 1 });
    const gate = deferred<string>();
    const running = breaker.execute(() => gate.promise);
    const queued = breaker.execute(ok).catch((e: unknown) => e);
    let closed = false;
    const closing = breaker.close().then(() => {
      closed = true;
    });
    expect(await queued).toBeInstanceOf(BreakerClosedError);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ code: 'PERF_CIRCUIT_BREAKER_CLOSED' });
    await Promise.resolve();
    expect(closed).toBe(false);
    gate.resolve('finished');
    await expect(running).resolves.toBe('finished');
    await closing;
    expect(closed).toBe(true);
  });

  it('supports await using', async () => {
    const breaker = new CircuitBreaker();
    await breaker[Symbol.asyncDispose]();
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(BreakerClosedError);
  });
});

describe('time window', () => {
  it('opens on the failure rate of the last windowMs only', async () => {
    const breaker = new CircuitBreaker({
      strategy: new TimeWindow({ windowMs: 10_000, buckets: 10, minimumCalls: 4, failureRateThreshold: 50 }),
    });
    await fail(breaker, 2);
    vi.advanceTimersByTime(10_000); // those two failures leave the window
    await breaker.execute(ok);
    await breaker.execute(ok);
    await fail(breaker, 1);
    expect(breaker.state.kind).toBe('closed'); // 1 of 3, below minimumCalls anyway
    await fail(breaker, 1);
    expect(breaker.state.kind).toBe('open'); // 2 of 4
  });
});

describe('slow calls', () => {
  it('a slow-call rate over the threshold opens the circuit', async () => {
    const breaker = new CircuitBreaker({
      strategy: new CountWindow({ size: 4, minimumCalls: 4, slowCallDurationMs: 100, slowCallRateThreshold: 50 }),
    });
    const sleepy = (ms: number) => () => new Promise<string>((r) => setTimeout(() => r('late'), ms));
    await breaker.execute(ok);
    await breaker.execute(ok);
    const one = breaker.execute(sleepy(150));
    await vi.advanceTimersByTimeAsync(150);
    await one;
    expect(breaker.state.kind).toBe('closed');
    const two = breaker.execute(sleepy(100));
    await vi.advanceTimersByTimeAsync(100);
    await two;
    expect(breaker.state.kind).toBe('open');
    expect(breaker.stats().slowCalls).toBe(2);
  });
});
