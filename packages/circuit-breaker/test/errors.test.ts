// Every error the breaker raises is a CircuitBreakerError with a stable code,
// its class name as `name`, and a message that says what to do.
import { describe, expect, it } from 'vitest';
import {
  BreakerClosedError,
  BreakerOpenError,
  BreakerTimeoutError,
  BulkheadFullError,
  CircuitBreakerError,
  InvalidOptionError,
} from '../src/index.js';

describe('error classes', () => {
  it.each([
    [new BreakerOpenError('db', 'open', 1_500, 1_000), 'PERF_CIRCUIT_BREAKER_OPEN', /open .* 500 ms more/],
    [new BreakerOpenError('db', 'half-open', undefined, 0), 'PERF_CIRCUIT_BREAKER_OPEN', /retry once the trials/],
    [new BreakerOpenError('db', 'forced-open', undefined, 0), 'PERF_CIRCUIT_BREAKER_OPEN', /released or reset\(\)/],
    [new BreakerTimeoutError('db', 250), 'PERF_CIRCUIT_BREAKER_TIMEOUT', /within 250 ms.*raise timeoutMs/],
    [new BulkheadFullError('db', 2, 1), 'PERF_CIRCUIT_BREAKER_BULKHEAD_FULL', /raise maxConcurrent\/maxQueue/],
    [new BreakerClosedError('db'), 'PERF_CIRCUIT_BREAKER_CLOSED', /close\(\).*create a new breaker/],
  ])('%s: a CircuitBreakerError with its code, class name, breaker name and advice', (error, code, advice) => {
    expect(error).toBeInstanceOf(CircuitBreakerError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(error.constructor.name);
    expect(error.breaker).toBe('db');
    expect(error.message).toMatch(/^@perf\/circuit-breaker: /);
    expect(error.message).toContain('"db"');
    expect(error.message).toMatch(advice);
  });

  it('InvalidOptionError carries option, expected and received, and says them in its message', () => {
    const error = new InvalidOptionError('maxQueue', 'an integer >= 0', -1);
    expect(error).toBeInstanceOf(CircuitBreakerError);
    expect(error).toMatchObject({
      name: 'InvalidOptionError',
      code: 'PERF_CIRCUIT_BREAKER_INVALID_OPTION',
      option: 'maxQueue',
      expected: 'an integer >= 0',
      received: -1,
      message: '@perf/circuit-breaker: option maxQueue must be an integer >= 0, received -1',
    });
  });

  it.each([
    ['yes', '"yes"'],
    [() => true, 'a function'],
    [undefined, 'undefined'],
    [null, 'null'],
    [Number.NaN, 'NaN'],
    [{ jitter: 2 }, '{"jitter":2}'],
    [{ long: 'x'.repeat(200) }, `{"long":"${'x'.repeat(68)}...`],
    [new Map(), 'a Map'],
  ])('InvalidOptionError shows %o as %s', (received, shown) => {
    expect(new InvalidOptionError('o', 'something', received).message).toBe(
      `@perf/circuit-breaker: option o must be something, received ${shown}`,
    );
  });

  it('shows a circular object briefly instead of throwing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(new InvalidOptionError('o', 'x', circular).message).toMatch(/received an object$/);
  });
});
