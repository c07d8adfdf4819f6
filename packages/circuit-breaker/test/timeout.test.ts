import { deferred, useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import { BreakerTimeoutError, CircuitBreaker, ConsecutiveFailures, exceptClientErrors } from '../src/index.js';
import { fail, ok } from './fixtures/calls.js';

useFakeTime();

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
    expect(error).toMatchObject({ code: 'PERF_CIRCUIT_BREAKER_TIMEOUT', timeoutMs: 2_000 });
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

  it('settles a timed call the same way whether it took the fast path or not (a trial, a fallback)', async () => {
    const breaker = new CircuitBreaker({
      strategy: new ConsecutiveFailures(1),
      halfOpenAfterMs: 1_000,
      timeoutMs: 500,
    });
    const hung = () => new Promise<string>(() => {});
    // Closed, no per-call options: the fast timed path.
    const first = breaker.execute(hung).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await first).toBeInstanceOf(BreakerTimeoutError);
    expect(breaker.state).toMatchObject({ kind: 'open', opens: 1 });
    // Half-open, with a fallback: the slow path; the timed-out trial re-opens the circuit, the fallback answers.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(breaker.state.kind).toBe('half-open');
    const trial = breaker.execute(hung, { fallback: (error) => (error as Error).name });
    await vi.advanceTimersByTimeAsync(500);
    await expect(trial).resolves.toBe('BreakerTimeoutError');
    expect(breaker.state).toMatchObject({ kind: 'open', opens: 2 });
    expect(breaker.stats()).toMatchObject({ calls: 2, failures: 2, timeouts: 2, inFlight: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a call that throws synchronously under a timeout fails at once and leaves no timer', async () => {
    const breaker = new CircuitBreaker({ timeoutMs: 500 });
    await expect(
      breaker.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(breaker.stats()).toMatchObject({ failures: 1, timeouts: 0, inFlight: 0 });
    expect(vi.getTimerCount()).toBe(0);
  });
});
