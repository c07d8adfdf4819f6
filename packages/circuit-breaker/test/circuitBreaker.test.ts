import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { deferred } from '@perf/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type BreakerError,
  BreakerOpenError,
  BreakerShutDownError,
  type BreakerState,
  BreakerTimeoutError,
  BulkheadFullError,
  CircuitBreaker,
  ConsecutiveFailures,
  CountWindow,
  exceptClientErrors,
  InvalidOptionError,
  TimeWindow,
} from '../src/index.js';

const ok = async (): Promise<string> => 'ok';
const boom = async (): Promise<never> => {
  throw new Error('boom');
};

async function fail(breaker: CircuitBreaker, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await expect(breaker.execute(boom)).rejects.toThrow('boom');
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

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
    expect(error).toMatchObject({ code: 'PERF_BREAKER_OPEN', state: 'open', retryAt: 1_030_000 });
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

describe('timeout', () => {
  it('cuts a hung function, aborts its signal and counts a failure', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), timeoutMs: 2_000 });
    let seen: AbortSignal | undefined;
    const pending = breaker
      .execute((signal) => {
        seen = signal;
        return new Promise<string>(() => {});
      })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await pending;
    expect(error).toBeInstanceOf(BreakerTimeoutError);
    expect(error).toMatchObject({ code: 'PERF_BREAKER_TIMEOUT', timeoutMs: 2_000 });
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
    expect(breaker.stats()).toMatchObject({ timeouts: 1, failures: 1, inFlight: 0, state: 'open' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out a function that declares no parameter too (it gets no signal of its own)', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 500 });
    const pending = breaker.execute(() => new Promise<string>(() => {})).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await pending).toBeInstanceOf(BreakerTimeoutError);
    expect(breaker.stats()).toMatchObject({ timeouts: 1, inFlight: 0 });
  });

  it('clears its timer when the call settles in time', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 2_000 });
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('passes the caller signal through, combined with the timeout', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 10_000 });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const pending = breaker.execute(
      (signal) =>
        new Promise<string>((_, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
      { signal: controller.signal },
    );
    controller.abort(new DOMException('stop', 'AbortError'));
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen?.aborted).toBe(true);
  });

  it('a timed call counts outcomes like any other, and one settling after a transition only in stats', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(2),
      timeoutMs: 10_000,
      isFailure: exceptClientErrors,
    });
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    const clientError = Object.assign(new Error('bad request'), { status: 400 });
    await expect(breaker.execute(() => Promise.reject(clientError))).rejects.toBe(clientError);
    const late = deferred<string>();
    const pending = breaker.execute(() => late.promise);
    await expect(
      breaker.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await fail(breaker, 1);
    expect(breaker.state.kind).toBe('open');
    breaker.reset();
    await fail(breaker, 1);
    late.reject(new Error('late')); // would be a second failure in a row if it counted in the new closed state
    await expect(pending).rejects.toThrow('late');
    expect(breaker.state.kind).toBe('closed');
    expect(breaker.stats()).toMatchObject({
      calls: 6,
      successes: 1,
      failures: 4,
      ignored: 1,
      timeouts: 0,
      inFlight: 0,
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call settling after its timeout changes nothing', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 500 });
    const late = deferred<string>();
    const pending = breaker.execute(() => late.promise).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await pending).toBeInstanceOf(BreakerTimeoutError);
    late.resolve('late');
    await late.promise;
    await Promise.resolve();
    expect(breaker.stats()).toMatchObject({ successes: 0, failures: 1, timeouts: 1, inFlight: 0 });
  });

  it('sets no timer per call when no timeout is set, in any state', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1) });
    for (let i = 0; i < 1_000; i++) await breaker.execute(ok);
    expect(vi.getTimerCount()).toBe(0);
    await fail(breaker, 1);
    await breaker.execute(ok).catch(() => undefined);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('bulkhead', () => {
  it('runs maxConcurrent calls, queues maxQueue, rejects the rest with BulkheadFullError', async () => {
    const breaker = new CircuitBreaker({ maxConcurrent: 2, maxQueue: 1 });
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()];
    let started = 0;
    const fn = () => (gates[started++] as { promise: Promise<string> }).promise;
    const a = breaker.execute(fn);
    const b = breaker.execute(fn);
    const c = breaker.execute(fn);
    const d = breaker.execute(fn).catch((e: unknown) => e);
    const rejected = await d;
    expect(rejected).toBeInstanceOf(BulkheadFullError);
    expect(rejected).toMatchObject({ code: 'PERF_BREAKER_BULKHEAD_FULL' });
    expect(started).toBe(2);
    expect(breaker.stats()).toMatchObject({ inFlight: 2, queued: 1, rejections: 1, failures: 0 });
    gates[0]?.resolve('a');
    await expect(a).resolves.toBe('a');
    await Promise.resolve();
    expect(started).toBe(3);
    gates[1]?.resolve('b');
    gates[2]?.resolve('c');
    await expect(Promise.all([b, c])).resolves.toEqual(['b', 'c']);
    expect(breaker.stats()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it('a caller abort removes a queued call', async () => {
    const breaker = new CircuitBreaker({ maxConcurrent: 1, maxQueue: 5 });
    const gate = deferred<string>();
    const running = breaker.execute(() => gate.promise);
    const controller = new AbortController();
    const fn = vi.fn(ok);
    const queued = breaker.execute(fn, { signal: controller.signal });
    expect(breaker.stats().queued).toBe(1);
    controller.abort(new Error('gave up'));
    await expect(queued).rejects.toThrow('gave up');
    expect(breaker.stats().queued).toBe(0);
    gate.resolve('done');
    await running;
    expect(fn).not.toHaveBeenCalled();
  });
});

describe('fallback', () => {
  it('replaces breaker rejections and failures, never ignored errors', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), isFailure: exceptClientErrors });
    const fallback = (error: unknown) => `fallback:${(error as BreakerError | Error).name}`;
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
    await expect(breaker.execute(ok)).rejects.toMatchObject({ code: 'PERF_BREAKER_OPEN', state: 'forced-open' });
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
});

