// diagnostics_channel: the names in channelNames, one message type per channel,
// and the breaker's `name` in every message.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { deferred, useFakeTime } from '@perf/testing';
import { describe, expect, it, vi } from 'vitest';
import {
  BreakerOpenError,
  BreakerTimeoutError,
  BulkheadFullError,
  CircuitBreaker,
  type CircuitBreakerChannelMessages,
  ConsecutiveFailures,
  channelNames,
} from '../src/index.js';
import { fail, ok } from './fixtures/calls.js';

useFakeTime();

type Event = keyof CircuitBreakerChannelMessages;
type Seen = { [E in Event]: [E, CircuitBreakerChannelMessages[E]] }[Event];

/** Runs `body` with a subscriber on every channel; returns what was published, in order. */
async function published(body: () => Promise<void>): Promise<Seen[]> {
  const seen: Seen[] = [];
  const handlers = Object.entries(channelNames).map(([event, name]) => {
    const handler = (message: unknown) => seen.push([event, message] as Seen);
    subscribe(name, handler);
    return [name, handler] as const;
  });
  try {
    await body();
  } finally {
    for (const [name, handler] of handlers) unsubscribe(name, handler);
  }
  return seen;
}

describe('diagnostics_channel', () => {
  it('names every channel perf:circuit-breaker:<event>', () => {
    expect(channelNames).toEqual({
      state: 'perf:circuit-breaker:state',
      reject: 'perf:circuit-breaker:reject',
      failure: 'perf:circuit-breaker:failure',
      success: 'perf:circuit-breaker:success',
      timeout: 'perf:circuit-breaker:timeout',
    });
  });

  it('publishes on diagnostics_channel', async () => {
    const seen = await published(async () => {
      const breaker = new CircuitBreaker({ name: 'docker', strategy: new ConsecutiveFailures(1) });
      await breaker.execute(ok);
      await fail(breaker, 1);
      await breaker.execute(ok).catch(() => {});
    });
    expect(seen.map(([event]) => event)).toEqual(['success', 'failure', 'state', 'reject']);
    expect(seen[2]?.[1]).toMatchObject({ name: 'docker', from: { kind: 'closed' }, to: { kind: 'open' } });
  });

  it('every message carries the breaker name, on every path: fast, timed, queued, rejected', async () => {
    const seen = await published(async () => {
      const fast = new CircuitBreaker({ name: 'fast', strategy: new ConsecutiveFailures(1) });
      await fast.execute(ok);
      await fail(fast, 1);
      await expect(fast.execute(ok)).rejects.toBeInstanceOf(BreakerOpenError);

      const timed = new CircuitBreaker({ name: 'timed', timeoutMs: 100 });
      await timed.execute(ok);
      const hung = timed.execute(() => new Promise<never>(() => {})).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(100);
      expect(await hung).toBeInstanceOf(BreakerTimeoutError);

      const bounded = new CircuitBreaker({ name: 'bounded', maxConcurrent: 1 });
      const gate = deferred<string>();
      const running = bounded.execute(() => gate.promise);
      await expect(bounded.execute(ok)).rejects.toBeInstanceOf(BulkheadFullError);
      gate.resolve('done');
      await running;
    });
    expect(seen.map(([event, message]) => `${message.name} ${event}`)).toEqual([
      'fast success',
      'fast failure',
      'fast state',
      'fast reject',
      'timed success',
      'timed timeout',
      'timed failure',
      'bounded reject',
      'bounded success',
    ]);
    const timeout = seen.find(([event]) => event === 'timeout');
    expect(timeout?.[1]).toEqual({ name: 'timed', timeoutMs: 100 });
    const rejects = seen.filter(([event]) => event === 'reject').map(([, m]) => (m as { error: unknown }).error);
    expect(rejects[0]).toBeInstanceOf(BreakerOpenError);
    expect(rejects[1]).toBeInstanceOf(BulkheadFullError);
  });
});
