import { deferred } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import { BulkheadFullError, CircuitBreaker } from '../src/index.js';
import { ok } from './fixtures/calls.js';

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
    expect(rejected).toMatchObject({ code: 'PERF_CIRCUIT_BREAKER_BULKHEAD_FULL' });
    expect(started).toBe(2);
    expect(breaker.stats()).toMatchObject({ inFlight: 2, queued: 1, rejected: 1, failures: 0 });
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