describe('snapshot and restore', () => {
  it('carries an open state and the strategy counters across instances', async () => {
    const first = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), halfOpenAfterMs: 10_000 });
    await fail(first, 2);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const second = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), restore: saved });
    expect(second.state.kind).toBe('closed');
    await fail(second, 1);
    expect(second.state.kind).toBe('open');

    const third = new CircuitBreaker({ strategy: new ConsecutiveFailures(3), restore: second.snapshot() });
    expect(third.state).toMatchObject({ kind: 'open', retryAt: Date.now() + 30_000 });
    await expect(third.execute(ok)).rejects.toBeInstanceOf(BreakerOpenError);
  });

  it('a half-open snapshot comes back open with the wait over', async () => {
    const first = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 1_000 });
    await fail(first, 1);
    vi.advanceTimersByTime(1_000);
    const saved = first.snapshot();
    expect(saved.state.kind).toBe('half-open');
    const second = new CircuitBreaker({ strategy: new ConsecutiveFailures(1), restore: saved });
    expect(second.state.kind).toBe('half-open');
    await second.execute(ok);
    expect(second.state.kind).toBe('closed');
  });

  it('rejects a malformed snapshot or one from another strategy', () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.restore({ version: 2 } as never)).toThrow(InvalidOptionError);
    const other = new CircuitBreaker({ strategy: new CountWindow({ size: 10 }) }).snapshot();
    expect(() => breaker.restore(other)).toThrow(/ConsecutiveFailures snapshot/);
  });
});

describe('options', () => {
  it.each([
    [{ halfOpenAfterMs: -1 }, 'halfOpenAfterMs'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ maxConcurrent: 0 }, 'maxConcurrent'],
    [{ maxQueue: 1.5 }, 'maxQueue'],
    [{ halfOpenPermittedCalls: 2, halfOpenSuccessThreshold: 3 }, 'halfOpenSuccessThreshold'],
    [{ backoff: { jitter: 2 } }, 'backoff.jitter'],
    [{ backoff: { multiplier: 0.5 } }, 'backoff.multiplier'],
    [{ isFailure: 'yes' }, 'isFailure'],
    [{ strategy: {} }, 'strategy'],
  ])('%o is refused at construction', (options, option) => {
    const error = (() => {
      try {
        new CircuitBreaker(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'PERF_BREAKER_INVALID_OPTION', option });
  });
});

describe('observability', () => {
  it('stats() counts every outcome', async () => {
    const breaker = new CircuitBreaker({ strategy: new ConsecutiveFailures(2), isFailure: exceptClientErrors });
    await breaker.execute(ok);
    await breaker.execute(() => Promise.reject(Object.assign(new Error('x'), { status: 400 }))).catch(() => {});
    await fail(breaker, 2);
    await breaker.execute(ok).catch(() => {});
    expect(breaker.stats()).toEqual({
      calls: 5,
      successes: 1,
      failures: 2,
      ignored: 1,
      rejections: 1,
      timeouts: 0,
      slowCalls: 0,
      inFlight: 0,
      queued: 0,
      state: 'open',
      since: Date.now(),
    });
  });

  it('publishes on diagnostics_channel', async () => {
    const messages: [string, unknown][] = [];
    const names = ['state', 'reject', 'failure', 'success'].map((e) => `perf:circuit-breaker:${e}`);
    const handlers = names.map((name) => (message: unknown) => messages.push([name, message]));
    for (const [i, n] of names.entries()) subscribe(n, handlers[i] as (m: unknown) => void);
    try {
      const breaker = new CircuitBreaker({ name: 'docker', strategy: new ConsecutiveFailures(1) });
      await breaker.execute(ok);
      await fail(breaker, 1);
      await breaker.execute(ok).catch(() => {});
    } finally {
      for (const [i, n] of names.entries()) unsubscribe(n, handlers[i] as (m: unknown) => void);
    }
    expect(messages.map(([n]) => n.split(':')[2])).toEqual(['success', 'failure', 'state', 'reject']);
    expect(messages[2]?.[1]).toMatchObject({ breaker: 'docker', from: { kind: 'closed' }, to: { kind: 'open' } });
  });

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
        expect.objectContaining({ code: 'PERF_BREAKER_LISTENER_FAILED' }),
      );
      off();
      breaker.reset();
      expect(seen).toHaveBeenCalledTimes(2);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
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
    expect(await queued).toBeInstanceOf(BreakerShutDownError);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ code: 'PERF_BREAKER_SHUT_DOWN' });
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
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(BreakerShutDownError);
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
