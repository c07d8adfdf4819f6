// Every option is checked once, at construction: a bad one throws
// InvalidOptionError naming it, what it must be and what was received.
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, ConsecutiveFailures, CountWindow, InvalidOptionError, TimeWindow } from '../src/index.js';
import { OpossumBreaker } from '../src/opossum.js';

function thrownBy(make: () => unknown): unknown {
  try {
    make();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

describe('CircuitBreaker options', () => {
  it.each([
    [{ halfOpenAfterMs: -1 }, 'halfOpenAfterMs'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ maxConcurrent: 0 }, 'maxConcurrent'],
    [{ maxQueue: 1.5 }, 'maxQueue'],
    [{ halfOpenPermittedCalls: 2, halfOpenSuccessThreshold: 3 }, 'halfOpenSuccessThreshold'],
    [{ backoff: { jitter: 2 } }, 'backoff.jitter'],
    [{ backoff: { multiplier: 0.5 } }, 'backoff.multiplier'],
    [{ backoff: { maxMs: 10 } }, 'backoff.maxMs'],
    [{ isFailure: 'yes' }, 'isFailure'],
    [{ strategy: {} }, 'strategy'],
    [{ name: '' }, 'name'],
    [{ name: 42 }, 'name'],
    [{ now: 1_000 }, 'now'],
    [{ random: 0.5 }, 'random'],
  ])('%o is refused at construction', (options, option) => {
    const error = thrownBy(() => new CircuitBreaker(options as never));
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'PERF_CIRCUIT_BREAKER_INVALID_OPTION', option });
  });

  it('says what the option must be and what it received', () => {
    expect(thrownBy(() => new CircuitBreaker({ timeoutMs: 0 }))).toMatchObject({
      option: 'timeoutMs',
      expected: 'a finite number >= 1',
      received: 0,
      message: '@perf/circuit-breaker: option timeoutMs must be a finite number >= 1, received 0',
    });
    expect(thrownBy(() => new CircuitBreaker({ isFailure: 'yes' as never }))).toHaveProperty(
      'message',
      '@perf/circuit-breaker: option isFailure must be a function, received "yes"',
    );
  });

  it('is not re-read after construction', async () => {
    const options = { strategy: new ConsecutiveFailures(1), halfOpenAfterMs: 1_000 };
    const breaker = new CircuitBreaker(options);
    (options as { halfOpenAfterMs: number }).halfOpenAfterMs = -1;
    breaker.trip();
    expect(breaker.state).toMatchObject({ kind: 'open' });
    expect((breaker.state as { retryAt: number }).retryAt - breaker.state.since).toBe(1_000);
  });
});

describe('strategy options', () => {
  it('ConsecutiveFailures refuses a threshold below 1', () => {
    expect(thrownBy(() => new ConsecutiveFailures(0))).toMatchObject({ option: 'ConsecutiveFailures threshold' });
  });

  it.each([
    [{ size: 0 }, 'CountWindow size'],
    [{ size: 5, minimumCalls: 6 }, 'CountWindow minimumCalls'],
    [{ failureRateThreshold: 0 }, 'CountWindow failureRateThreshold'],
    [{ slowCallRateThreshold: 101 }, 'CountWindow slowCallRateThreshold'],
    [{ slowCallDurationMs: -1 }, 'CountWindow slowCallDurationMs'],
  ])('CountWindow %o is refused', (options, option) => {
    expect(thrownBy(() => new CountWindow(options))).toMatchObject({ option });
  });

  it.each([
    [{ windowMs: 0 }, 'TimeWindow windowMs'],
    [{ buckets: 0 }, 'TimeWindow buckets'],
    [{ minimumCalls: 0 }, 'TimeWindow minimumCalls'],
  ])('TimeWindow %o is refused', (options, option) => {
    expect(thrownBy(() => new TimeWindow(options))).toMatchObject({ option });
  });
});

describe('OpossumBreaker options', () => {
  it.each([
    [{ timeout: 0 }, 'timeout'],
    [{ resetTimeout: -1 }, 'resetTimeout'],
    [{ errorThresholdPercentage: -1 }, 'errorThresholdPercentage'],
    [{ volumeThreshold: 0.5 }, 'volumeThreshold'],
  ])('%o is refused', (options, option) => {
    expect(thrownBy(() => new OpossumBreaker(async () => 1, options))).toMatchObject({
      code: 'PERF_CIRCUIT_BREAKER_INVALID_OPTION',
      option,
    });
  });
});
