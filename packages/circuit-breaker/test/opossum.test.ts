// The same scenarios against opossum and against our opossum-shaped adapter:
// the observable behaviour (results, errors, event sequences, states) must match.

import { useFakeTime } from '@perf/testing';
import Opossum from 'opossum';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BreakerClosedError, BreakerOpenError, BreakerTimeoutError } from '../src/index.js';
import { OpossumBreaker } from '../src/opossum.js';

type Action = (...args: unknown[]) => Promise<unknown>;

interface Shape {
  fire(...args: unknown[]): Promise<unknown>;
  fallback(fn: (...args: unknown[]) => unknown): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  open(): void;
  close(): void;
  shutdown(): void;
  readonly opened: boolean;
  readonly closed: boolean;
  readonly halfOpen: boolean;
  readonly isShutdown: boolean;
}

const EVENTS = [
  'fire',
  'success',
  'failure',
  'timeout',
  'reject',
  'open',
  'halfOpen',
  'close',
  'fallback',
  'semaphoreLocked',
  'shutdown',
];

const implementations: [string, (action: Action, options: object) => Shape, (e: unknown) => boolean][] = [
  ['opossum', (a, o) => new Opossum(a, o) as unknown as Shape, (e) => Opossum.isOurError(e as Error)],
  ['@perf/circuit-breaker', (a, o) => new OpossumBreaker(a, o) as unknown as Shape, OpossumBreaker.isOurError],
];

const breakers: Shape[] = [];
useFakeTime();
afterEach(() => {
  for (const b of breakers.splice(0)) b.shutdown();
});

const fails = (): Action => async () => {
  throw new Error('down');
};
const succeeds = (): Action => async (x) => `ok:${String(x)}`;

describe.each(implementations)('%s', (_label, make, isOurError) => {
  function create(action: Action, options: object): { breaker: Shape; events: string[] } {
    const breaker = make(action, options);
    breakers.push(breaker);
    const events: string[] = [];
    for (const e of EVENTS) breaker.on(e, () => events.push(e));
    return { breaker, events };
  }

  it('passes a successful call through: fire, success', async () => {
    const { breaker, events } = create(succeeds(), { timeout: false });
    await expect(breaker.fire(1)).resolves.toBe('ok:1');
    expect(events).toEqual(['fire', 'success']);
    expect(breaker.closed).toBe(true);
  });

  it('opens once the failure rate passes the threshold with enough volume, then rejects without calling', async () => {
    const action = vi.fn(fails());
    const { breaker, events } = create(action, { timeout: false, volumeThreshold: 3, errorThresholdPercentage: 50 });
    for (let i = 0; i < 3; i++) await expect(breaker.fire()).rejects.toThrow('down');
    expect(events).toEqual(['fire', 'failure', 'fire', 'failure', 'fire', 'failure', 'open']);
    expect(breaker.opened).toBe(true);
    const error = await breaker.fire().catch((e: unknown) => e);
    expect(isOurError(error)).toBe(true);
    expect(action).toHaveBeenCalledTimes(3);
    expect(events.slice(-2)).toEqual(['fire', 'reject']);
  });

  it('does not open while the failure rate stays at or below the threshold', async () => {
    let n = 0;
    const alternate: Action = async () => {
      if (n++ % 2 === 1) throw new Error('down');
      return 'ok';
    };
    const { breaker } = create(alternate, { timeout: false, volumeThreshold: 2, errorThresholdPercentage: 50 });
    for (let i = 0; i < 10; i++) await breaker.fire().catch(() => undefined);
    expect(breaker.closed).toBe(true);
  });

  it('calls the fallback with the arguments and the error, on failure and on rejection', async () => {
    const { breaker, events } = create(fails(), { timeout: false });
    breaker.fallback((x, error) => `fallback:${String(x)}:${isOurError(error) ? 'ours' : (error as Error).message}`);
    await expect(breaker.fire('a')).resolves.toBe('fallback:a:down');
    await expect(breaker.fire('b')).resolves.toBe('fallback:b:ours');
    expect(events).toEqual(['fire', 'failure', 'open', 'fallback', 'fire', 'reject', 'fallback']);
  });

  it('goes half-open after resetTimeout; a successful trial closes it', async () => {
    let healthy = false;
    const action: Action = async () => {
      if (!healthy) throw new Error('down');
      return 'ok';
    };
    const { breaker, events } = create(action, { timeout: false, resetTimeout: 30_000 });
    await breaker.fire().catch(() => undefined);
    expect(breaker.opened).toBe(true);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(breaker.opened).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(breaker.halfOpen).toBe(true);
    healthy = true;
    await expect(breaker.fire()).resolves.toBe('ok');
    expect(breaker.closed).toBe(true);
    // opossum closes before telling listeners of the success
    expect(events).toEqual(['fire', 'failure', 'open', 'halfOpen', 'fire', 'close', 'success']);
  });

  it('a failed trial opens it again, and only one trial runs at a time', async () => {
    let release!: () => void;
    let calls = 0;
    const action: Action = async () => {
      calls++;
      if (calls === 1) throw new Error('down');
      await new Promise<void>((r) => {
        release = r;
      });
      throw new Error('still down');
    };
    const { breaker, events } = create(action, { timeout: false, resetTimeout: 1_000 });
    await breaker.fire().catch(() => undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    const trial = breaker.fire().catch((e: unknown) => e);
    const second = await breaker.fire().catch((e: unknown) => e);
    expect(isOurError(second)).toBe(true);
    release();
    expect(((await trial) as Error).message).toBe('still down');
    expect(calls).toBe(2);
    expect(breaker.opened).toBe(true);
    expect(events).toEqual(['fire', 'failure', 'open', 'halfOpen', 'fire', 'fire', 'reject', 'failure', 'open']);
  });

  it('cuts a hung call at the timeout: timeout, failure, open', async () => {
    const { breaker, events } = create(() => new Promise(() => {}), { timeout: 1_000 });
    const pending = breaker.fire().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await pending;
    expect(isOurError(error)).toBe(true);
    expect(events).toEqual(['fire', 'timeout', 'failure', 'open']);
  });

  it('a burst of client errors excused by errorFilter never opens the circuit', async () => {
    const notFound = Object.assign(new Error('not found'), { status: 404 });
    const { breaker, events } = create(async () => Promise.reject(notFound), {
      timeout: false,
      errorFilter: (e: { status?: number }) => e.status === 404,
    });
    breaker.fallback(() => 'fallback');
    for (let i = 0; i < 50; i++) await expect(breaker.fire()).rejects.toBe(notFound);
    expect(breaker.closed).toBe(true);
    expect(events.slice(0, 4)).toEqual(['fire', 'success', 'fire', 'success']);
    expect(events).not.toContain('fallback');
  });

  it('rejects calls beyond capacity with semaphoreLocked', async () => {
    let release!: (v: string) => void;
    const action: Action = () =>
      new Promise((r) => {
        release = r;
      });
    const { breaker, events } = create(action, { timeout: false, capacity: 1 });
    const first = breaker.fire();
    const second = await breaker.fire().catch((e: unknown) => e);
    expect(isOurError(second)).toBe(true);
    expect(events).toContain('semaphoreLocked');
    release('done');
    await expect(first).resolves.toBe('done');
  });

  it('open() and close() switch the state by hand', async () => {
    const { breaker, events } = create(succeeds(), { timeout: false });
    breaker.open();
    expect(breaker.opened).toBe(true);
    await expect(breaker.fire()).rejects.toSatisfy(isOurError);
    breaker.close();
    await expect(breaker.fire(2)).resolves.toBe('ok:2');
    expect(events).toEqual(['open', 'fire', 'reject', 'close', 'fire', 'success']);
  });

  it('after shutdown() every call is refused', async () => {
    const { breaker } = create(succeeds(), { timeout: false });
    breaker.shutdown();
    expect(breaker.isShutdown).toBe(true);
    await expect(breaker.fire()).rejects.toThrow();
  });
});

describe('OpossumBreaker specifics', () => {
  it('raises this package’s typed errors', async () => {
    const breaker = new OpossumBreaker(() => new Promise(() => {}), { timeout: 100 });
    const pending = breaker.fire().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    expect(await pending).toBeInstanceOf(BreakerTimeoutError);
    await expect(breaker.fire()).rejects.toBeInstanceOf(BreakerOpenError);
    expect(breaker.stats).toMatchObject({ fires: 2, timeouts: 1, failures: 1, rejects: 1 });
    breaker.shutdown();
  });

  it('bypasses the breaker when disabled', async () => {
    const breaker = new OpossumBreaker(
      async () => {
        throw new Error('down');
      },
      { timeout: false, enabled: false },
    );
    for (let i = 0; i < 5; i++) await expect(breaker.fire()).rejects.toThrow('down');
    expect(breaker.closed).toBe(true);
    breaker.enable();
    await expect(breaker.fire()).rejects.toThrow('down');
    expect(breaker.opened).toBe(true);
    breaker.shutdown();
  });

  it('refuses a non-function action', () => {
    expect(() => new OpossumBreaker('nope' as never)).toThrow(/action must be a function/);
  });

  it('await using shuts it down and waits for running calls (opossum has no equivalent)', async () => {
    let finish!: (v: string) => void;
    const breaker = new OpossumBreaker(() => new Promise<string>((r) => (finish = r)), { timeout: false });
    const running = breaker.fire();
    let disposed = false;
    const disposing = breaker[Symbol.asyncDispose]().then(() => {
      disposed = true;
    });
    expect(breaker.isShutdown).toBe(true);
    await expect(breaker.fire()).rejects.toBeInstanceOf(BreakerClosedError);
    await Promise.resolve();
    expect(disposed).toBe(false);
    finish('done');
    await expect(running).resolves.toBe('done');
    await disposing;
    expect(disposed).toBe(true);
  });
});
